"""Every page through Django's test client: who may see it (403/404 otherwise), that forms show
errors next to the field and keep what was typed, and that a page writes through its service."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from matching.models import Outcome, Proposal
from matching.models.results import ProposalStatus
from profiles.choices import ApprovalStatus, MemberRole, OrgKind, PublicationStatus
from profiles.models import InvestorProfile, Need, Organization, Seed
from tests.factories import (
    make_admin,
    make_investor,
    make_need,
    make_org,
    make_seed,
    make_user,
    make_venture,
    publish_search_index,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def uni():
    return make_org(kind=OrgKind.UNIVERSITY, name="東都大学")


@pytest.fixture
def company():
    return make_org(kind=OrgKind.COMPANY, name="未来電機株式会社")


@pytest.fixture
def uni_user(uni):
    return make_user(org=uni)


@pytest.fixture
def company_user(company):
    return make_user(org=company)


def field_errors(response, name: str) -> list[str]:
    """The error messages rendered next to the field `name` (its errorlist)."""
    html = response.content.decode()
    match = re.search(
        rf'<ul class="errorlist" id="id_{re.escape(name)}_error" data-field="{re.escape(name)}">(.*?)</ul>',
        html,
        re.S,
    )
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def approved_proposal(*, seed, need, status=ProposalStatus.APPROVED, **kw) -> Proposal:
    kw.setdefault("score", 2.4)
    kw.setdefault("signals", {"semantic": 1.8, "mode": 0.5, "trl": 0.1})
    kw.setdefault("explanation", {"shared_terms": ["電池"], "signals": kw["signals"]})
    return Proposal.objects.create(seed=seed, need=need, status=status, **kw)


# --- Public pages ------------------------------------------------------------------------------


def test_landing_shows_live_figures_of_published_rows_of_approved_organisations(client, uni):
    make_seed(org=uni)
    make_seed(org=uni, status=PublicationStatus.DRAFT)
    pending = make_org(kind=OrgKind.UNIVERSITY, approval_status=ApprovalStatus.PENDING)
    make_seed(org=pending)
    make_need()
    response = client.get(reverse("landing"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'data-figure="universities">1<', html)
    assert re.search(r'data-figure="seeds">1<', html)
    assert re.search(r'data-figure="needs">1<', html)
    assert re.search(r'data-figure="introductions">0<', html)
    # Counted at most once a minute (matching/views/dashboards.py), then counted again.
    make_seed(org=uni)
    assert re.search(r'data-figure="seeds">1<', client.get(reverse("landing")).content.decode())
    from django.core.cache import cache

    cache.delete("landing:figures")
    assert re.search(r'data-figure="seeds">2<', client.get(reverse("landing")).content.decode())


def test_anonymous_visitor_is_sent_to_sign_in_from_every_member_page(client):
    for name in ("dashboard", "seed_list", "need_list", "partner_search", "console_queue"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_sign_in_with_a_wrong_password_shows_an_error_and_keeps_the_username(client, uni_user):
    response = client.post(reverse("login"), {"username": uni_user.username, "password": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ユーザー名またはパスワードが正しくありません" in html
    assert f'value="{uni_user.username}"' in html


def test_sign_in_leads_to_the_dashboard(client, uni_user):
    response = client.post(
        reverse("login"), {"username": uni_user.username, "password": "pass-Sangaku-2026"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_registration_creates_a_pending_organisation_with_its_manager(client):
    response = client.post(
        reverse("org_register"),
        {
            "kind": OrgKind.COMPANY,
            "name": "北海精機株式会社",
            "name_en": "Hokkai Seiki",
            "prefecture": "北海道",
            "contact_email": "info@hokkai.example.jp",
            "username": "hokkai",
            "email": "tanaka@hokkai.example.jp",
            "password1": "Sangaku-pass-2026",
            "password2": "Sangaku-pass-2026",
        },
    )
    assert response.status_code == 200
    assert "登録を受け付けました" in response.content.decode()
    org = Organization.objects.get(name="北海精機株式会社")
    assert org.approval_status == ApprovalStatus.PENDING
    assert org.region == "hokkaido"
    assert org.memberships.get().role == MemberRole.MANAGER


def test_registration_errors_appear_next_to_their_fields_and_nothing_typed_is_lost(client):
    response = client.post(
        reverse("org_register"),
        {
            "kind": OrgKind.COMPANY,
            "name": "入力を保持する株式会社",
            "prefecture": "東京都",
            "contact_email": "not-an-email",
            "username": "bad name!",
            "email": "a@example.jp",
            "password1": "Sangaku-pass-2026",
            "password2": "different-2026",
        },
    )
    assert response.status_code == 200
    assert field_errors(response, "contact_email")
    assert field_errors(response, "username")
    assert field_errors(response, "password2") == ["パスワードが一致しません。"]
    assert 'value="入力を保持する株式会社"' in response.content.decode()
    assert not Organization.objects.filter(name="入力を保持する株式会社").exists()


def test_a_pending_organisation_sees_the_waiting_page_and_cannot_open_its_seeds(client):
    org = make_org(kind=OrgKind.UNIVERSITY, approval_status=ApprovalStatus.PENDING)
    client.force_login(make_user(org=org))
    assert "承認待ち" in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("seed_list")).status_code == 403


# --- Dashboards -------------------------------------------------------------------------------


def test_each_kind_of_member_gets_its_own_dashboard(client, uni_user, company_user):
    client.force_login(uni_user)
    assert "知財・産学連携部門のダッシュボード" in client.get(reverse("dashboard")).content.decode()
    client.force_login(company_user)
    assert "研究開発部門のダッシュボード" in client.get(reverse("dashboard")).content.decode()
    investor = make_investor()
    client.force_login(make_user(org=investor.organization))
    assert "投資家のダッシュボード" in client.get(reverse("dashboard")).content.decode()
    client.force_login(make_admin())
    assert client.get(reverse("dashboard"))["Location"] == reverse("console_queue")


def test_the_menu_offers_each_kind_of_member_its_own_pages(client, uni_user, company_user):
    def menu(user, page: str = "dashboard") -> str:
        client.force_login(user)
        html = client.get(reverse(page)).content.decode()
        return html[html.index('<nav class="site-nav"') : html.index("</nav>")]

    university_menu = menu(uni_user)
    assert reverse("seed_list") in university_menu and reverse("seed_import") in university_menu
    assert reverse("need_list") not in university_menu
    company_menu = menu(company_user)
    assert reverse("need_list") in company_menu and reverse("partner_search") in company_menu
    assert reverse("seed_list") not in company_menu
    assert reverse("console_queue") not in company_menu
    admin_menu = menu(make_admin(), "console_quality")
    for name in ("console_queue", "console_quality", "console_orgs"):
        assert reverse(name) in admin_menu


def test_university_dashboard_lists_new_proposals_and_seeds_needing_attention(
    client, uni, uni_user
):
    seed = make_seed(org=uni, title="固体電解質の新材料")
    make_seed(org=uni, title="下書きのシーズ", status=PublicationStatus.DRAFT)
    approved_proposal(seed=seed, need=make_need(title="車載電池の安全性"))
    Proposal.objects.create(seed=seed, need=make_need(title="未承認のニーズ"), score=1.0)
    client.force_login(uni_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "車載電池の安全性" in html
    assert "未承認のニーズ" not in html  # not approved yet: not shown to the parties
    assert "下書きのシーズ" in html


# --- Seeds ----------------------------------------------------------------------------------


def seed_post(**over) -> dict:
    data = {
        "title": "全固体電池の界面制御",
        "summary": "固体電解質と電極の界面抵抗を下げる。",
        "confidential_details": "未公開の組成データ",
        "keywords": "電池、界面, 固体電解質",
        "field": "材料",
        "trl": "4",
        "collaboration_modes": ["joint_research", "license"],
        "language": "ja",
        "capacity": "2",
        "researchers-TOTAL_FORMS": "1",
        "researchers-INITIAL_FORMS": "0",
        "researchers-0-name": "山田 花子",
        "researchers-0-department": "工学研究科",
        "researchers-0-cross_appointment_available": "on",
        "patents-TOTAL_FORMS": "1",
        "patents-INITIAL_FORMS": "0",
        "action": "save",
    }
    data.update(over)
    return data


def test_university_creates_a_draft_seed_with_researchers_and_keywords(client, uni, uni_user):
    client.force_login(uni_user)
    response = client.post(reverse("seed_create"), seed_post())
    seed = Seed.objects.get(organization=uni, title="全固体電池の界面制御")
    assert response.status_code == 302
    assert response["Location"] == reverse("seed_edit", args=[seed.pk])
    assert seed.status == PublicationStatus.DRAFT
    assert seed.keywords == ["電池", "界面", "固体電解質"]
    assert seed.collaboration_modes == ["joint_research", "license"]
    assert seed.confidential_details == "未公開の組成データ"
    researcher = seed.researchers.get()
    assert researcher.name == "山田 花子" and researcher.cross_appointment_available
    assert seed.patents.count() == 0  # the blank patent row is not a patent


def test_save_and_publish_publishes_the_seed(client, uni, uni_user):
    client.force_login(uni_user)
    client.post(reverse("seed_create"), seed_post(action="publish"))
    assert Seed.objects.get(organization=uni).status == PublicationStatus.PUBLISHED


def test_seed_form_errors_show_next_to_the_field_and_keep_the_typed_text(client, uni, uni_user):
    client.force_login(uni_user)
    response = client.post(reverse("seed_create"), seed_post(title="", capacity="101"))
    assert response.status_code == 200
    assert field_errors(response, "title")
    assert field_errors(response, "capacity")
    html = response.content.decode()
    assert "固体電解質と電極の界面抵抗を下げる。" in html
    assert 'value="山田 花子"' in html
    assert not Seed.objects.filter(organization=uni).exists()


def test_seed_form_shows_errors_in_english_when_english_is_chosen(client, uni_user):
    client.force_login(uni_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("seed_create"), seed_post(title=""))
    assert field_errors(response, "title") == ["This field is required."]
    assert "Save as draft" in response.content.decode()


def test_another_university_gets_404_on_a_seed_editor_and_a_company_403(client, uni, company_user):
    seed = make_seed(org=uni)
    client.force_login(make_user(org=make_org(kind=OrgKind.UNIVERSITY)))
    assert client.get(reverse("seed_edit", args=[seed.pk])).status_code == 404
    assert client.post(reverse("seed_status", args=[seed.pk, "archive"])).status_code == 404
    client.force_login(company_user)
    assert client.get(reverse("seed_edit", args=[seed.pk])).status_code == 403
    assert client.get(reverse("seed_list")).status_code == 403
    seed.refresh_from_db()
    assert seed.status == PublicationStatus.PUBLISHED


def test_seed_list_shows_only_the_organisations_own_seeds(client, uni, uni_user):
    make_seed(org=uni, title="自組織のシーズ")
    make_seed(title="他大学のシーズ")
    client.force_login(uni_user)
    html = client.get(reverse("seed_list")).content.decode()
    assert "自組織のシーズ" in html and "他大学のシーズ" not in html


def test_publish_and_unpublish_buttons_change_the_status(client, uni, uni_user):
    seed = make_seed(org=uni, status=PublicationStatus.DRAFT)
    client.force_login(uni_user)
    client.post(reverse("seed_status", args=[seed.pk, "publish"]))
    seed.refresh_from_db()
    assert seed.status == PublicationStatus.PUBLISHED
    client.post(reverse("seed_status", args=[seed.pk, "unpublish"]))
    seed.refresh_from_db()
    assert seed.status == PublicationStatus.DRAFT
    assert client.post(reverse("seed_status", args=[seed.pk, "explode"])).status_code == 404


# --- CSV import --------------------------------------------------------------------------------

CSV = (
    "key,title,summary,trl,collaboration_modes,keywords\n"
    "csv-old,新しいタイトル,概要が変わった,5,joint_research,電池\n"
    "csv-new,新規シーズ,新しい概要,3,license,AI\n"
)


def test_csv_preview_shows_each_change_and_writes_nothing(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    make_seed(org=uni, key="csv-old", title="古いタイトル", summary="古い概要", trl=5)
    client.force_login(uni_user)
    response = client.post(
        reverse("seed_import"),
        {"step": "preview", "file": SimpleUploadedFile("seeds.csv", CSV.encode("utf-8-sig"))},
    )
    html = response.content.decode()
    assert re.search(r'data-count="create">1<', html)
    assert re.search(r'data-count="update">1<', html)
    assert "タイトル" in html and "公開概要" in html  # the fields the update changes
    assert not Seed.objects.filter(key="csv-new").exists()
    assert Seed.objects.get(key="csv-old").title == "古いタイトル"
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("seed_import"), {"step": "confirm", "token": token})
    assert response.status_code == 302 and response["Location"].startswith("/imports/")
    assert Seed.objects.get(key="csv-old").title == "古いタイトル"  # the job has not run yet
    for callback in callbacks:  # the background import job (in-process in tests)
        callback()
    assert Seed.objects.get(key="csv-old").title == "新しいタイトル"
    assert Seed.objects.get(key="csv-new").status == PublicationStatus.DRAFT


def test_csv_preview_lists_row_errors_and_offers_no_confirm_button(client, uni, uni_user):
    client.force_login(uni_user)
    bad = "title,summary,trl\n良い行,概要,3\n悪い行,概要,12\n"
    response = client.post(
        reverse("seed_import"),
        {"step": "preview", "file": SimpleUploadedFile("seeds.csv", bad.encode())},
    )
    html = response.content.decode()
    assert 'data-line="3"' in html and "row-error" in html
    assert 'data-testid="csv-confirm"' not in html
    assert not Seed.objects.filter(organization=uni).exists()


def test_csv_confirm_with_a_stale_token_writes_nothing(client, uni, uni_user):
    client.force_login(uni_user)
    response = client.post(reverse("seed_import"), {"step": "confirm", "token": "forged"})
    assert response.status_code == 302
    assert not Seed.objects.filter(organization=uni).exists()


def test_csv_upload_without_a_file_shows_the_error_next_to_the_file_field(client, uni_user):
    client.force_login(uni_user)
    response = client.post(reverse("seed_import"), {"step": "preview"})
    assert field_errors(response, "file")


# --- Needs -------------------------------------------------------------------------------------


def need_post(**over) -> dict:
    data = {
        "title": "車載電池の熱暴走を防ぐ材料",
        "description": "安全性の高い固体電解質を探している。",
        "keywords": "電池, 安全",
        "collaboration_modes": ["joint_research"],
        "budget_min_yen": "3000000",
        "budget_max_yen": "10000000",
        "trl_min": "3",
        "trl_max": "6",
        "preferred_regions": ["kanto", "chubu"],
        "language": "ja",
        "action": "publish",
    }
    data.update(over)
    return data


def test_company_posts_and_publishes_a_need(client, company, company_user):
    client.force_login(company_user)
    response = client.post(reverse("need_create"), need_post())
    need = Need.objects.get(organization=company)
    assert response["Location"] == reverse("need_edit", args=[need.pk])
    assert need.status == PublicationStatus.PUBLISHED
    assert need.preferred_regions == ["kanto", "chubu"]
    assert need.budget_max_yen == 10_000_000


def test_need_budget_range_error_is_shown_next_to_the_upper_bound(client, company, company_user):
    client.force_login(company_user)
    response = client.post(
        reverse("need_create"), need_post(budget_min_yen="9000000", budget_max_yen="1000")
    )
    assert field_errors(response, "budget_max_yen") == ["予算上限は下限以上にしてください。"]
    assert "安全性の高い固体電解質を探している。" in response.content.decode()
    assert not Need.objects.filter(organization=company).exists()


def test_another_company_gets_404_on_a_need_and_a_university_403(client, uni_user):
    need = make_need()
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    assert client.get(reverse("need_edit", args=[need.pk])).status_code == 404
    client.force_login(uni_user)
    assert client.get(reverse("need_list")).status_code == 403


# --- Investor thesis and deal flow -------------------------------------------------------------


def test_investor_saves_a_thesis_and_others_get_403(client, company_user):
    org = make_org(kind=OrgKind.INVESTOR)
    client.force_login(make_user(org=org))
    response = client.post(
        reverse("investor_thesis"),
        {
            "investor_kind": "vc",
            "thesis": "大学発の素材・電池スタートアップにシード期から投資する。",
            "fields": "素材、電池",
            "stages": ["seed", "series_a"],
            "ticket_min_yen": "50000000",
            "ticket_max_yen": "10000000",
        },
    )
    assert field_errors(response, "ticket_max_yen")
    assert not InvestorProfile.objects.filter(organization=org).exists()
    client.post(
        reverse("investor_thesis"),
        {"investor_kind": "vc", "thesis": "素材に投資する。", "fields": "素材", "stages": ["seed"]},
    )
    assert InvestorProfile.objects.get(organization=org).fields == ["素材"]
    assert client.get(reverse("deal_flow")).status_code == 200
    client.force_login(company_user)
    assert client.get(reverse("investor_thesis")).status_code == 403
    assert client.get(reverse("deal_flow")).status_code == 403


# --- Organisation profile ------------------------------------------------------------------------


def test_only_a_manager_edits_the_organisation_profile(client, uni):
    staff = make_user(org=uni, role=MemberRole.STAFF)
    client.force_login(staff)
    assert client.get(reverse("org_profile")).status_code == 200
    assert client.post(reverse("org_profile"), {"name": "乗っ取り"}).status_code == 403
    client.force_login(make_user(org=uni, role=MemberRole.MANAGER))
    client.post(reverse("org_profile"), {"name": "東都大学 産学連携本部", "prefecture": "大阪府"})
    uni.refresh_from_db()
    assert uni.name == "東都大学 産学連携本部" and uni.region == "kinki"


# --- Search ---------------------------------------------------------------------------------------


def test_partner_search_shows_why_each_seed_matched_without_confidential_text(
    client, company_user, hashing_embedder
):
    make_seed(
        title="全固体電池の固体電解質",
        summary="硫化物系固体電解質で全固体電池の安全性を高める。",
        keywords=["全固体電池", "固体電解質"],
        confidential_details="秘密の組成比",
    )
    publish_search_index()
    client.force_login(company_user)
    response = client.get(reverse("partner_search"), {"q": "全固体電池 固体電解質"})
    html = response.content.decode()
    assert "全固体電池の固体電解質" in html
    assert 'data-signal="semantic"' in html
    assert "秘密の組成比" not in html


def test_partner_search_trl_range_error_is_shown_next_to_the_field(client, company_user):
    client.force_login(company_user)
    response = client.get(reverse("partner_search"), {"q": "電池", "trl_min": "7", "trl_max": "2"})
    assert field_errors(response, "trl_max")


# --- Proposals, responses, introductions ---------------------------------------------------------


def test_a_third_organisation_gets_404_on_a_proposal_and_its_introduction(client, uni):
    proposal = approved_proposal(seed=make_seed(org=uni), need=make_need())
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    assert client.get(reverse("proposal_detail", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("introduction", args=[proposal.pk])).status_code == 404


def test_a_proposal_waiting_for_review_is_not_shown_to_the_parties(client, uni, uni_user):
    proposal = Proposal.objects.create(seed=make_seed(org=uni), need=make_need(), score=1.0)
    client.force_login(uni_user)
    assert client.get(reverse("proposal_detail", args=[proposal.pk])).status_code == 404


def test_declining_without_a_reason_shows_the_error_next_to_the_reason(client, uni, uni_user):
    proposal = approved_proposal(seed=make_seed(org=uni), need=make_need())
    client.force_login(uni_user)
    response = client.post(
        reverse("proposal_detail", args=[proposal.pk]),
        {"decision": "declined", "comment": "残したコメント"},
    )
    assert field_errors(response, "reason") == ["辞退の理由を選択してください。"]
    assert "残したコメント" in response.content.decode()
    assert not proposal.responses.exists()


def test_both_sides_interested_introduces_them_and_opens_the_introduction_page(
    client, uni, uni_user, company, company_user
):
    seed = make_seed(org=uni, confidential_details="大学の非公開データ")
    need = make_need(org=company, confidential_details="企業の非公開計画")
    proposal = approved_proposal(seed=seed, need=need)
    client.force_login(company_user)
    page = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert 'data-signal="semantic"' in page and "電池" in page  # the explanation
    assert "大学の非公開データ" not in page
    client.post(reverse("proposal_detail", args=[proposal.pk]), {"decision": "interested"})
    client.force_login(uni_user)
    response = client.post(
        reverse("proposal_detail", args=[proposal.pk]), {"decision": "interested"}
    )
    assert response["Location"] == reverse("introduction", args=[proposal.pk])
    intro = client.get(reverse("introduction", args=[proposal.pk])).content.decode()
    assert "企業の非公開計画" in intro and "大学の非公開データ" in intro
    client.force_login(company_user)
    assert (
        "大学の非公開データ"
        in client.get(reverse("introduction", args=[proposal.pk])).content.decode()
    )
    client.force_login(make_admin())
    assert client.get(reverse("introduction", args=[proposal.pk])).status_code == 404


def test_outcome_form_records_an_agreement_and_reports_errors_by_field(
    client, uni, company, company_user
):
    proposal = approved_proposal(
        seed=make_seed(org=uni), need=make_need(org=company), status=ProposalStatus.INTRODUCED
    )
    Proposal.objects.filter(pk=proposal.pk).update(introduced_at="2026-04-01T00:00:00Z")
    client.force_login(company_user)
    url = reverse("introduction", args=[proposal.pk])
    response = client.post(
        url, {"agreement_type": "cross_appointment", "amount_yen": "-1", "duration_years": "1"}
    )
    assert field_errors(response, "amount_yen")
    assert field_errors(response, "cross_appointment_direction")
    client.post(
        url, {"agreement_type": "joint_research", "amount_yen": "12000000", "duration_years": "2"}
    )
    outcome = Outcome.objects.get(proposal=proposal)
    assert outcome.amount_yen == 12_000_000 and outcome.company_id == company.pk


# --- Coordinator console ----------------------------------------------------------------------------


def test_console_pages_are_for_coordinators_only(client, uni_user):
    client.force_login(uni_user)
    for name in ("console_queue", "console_quality", "console_orgs"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("console_rebuild")).status_code == 403


def test_coordinator_approves_a_proposal_with_its_evidence_in_view(client):
    proposal = Proposal.objects.create(
        seed=make_seed(title="根拠の見えるシーズ"),
        need=make_need(),
        score=2.0,
        signals={"semantic": 1.5, "mode": 0.5},
        explanation={"shared_terms": ["電池"]},
    )
    client.force_login(make_admin())
    html = client.get(reverse("console_queue")).content.decode()
    assert "根拠の見えるシーズ" in html and 'data-signal="mode"' in html
    client.post(
        reverse("console_queue"), {"kind": "proposal", "id": proposal.pk, "action": "approve"}
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED


def test_suppressing_without_a_note_is_refused_with_the_reason(client):
    proposal = Proposal.objects.create(seed=make_seed(), need=make_need(), score=1.0)
    client.force_login(make_admin())
    response = client.post(
        reverse("console_queue"), {"kind": "proposal", "id": proposal.pk, "action": "suppress"}
    )
    assert "見送りの理由を入力してください。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_quality_dashboard_shows_rates_charts_and_the_active_model(client, uni, company):
    proposal = approved_proposal(seed=make_seed(org=uni), need=make_need(org=company))
    proposal.responses.create(side="company", decision="interested")
    Proposal.objects.filter(pk=proposal.pk).update(reviewed_at="2026-04-01T00:00:00Z")
    client.force_login(make_admin())
    html = client.get(reverse("console_quality")).content.decode()
    assert re.search(r'data-metric="shown">1<', html)
    assert re.search(r'data-metric="interest_rate">100%<', html)
    assert 'data-testid="rates-chart"' in html and 'data-testid="score-chart"' in html
    assert 'data-testid="active-model"' in html


def test_coordinator_approves_a_pending_organisation(client):
    org = make_org(
        kind=OrgKind.COMPANY, approval_status=ApprovalStatus.PENDING, name="審査中の会社"
    )
    client.force_login(make_admin())
    assert "審査中の会社" in client.get(reverse("console_orgs")).content.decode()
    client.post(reverse("console_orgs"), {"organization": org.pk, "action": "approve"})
    org.refresh_from_db()
    assert org.approval_status == ApprovalStatus.APPROVED


# --- Partnerships and deal flow -----------------------------------------------------------------


def test_partnership_page_shows_the_links_and_takes_responses_from_its_two_parties_only(
    client, uni, uni_user, company, company_user
):
    from matching.models import MatchScore, PartnershipProposal

    seed = make_seed(org=uni, title="根拠となるシーズ")
    need = make_need(org=company, title="根拠となるニーズ")
    MatchScore.objects.create(need=need, seed=seed, score=2.2, rank=1, signals={}, model_id="t")
    pp = PartnershipProposal.objects.create(
        company=company,
        academic=uni,
        score=3.1,
        rank=1,
        signals={"links": 2.0},
        status=ProposalStatus.APPROVED,
    )
    client.force_login(company_user)
    html = client.get(reverse("partnership_detail", args=[pp.pk])).content.decode()
    assert "根拠となるシーズ" in html and "根拠となるニーズ" in html
    client.post(
        reverse("partnership_detail", args=[pp.pk]), {"form": "respond", "decision": "interested"}
    )
    assert pp.responses.get().side == "company"
    client.force_login(make_user(org=make_org(kind=OrgKind.UNIVERSITY)))
    assert client.get(reverse("partnership_detail", args=[pp.pk])).status_code == 404
    assert client.get(reverse("partnership_list")).status_code == 200
    assert "根拠となるシーズ" not in client.get(reverse("partnership_list")).content.decode()


def test_deal_flow_lists_ventures_ranked_for_the_investor_with_the_reasons(client):
    investor = make_investor()
    venture = make_venture(name="電池ベンチャー株式会社")
    from matching.models import InvestorMatch

    InvestorMatch.objects.create(
        venture=venture, investor=investor, score=1.5, rank=1, signals={"thesis": 1.2, "stage": 0.3}
    )
    other = make_investor()
    InvestorMatch.objects.create(
        venture=make_venture(name="他社向けベンチャー"), investor=other, score=1.0, rank=1
    )
    client.force_login(make_user(org=investor.organization))
    html = client.get(reverse("deal_flow")).content.decode()
    assert "電池ベンチャー株式会社" in html and 'data-signal="thesis"' in html
    assert "他社向けベンチャー" not in html


def test_a_status_button_never_redirects_to_another_site(client, uni, uni_user):
    seed = make_seed(org=uni, status=PublicationStatus.DRAFT)
    client.force_login(uni_user)
    response = client.post(
        reverse("seed_status", args=[seed.pk, "publish"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("seed_edit", args=[seed.pk])
    response = client.post(
        reverse("seed_status", args=[seed.pk, "unpublish"]), {"next": "/seeds/?status=draft"}
    )
    assert response["Location"] == "/seeds/?status=draft"


def test_company_imports_needs_by_csv_after_a_preview_and_a_university_gets_403(
    client, company, company_user, uni_user, django_capture_on_commit_callbacks
):
    make_need(org=company, key="need-old", title="古いニーズ", description="古い説明")
    csv_text = (
        "key,title,description,budget_min_yen,budget_max_yen,preferred_regions\n"
        "need-old,古いニーズ,新しい説明,1000000,5000000,kanto\n"
        "need-new,新しいニーズ,電池材料の共同研究先,2000000,1000,kinki\n"
    )
    client.force_login(company_user)
    response = client.post(
        reverse("need_import"),
        {"step": "preview", "file": SimpleUploadedFile("needs.csv", csv_text.encode())},
    )
    html = response.content.decode()
    assert "row-error" in html and 'data-line="3"' in html  # budget max below min
    assert "公開説明" in html  # the field the update of row 2 changes
    assert 'data-testid="csv-confirm"' not in html
    assert Need.objects.get(key="need-old").description == "古い説明"
    fixed = csv_text.replace(",1000,kinki", ",3000000,kinki")
    response = client.post(
        reverse("need_import"),
        {"step": "preview", "file": SimpleUploadedFile("needs.csv", fixed.encode())},
    )
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("need_import"), {"step": "confirm", "token": token})
    for callback in callbacks:  # the background import job (in-process in tests)
        callback()
    assert client.get(response["Location"]).status_code == 200  # the job page
    assert Need.objects.get(key="need-old").description == "新しい説明"
    assert Need.objects.get(key="need-new").preferred_regions == ["kinki"]
    client.force_login(uni_user)
    assert client.get(reverse("need_import")).status_code == 403


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]+")


def test_every_page_in_english_shows_no_japanese_of_its_own(client):
    """Every page route, as the roles that use it, in English with English user content and
    organisations that have an English name: no Japanese of the platform's own is left — KPI
    notes and targets (and the CSV), the case library, prefectures and regions, organisation
    names, readiness rules and history, amounts, estimator explanations, CSV and catalogue
    previews and the reports a worker wrote in Japanese (tests/web/english.py)."""
    from tests.web import english

    world = english.build_world()
    requests = english.requests(world)
    uncovered = english.page_route_names() - {name for _role, name, *_rest in requests}
    assert uncovered == set(), "add these pages to tests/web/english.py"
    found: dict[str, list[str]] = {}
    for role, name, args, query, data in requests:
        client.logout()
        if role is not None:
            client.force_login(world["users"][role])
        client.cookies["django_language"] = "en"
        url = reverse(name, args=args) + query
        response = client.post(url, data) if data is not None else client.get(url)
        expected = english.STATUS.get(name, 200)
        assert response.status_code == expected, (role, url, response.status_code)
        if name in english.USER_CONTENT_FILES:
            continue
        body = response.content.decode("utf-8-sig")
        assert "<html" not in body or 'lang="en"' in body, url
        leftovers = english.japanese_of_its_own(body)
        if leftovers:
            found[f"{role} {'POST' if data is not None else 'GET'} {url}"] = leftovers
    assert found == {}
