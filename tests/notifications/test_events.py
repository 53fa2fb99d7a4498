"""Each event makes exactly the notifications the issue names, for exactly the right people,
once, with public words only (an anonymous need's company is never named before the
introduction)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import InvestorMatch, MatchRun, PartnershipProposal, Proposal
from matching.models.results import ProposalStatus
from matching.services import notices
from matching.services.proposals import (
    partnership_approve,
    partnership_respond,
    proposal_approve,
    proposal_respond,
    proposal_suppress,
)
from matching.services.refresh import match_run_fail
from messaging.models import Thread
from notifications.kinds import Kind, notification_text
from notifications.models import Notification
from profiles.choices import OrgKind
from profiles.models import ImportJob
from profiles.services.imports.jobs import import_jobs_sweep
from profiles.services.organizations import organization_register
from tests.factories import (
    make_investor,
    make_need,
    make_org,
    make_seed,
    make_user,
    make_venture,
)

from .conftest import received

pytestmark = pytest.mark.django_db


def test_approving_a_proposal_tells_the_university_and_the_company_and_nobody_else(world):
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    assert received() == {
        ("uni_a", Kind.PROPOSAL_APPROVED),
        ("uni_b", Kind.PROPOSAL_APPROVED),
        ("buyer", Kind.PROPOSAL_APPROVED),
    }
    uni_note = Notification.objects.get(recipient=world.uni_a)
    buyer_note = Notification.objects.get(recipient=world.buyer)
    assert uni_note.url == f"/proposals/{world.proposal.pk}/"
    assert "硫化物系固体電解質" in notification_text(uni_note.kind, uni_note.params)
    assert "車載電池の安全性" in notification_text(buyer_note.kind, buyer_note.params)


def test_a_second_approval_after_a_suppression_does_not_notify_again(world):
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    proposal_suppress(proposal=world.proposal, by=world.coordinator, note="重複")
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    assert Notification.objects.count() == 3


def test_interest_tells_the_other_side_and_the_introduction_tells_both(world):
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    Notification.objects.all().delete()
    proposal_respond(proposal=world.proposal, by=world.buyer, decision="interested")
    assert received() == {
        ("uni_a", Kind.COUNTERPART_INTERESTED),
        ("uni_b", Kind.COUNTERPART_INTERESTED),
    }
    proposal_respond(proposal=world.proposal, by=world.uni_b, decision="interested")
    assert received(kind=Kind.INTRODUCED) == {
        ("uni_a", Kind.INTRODUCED),
        ("uni_b", Kind.INTRODUCED),
        ("buyer", Kind.INTRODUCED),
    }
    assert Notification.objects.count() == 5  # no "interested" for the company
    intro = Notification.objects.get(recipient=world.buyer, kind=Kind.INTRODUCED)
    assert intro.url == f"/proposals/{world.proposal.pk}/introduction/"
    # The introduction opened the two parties' thread.
    thread = Thread.objects.get(proposal=world.proposal)
    assert (thread.company_id, thread.academic_id) == (world.company.pk, world.uni.pk)


def test_a_decline_tells_nobody_and_answering_twice_does_not_notify_twice(world):
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    Notification.objects.all().delete()
    proposal_respond(proposal=world.proposal, by=world.uni_a, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.uni_a, decision="interested")
    assert received() == {("buyer", Kind.COUNTERPART_INTERESTED)}
    proposal_respond(proposal=world.proposal, by=world.uni_a, decision="declined", reason="timing")
    assert Notification.objects.count() == 1


def test_the_university_is_never_told_the_company_of_an_anonymous_need(world):
    world.need.is_anonymous = True
    world.need.save()
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    proposal_respond(proposal=world.proposal, by=world.buyer, decision="interested")
    for n in Notification.objects.filter(recipient__membership__organization=world.uni):
        words = notification_text(n.kind, n.params) + repr(n.params)
        assert "未来電機" not in words and "Mirai" not in words
        assert "極秘" not in words


def test_partnerships_tell_both_organisations_with_the_partner_named(world):
    pp = PartnershipProposal.objects.create(
        company=world.company, academic=world.uni, score=1.0, rank=1
    )
    partnership_approve(partnership=pp, by=world.coordinator)
    assert received() == {
        ("uni_a", Kind.PROPOSAL_APPROVED),
        ("uni_b", Kind.PROPOSAL_APPROVED),
        ("buyer", Kind.PROPOSAL_APPROVED),
    }
    buyer_note = Notification.objects.get(recipient=world.buyer)
    assert "東都大学" in notification_text(buyer_note.kind, buyer_note.params)
    partnership_respond(partnership=pp, by=world.buyer, decision="interested")
    assert ("uni_a", Kind.COUNTERPART_INTERESTED) in received()
    partnership_respond(partnership=pp, by=world.uni_a, decision="interested")
    assert received(kind=Kind.INTRODUCED) == {
        ("uni_a", Kind.INTRODUCED),
        ("uni_b", Kind.INTRODUCED),
        ("buyer", Kind.INTRODUCED),
    }
    assert Thread.objects.filter(partnership=pp).exists()


def test_a_registration_tells_the_coordinators_only(world):
    org = organization_register(
        data={"kind": OrgKind.COMPANY, "name": "北海精機株式会社", "name_en": "Hokkai Seiki"},
        user_data={"username": "hokkai", "password": "Sangaku-pass-2026", "email": "h@x.jp"},
    )
    assert received() == {("coord", Kind.ORG_PENDING)}
    n = Notification.objects.get()
    assert n.subject_id == org.pk and n.url == "/console/organizations/"
    assert "北海精機株式会社" in notification_text(n.kind, n.params)


def test_a_failed_import_tells_the_coordinators_but_row_errors_do_not(world):
    from profiles.services.imports.jobs import import_job_run

    bad = ImportJob.objects.create(
        organization=world.uni,
        user=world.uni_a,
        kind="seeds",
        content="title,summary,trl\n悪い行,概要,12\n",
        total_rows=1,
    )
    import_job_run(job_id=bad.pk)
    bad.refresh_from_db()
    assert bad.status == ImportJob.Status.FAILED
    assert received() == set()  # the member reads the row errors on the job page
    stuck = ImportJob.objects.create(
        organization=world.uni,
        user=world.uni_a,
        kind="seeds",
        content="title\nx\n",
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
    )
    import_jobs_sweep()
    assert received() == {("coord", Kind.IMPORT_FAILED)}
    n = Notification.objects.get()
    assert n.subject_id == stuck.pk and n.url == f"/admin/profiles/importjob/{stuck.pk}/change/"


def test_a_failed_match_run_tells_the_coordinators_once(world):
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, model_id="hashing")
    match_run_fail(run_id=run.pk, error="boom")
    match_run_fail(run_id=run.pk, error="boom again")
    assert received() == {("coord", Kind.MATCH_RUN_FAILED)}
    assert Notification.objects.count() == 1


def test_the_daily_review_count_reaches_coordinators_once_a_day_and_not_when_empty(world):
    day = timezone.now()
    assert notices.review_queue_notify(now=day) == {"proposals": 1, "partnerships": 0}
    notices.review_queue_notify(now=day)
    assert received() == {("coord", Kind.REVIEW_QUEUE)}
    assert Notification.objects.count() == 1
    notices.review_queue_notify(now=day + timedelta(days=1))
    assert Notification.objects.count() == 2
    Proposal.objects.update(status=ProposalStatus.APPROVED)
    notices.review_queue_notify(now=day + timedelta(days=2))
    assert Notification.objects.count() == 2


def test_the_weekly_needs_go_to_universities_with_seeds_in_the_field(world):
    now = timezone.now()
    world.seed.field = "材料"
    world.seed.save()
    make_seed(org=world.other, field="食品")
    fresh = make_need(org=world.company, title="新素材の探索", field="材料", published_at=now)
    make_need(
        org=world.company, title="古いニーズ", field="材料", published_at=now - timedelta(days=9)
    )
    make_need(org=world.company, title="食品のニーズ", field="農学", published_at=now)
    hidden = make_org(kind=OrgKind.COMPANY, name="秘密工業株式会社")
    make_need(
        org=hidden, title="匿名の素材ニーズ", field="材料", published_at=now, is_anonymous=True
    )
    assert notices.weekly_needs_notify(now=now) == 1
    notices.weekly_needs_notify(now=now)  # the same week: nothing new
    assert received() == {("uni_a", Kind.WEEKLY_NEEDS), ("uni_b", Kind.WEEKLY_NEEDS)}
    n = Notification.objects.filter(recipient=world.uni_a).get()
    assert n.params["count"] == 2
    assert set(n.params["items"]) == {f"{fresh.title} (材料)", "匿名の素材ニーズ (材料)"}
    assert "秘密工業" not in repr(n.params)


def test_an_investor_hears_of_a_venture_entering_its_deal_flow_near_the_top_once(world, settings):
    settings.NOTIFICATIONS_DEAL_FLOW_TOP = 2
    venture = make_venture(org=world.uni, name="電池ベンチャー株式会社")
    investors = [make_investor(org=make_org(kind=OrgKind.INVESTOR)) for _ in range(4)]
    users = [make_user(org=i.organization, username=f"inv{k}") for k, i in enumerate(investors)]
    matches = [
        InvestorMatch.objects.create(
            venture=venture, investor=investors[0], score=2.0, rank=1, signals={"semantic": 0.8}
        ),
        # Near the top but no closer to the venture than to the platform on average.
        InvestorMatch.objects.create(
            venture=venture, investor=investors[1], score=0.4, rank=2, signals={"semantic": -0.1}
        ),
        InvestorMatch.objects.create(
            venture=venture, investor=investors[2], score=0.3, rank=3, signals={"semantic": 0.2}
        ),
    ]
    notices.deal_flow_notify(venture_id=venture.pk, matches=matches)
    notices.deal_flow_notify(venture_id=venture.pk, matches=matches)
    assert received() == {(users[0].username, Kind.DEAL_FLOW)}
    n = Notification.objects.get()
    assert n.url == "/deal-flow/" and "電池ベンチャー株式会社" in notification_text(
        n.kind, n.params
    )


def test_the_investor_ranking_refresh_notifies_through_the_same_rule(world, hashing_embedder):
    from matching.services.embedding import vectors_embed_all
    from matching.services.refresh import investor_matches_refresh

    text = "全固体電池の固体電解質を事業化する大学発ベンチャー"
    venture = make_venture(org=world.uni, name="固体電池ベンチャー", summary=text)
    investor = make_investor(
        org=make_org(kind=OrgKind.INVESTOR, name="さくらVC"), thesis=text, fields=["電池"]
    )
    make_investor(org=make_org(kind=OrgKind.INVESTOR), thesis="食品と農業のスタートアップ")
    inv_user = make_user(org=investor.organization, username="sakura")
    vectors_embed_all()
    investor_matches_refresh()
    best = InvestorMatch.objects.get(venture=venture, rank=1)
    assert best.investor_id == investor.pk and best.signals["semantic"] > 0
    assert (inv_user.username, Kind.DEAL_FLOW) in received()
    assert Notification.objects.filter(subject_type="venture", subject_id=venture.pk).count() == 1
