"""A platform in English, for `tests/web/test_pages.py::
test_every_page_in_english_shows_no_japanese_of_its_own`: every organisation has a Japanese
name and an English one, everything users wrote is English, and every page route is requested
(GET, and the POST steps that render a page: CSV and catalogue previews, the estimator) as the
roles that may use it. What the platform writes itself — labels, notes, KPI targets, the case
library, prefectures, amounts, readiness rules and history, import reports written earlier by
a worker in Japanese — must then read in English.

Japanese is allowed only inside elements marked `lang="ja"` (a cited source's title, the
Japanese column headings a CSV accepts), in the 日本語 language button and in the brand mark.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation

from cases.models import PartnershipCase
from matching.models import Outcome, PartnershipProposal, Proposal
from matching.models.results import ProposalStatus
from matching.services.refresh import match_all
from profiles.choices import ApprovalStatus, OrgKind
from profiles.models import ImportJob, ResearchmapImport
from profiles.services.imports.jobs import import_job_create, import_job_run
from profiles.services.imports.researchmap import researchmap_import_create, researchmap_import_run
from profiles.services.readiness import readiness_update, track_record_upsert
from tests.factories import (
    make_admin,
    make_investor,
    make_need,
    make_org,
    make_seed,
    make_user,
    make_venture,
)
from tests.profiles.researchmap_fixtures import fixture_text

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]+")
ALLOWED = {"産", "日本語"}
# Routes that render no page of their own (actions that redirect, files of user content).
NOT_PAGES = {
    "healthz",
    "readyz",  # a JSON health probe
    "researchmap_bulk",  # POST actions that redirect to the review page
    "researchmap_difference",
    "notification_preferences",  # POST: saves the preferences shown on /account/
    "thread_for",  # redirects to the thread of a proposal or partnership
    "attachment_download",  # a file a party uploaded
    "logout",
    "set_language",
    "seed_status",
    "need_status",
    "console_rebuild",
    "seed_watch",  # POST actions of issue 14 that redirect
    "investor_interest",
    "investor_withdraw",
    "outcome_action",
}
# Pages that answer another status than 200 by design (and still render a page).
STATUS = {"invitation_accept": 404, "unsubscribe": 404}
# Files made of what users wrote (checked for a 200 only): exports of the catalogue.
USER_CONTENT_FILES = {
    "console_catalog_export",
    "seed_export_csv",
    "seed_export_json",
    "need_export_csv",
    "need_export_json",
    "researchmap_report_csv",  # researchmap's records and the reasons, checked for a 200 only
}


def page_route_names() -> set[str]:
    """Every named route outside the API, the admin and the static files."""

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p, route)
            elif isinstance(p, URLPattern) and p.name:
                if not route.startswith(("api/", "admin/", "static/")):
                    yield p.name

    return set(walk(get_resolver())) - NOT_PAGES


def japanese_of_its_own(body: str) -> list[str]:
    """The Japanese in a page that is not allowed (see the module docstring): in the text and
    in the attributes people read (title, placeholder, aria-label, alt)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    for _ in range(3):  # nested lang="ja" elements
        body = re.sub(r'<(\w+)\b[^>]*\blang="ja"[^>]*>.*?</\1>', " ", body, flags=re.S)
    attributes = re.findall(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    found = set(JAPANESE.findall(text + " " + " ".join(attributes)))
    return sorted(found - ALLOWED)


CSV_SEEDS = (
    "key,title,summary,keywords,trl,researchers,patents\n"
    "en-seed-1,Solid electrolyte,For batteries.,battery,(clear),(clear),\n"
    "en-seed-new,,Missing title,battery,12,,\n"
    "en-seed-3,Fast charging,For cars.,charging,4,Ann Lee|Engineering||maybe,\n"
)
CSV_NEEDS = (
    "key,title,description,budget_min_yen,budget_max_yen,is_anonymous\n"
    "en-need-1,Battery safety,Safer cells.,9000000,1000000,perhaps\n"
)


def _csv(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def build_world() -> dict:
    uni = make_org(
        kind=OrgKind.UNIVERSITY, name="東都大学", name_en="Tohto University", prefecture="東京都"
    )
    uni2 = make_org(
        kind=OrgKind.UNIVERSITY, name="浪速大学", name_en="Naniwa University", prefecture="大阪府"
    )
    uni3 = make_org(
        kind=OrgKind.UNIVERSITY, name="北杜大学", name_en="Hokuto University", prefecture="北海道"
    )
    company = make_org(
        kind=OrgKind.COMPANY, name="未来電機株式会社", name_en="Mirai Electric", prefecture="愛知県"
    )
    secret = make_org(
        kind=OrgKind.COMPANY, name="秘密商事株式会社", name_en="Secret Trading", prefecture="高知県"
    )
    investor_org = make_org(
        kind=OrgKind.INVESTOR, name="桜キャピタル", name_en="Sakura VC", prefecture="福岡県"
    )
    pending = make_org(
        kind=OrgKind.COMPANY,
        name="審査中商事",
        name_en="Pending Trading",
        prefecture="宮城県",
        approval_status=ApprovalStatus.PENDING,
    )
    users = {
        "university": make_user(org=uni),
        "company": make_user(org=company),
        "investor": make_user(org=investor_org),
        "pending": make_user(org=pending),
        "coordinator": make_admin(),
        None: None,
    }
    seed = make_seed(
        org=uni,
        key="en-seed-1",
        title="Solid electrolyte",
        summary="For batteries.",
        keywords=["battery"],
        field="Materials",
        trl=4,
    )
    seed.researchers.create(name="Ann Lee", department="Engineering", researchmap_id="annlee")
    make_seed(org=uni2, title="Battery anodes", summary="Silicon anodes.", keywords=["battery"])
    need = make_need(
        org=company,
        key="en-need-1",
        title="Battery safety",
        description="Safer cells.",
        keywords=["battery"],
        field="Materials",
        budget_min_yen=5_000_000,
        budget_max_yen=50_000_000,
    )
    make_need(
        org=secret,
        title="Deep sea cables",
        description="Corrosion of cables under the sea.",
        keywords=["corrosion"],
        is_anonymous=True,
    )
    make_need(org=company, title="Quantum sensors", description="Unmet.", keywords=["qubit"])
    make_investor(org=investor_org, thesis="Battery start-ups", fields=["materials"])
    venture = make_venture(org=uni, name="Tohto Batteries", summary="Solid-state cells.")
    venture.seeds.add(seed)

    by = users["university"]
    readiness_update(
        org=uni,
        by=by,
        data={
            "indirect_cost_rate_percent": Decimal("30"),
            "charges_personnel_costs": True,
            "faculty_monthly_rate_yen": 800_000,
            "notes": "Figures of the partnership office.",
        },
    )
    readiness_update(org=uni, by=by, data={"ip_policy": True, "nda_procedure": True})
    year = timezone.localdate().year - 2
    track_record_upsert(
        org=uni,
        by=by,
        fiscal_year=year,
        data={
            "joint_research_count": 120,
            "joint_research_income_yen": 480_000_000,
            "large_project_count": 9,
            "license_count": 30,
            "license_income_yen": 12_000_000,
            "spinoff_count": 2,
            "cross_appointment_count": 3,
        },
    )
    readiness_update(org=uni3, by=make_user(org=uni3), data={"ip_policy": True})

    match_all(sync=True)
    proposal = Proposal.objects.filter(need=need, seed=seed).first() or Proposal.objects.create(
        need=need, seed=seed, score=2.0, signals={"semantic": 1.5}, explanation={}
    )
    proposal.status, proposal.reviewed_at = ProposalStatus.INTRODUCED, timezone.now()
    proposal.introduced_at = timezone.now()
    proposal.save()
    other = Proposal.objects.exclude(pk=proposal.pk).first()
    if other is not None:
        other.status, other.reviewed_at = ProposalStatus.APPROVED, timezone.now()
        other.save()
    partnership = PartnershipProposal.objects.filter(company=company).first()
    if partnership is not None:
        partnership.status, partnership.reviewed_at = ProposalStatus.APPROVED, timezone.now()
        partnership.save()
    # Agreements between enough organisations for published KPI figures, and one suppressed.
    for academic, partner, amount in ((uni, company, 30_000_000), (uni2, secret, 60_000_000)):
        Outcome.objects.create(
            agreement_type="joint_research",
            amount_yen=amount,
            duration_years=1,
            fiscal_year=year,
            academic=academic,
            company=partner,
        )
    Outcome.objects.create(
        agreement_type="joint_research",
        amount_yen=20_000_000,
        duration_years=1,
        fiscal_year=year,
        academic=uni3,
        company=company,
    )
    Outcome.objects.create(
        agreement_type="license", amount_yen=0, fiscal_year=year, academic=uni, company=company
    )

    # Import jobs whose reports a worker wrote in Japanese, read now in English.
    with translation.override("ja"):
        failed = import_job_create(
            org=uni, by=by, kind="seeds", content=CSV_SEEDS.encode(), file_name="seeds.csv"
        )
        import_job_run(job_id=failed.pk)
        done = import_job_create(
            org=uni,
            by=by,
            kind="seeds",
            content=(
                b"key,title,summary,keywords,researchers,patents\n"
                b"en-seed-1,Solid electrolyte,For batteries.,battery,(clear),\n"
            ),
            file_name="update.csv",
        )
        import_job_run(job_id=done.pk)
        catalog_failed = import_job_create(
            org=None,
            by=users["coordinator"],
            kind="catalog",
            content=json.dumps(
                {"format": "catalog/1", "seeds": [{"key": "x", "organization": "nowhere"}]}
            ).encode(),
            file_name="broken.json",
        )
        import_job_run(job_id=catalog_failed.pk)
        catalog_done = import_job_create(
            org=None,
            by=users["coordinator"],
            kind="catalog",
            content=json.dumps(
                {
                    "format": "catalog/1",
                    "organizations": [
                        {"key": "u-new", "kind": "university", "name": "New University"}
                    ],
                }
            ).encode(),
            file_name="good.json",
        )
        import_job_run(job_id=catalog_done.pk)
    # A researchmap import of an English-speaking researcher (tests/profiles/fixtures).
    researchmap = researchmap_import_create(
        org=uni,
        by=by,
        source=ResearchmapImport.Source.FILE,
        content=fixture_text("smith_english.json").encode(),
        label="smith.json",
        run_in_background=False,
    )
    researchmap_import_run(import_id=researchmap.pk)
    # An introduction through the services: its thread with a message, and notifications.
    from matching.services.proposals import proposal_approve, proposal_respond
    from messaging.models import Thread
    from messaging.services.threads import message_post
    from notifications.models import Notification

    introduced = Proposal.objects.create(
        seed=make_seed(org=uni, title="Sensor", summary="Sensing.", keywords=["sensor"]),
        need=make_need(org=company, title="Sensing", description="A sensor.", keywords=["x"]),
        score=2.0,
        status=ProposalStatus.PROPOSED,
        signals={"semantic": 1.5},
        explanation={},
    )
    proposal_approve(proposal=introduced, by=users["coordinator"])
    proposal_respond(proposal=introduced, by=users["company"], decision="interested")
    proposal_respond(proposal=introduced, by=by, decision="interested")
    thread = Thread.objects.get(proposal=introduced)
    message_post(thread=thread, by=users["company"], body="Hello, see https://example.com")
    notification = Notification.objects.filter(recipient=by).order_by("-pk").first()
    assert notification is not None
    # Acting on matches (issue 14): a company's interest in a seed, a saved search and a watch,
    # an outcome waiting for confirmation, an investor introduction with an investment waiting
    # for the university, and an investor's interest not answered yet.
    from matching.models import InvestorMatch
    from matching.services.agreements import outcome_record
    from matching.services.alerts import saved_search_create, watch_add
    from matching.services.introductions import (
        investor_interest_answer,
        investor_interest_express,
    )
    from matching.services.proposals import proposal_request

    company_user, investor_user = users["company"], users["investor"]
    request = proposal_request(
        need=make_need(org=company, title="Cells", description="Cells.", keywords=["x"]),
        seed=seed,
        by=company_user,
        message="Let us talk.",
    )
    proposal_approve(proposal=request, by=users["coordinator"])
    saved_search_create(user=company_user, query="battery", filters={"trl_min": 3})
    watch_add(user=company_user, seed=seed)
    outcome_record(proposal=introduced, by=company_user, agreement_type="license", amount_yen=1)
    investor = investor_org.investor_profile
    InvestorMatch.objects.get_or_create(
        venture=venture, investor=investor, defaults={"score": 1.0, "rank": 1}
    )
    investor_intro = investor_interest_express(venture=venture, by=investor_user, message="Hi")
    investor_interest_answer(intro=investor_intro, by=by, decision="interested")
    outcome_record(
        venture=venture, by=investor_user, agreement_type="spinoff_investment", amount_yen=5
    )
    pending_intro = investor_interest_express(
        venture=make_venture(org=uni, name="Tohto Sensors", summary="Sensors."), by=investor_user
    )
    jobs = ImportJob.objects.filter(pk__in=[failed.pk, done.pk])
    assert {j.status for j in jobs} == {"failed", "done"}
    return {
        "users": users,
        "uni": uni,
        "uni2": uni2,
        "seed": seed,
        "need": need,
        "venture": venture,
        "proposal": proposal,
        "partnership": partnership,
        "jobs": [failed, done],
        "catalog_jobs": [catalog_failed, catalog_done],
        "researchmap": researchmap,
        "thread": thread,
        "notification": notification,
        "request": request,
        "investor_intro": investor_intro,
        "pending_venture": pending_intro.venture,
    }


def requests(world: dict) -> list[tuple]:
    """(role, route name, args, query, POST data or None) for every page route."""
    uni, uni2 = world["uni"], world["uni2"]
    out: list[tuple] = [
        (None, "landing", (), "", None),
        (None, "login", (), "", None),
        (None, "org_register", (), "", None),
        (None, "password_reset", (), "", None),
        (None, "password_reset_done", (), "", None),
        (None, "password_reset_complete", (), "", None),
        (None, "password_reset_confirm", ("MQ", "x-y"), "", None),
        (None, "invitation_accept", ("not-a-token",), "", None),
        (None, "kpi_dashboard", (), "", None),
        (None, "kpi_csv", (), "", None),
        (None, "cases_list", (), "", None),
        (None, "cases_list", (), "?field=Drug discovery", None),
        (None, "readiness_list", (), "", None),
        (None, "readiness_detail", (uni.pk,), "", None),
        ("pending", "dashboard", (), "", None),
        ("pending", "readiness_list", (), "", None),
        ("university", "dashboard", (), "", None),
        ("university", "account", (), "", None),
        ("university", "password_change", (), "", None),
        ("university", "password_change_done", (), "", None),
        ("university", "members", (), "", None),
        ("university", "access_log", (), "", None),
        ("university", "org_profile", (), "", None),
        ("university", "seed_list", (), "", None),
        ("university", "seed_create", (), "", None),
        ("university", "seed_edit", (world["seed"].pk,), "", None),
        ("university", "seed_import", (), "", None),
        (
            "university",
            "seed_import",
            (),
            "",
            {"step": "preview", "file": _csv("seeds.csv", CSV_SEEDS)},
        ),
        ("university", "seed_import_template", (), "", None),
        ("university", "seed_export_csv", (), "", None),
        ("university", "seed_export_json", (), "", None),
        ("university", "venture_list", (), "", None),
        ("university", "venture_create", (), "", None),
        ("university", "venture_edit", (world["venture"].pk,), "", None),
        ("university", "proposal_inbox", (), "", None),
        ("university", "proposal_detail", (world["proposal"].pk,), "", None),
        ("university", "introduction", (world["proposal"].pk,), "", None),
        ("university", "partnership_list", (), "", None),
        ("university", "unmet_needs", (), "", None),
        ("university", "readiness_edit", (), "", None),
        ("university", "notification_list", (), "", None),
        ("university", "notification_open", (world["notification"].pk,), "?detail=1", None),
        ("university", "thread_list", (), "", None),
        ("university", "thread_detail", (world["thread"].pk,), "", None),
        ("company", "thread_detail", (world["thread"].pk,), "", None),
        (None, "unsubscribe", ("not-a-token",), "", None),
        ("university", "researchmap_import", (), "", None),
        ("university", "researchmap_review", (world["researchmap"].pk,), "", None),
        ("university", "researchmap_report_csv", (world["researchmap"].pk,), "", None),
        ("university", "readiness_detail", (uni.pk,), "", None),
        *(("university", "import_job", (job.pk,), "", None) for job in world["jobs"]),
        ("company", "dashboard", (), "", None),
        ("company", "need_list", (), "", None),
        ("company", "need_create", (), "", None),
        ("company", "need_edit", (world["need"].pk,), "", None),
        ("company", "need_matches", (world["need"].pk,), "", None),
        ("company", "need_import", (), "", None),
        (
            "company",
            "need_import",
            (),
            "",
            {"step": "preview", "file": _csv("needs.csv", CSV_NEEDS)},
        ),
        ("company", "need_import_template", (), "", None),
        ("company", "need_export_csv", (), "", None),
        ("company", "need_export_json", (), "", None),
        ("company", "partner_search", (), "?q=battery", None),
        ("company", "proposal_inbox", (), "", None),
        ("company", "proposal_detail", (world["proposal"].pk,), "", None),
        ("company", "readiness_list", (), "", None),
        ("company", "readiness_detail", (uni.pk,), "", None),
        ("company", "readiness_estimate", (), "", None),
        (
            "company",
            "readiness_estimate",
            (),
            "",
            {
                "organization": uni2.pk,
                "direct_costs_yen": 0,
                "faculty_person_months": "1.2",
                "postdoc_person_months": "0",
                "student_person_months": "3",
            },
        ),
        (
            "company",
            "readiness_estimate",
            (),
            "",
            {
                "organization": uni.pk,
                "direct_costs_yen": 1_000_000,
                "faculty_person_months": "1.5",
                "postdoc_person_months": "0",
                "student_person_months": "0",
                "need": world["need"].pk,
            },
        ),
        ("investor", "dashboard", (), "", None),
        ("investor", "investor_thesis", (), "", None),
        ("investor", "deal_flow", (), "", None),
        ("coordinator", "console_queue", (), "", None),
        ("coordinator", "console_quality", (), "", None),
        ("coordinator", "console_uncovered", (), "", None),
        ("coordinator", "console_orgs", (), "", None),
        ("coordinator", "console_health", (), "", None),
        ("coordinator", "console_threads", (), "", None),
        ("coordinator", "notification_list", (), "", None),
        ("coordinator", "console_catalog", (), "", None),
        (
            "coordinator",
            "console_catalog",
            (),
            "",
            {
                "step": "preview",
                "file": SimpleUploadedFile(
                    "catalog.json",
                    json.dumps(
                        {
                            "format": "catalog/1",
                            "organizations": [
                                {"key": "u-x", "kind": "university", "name": "X University"}
                            ],
                            "seeds": [{"key": "s-x", "organization": "u-x", "title": "T"}],
                            "needs": [{"key": "n-x", "organization": "missing", "title": "N"}],
                        }
                    ).encode(),
                    content_type="application/json",
                ),
            },
        ),
        ("coordinator", "console_catalog_export", (), "", None),
        *(("coordinator", "import_job", (job.pk,), "", None) for job in world["catalog_jobs"]),
        ("coordinator", "proposal_detail", (world["proposal"].pk,), "", None),
        # Acting on matches (issue 14).
        ("university", "proposal_detail", (world["request"].pk,), "", None),
        ("university", "outcome_list", (), "", None),
        ("university", "investments", (), "", None),
        ("university", "investor_introduction_list", (), "", None),
        ("university", "investor_introduction", (world["investor_intro"].pk,), "", None),
        ("university", "venture_investors", (world["pending_venture"].pk,), "", None),
        ("university", "seed_page", (world["seed"].pk,), "", None),
        ("company", "seed_page", (world["seed"].pk,), "", None),
        ("company", "seed_interest", (world["seed"].pk,), "", None),
        ("company", "saved_searches", (), "", None),
        ("company", "watchlist", (), "", None),
        ("company", "outcome_list", (), "", None),
        ("company", "introduction", (world["thread"].proposal_id,), "", None),
        ("investor", "investor_introduction_list", (), "", None),
        ("investor", "investor_introduction", (world["investor_intro"].pk,), "", None),
        ("investor", "investments", (), "", None),
        ("investor", "outcome_list", (), "", None),
        ("investor", "seed_page", (world["seed"].pk,), "", None),
        ("coordinator", "console_outcomes", (), "", None),
    ]
    if world["partnership"] is not None:
        out.append(("company", "partnership_detail", (world["partnership"].pk,), "", None))
    out += [(None, "cases_detail", (slug,), "", None) for slug in _case_slugs()]
    return out


def _case_slugs() -> list[str]:
    return list(PartnershipCase.objects.order_by("slug").values_list("slug", flat=True))
