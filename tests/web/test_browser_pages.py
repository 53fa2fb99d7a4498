"""Every main page in Chromium at desktop and phone width: it loads without a console error,
nothing overflows the phone screen sideways, and a screenshot is saved under
test-artifacts/screenshots/ for a reviewer. Also the language switch (remembered by cookie)
and form errors shown next to their fields."""

from __future__ import annotations

import pytest
from django.utils import timezone

from matching.models import InvestorMatch, PartnershipProposal, Proposal
from matching.models.results import ProposalStatus
from matching.services import proposals as proposal_services
from profiles.choices import ApprovalStatus, OrgKind
from tests.factories import (
    make_admin,
    make_investor,
    make_need,
    make_org,
    make_seed,
    make_user,
    make_venture,
)

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_demo():
    """A small but realistic platform: matched seeds and needs in each state, an introduction,
    a partnership, a venture ranked for an investor, a pending registration."""
    from matching.services.refresh import match_all

    tohto = make_org(kind=OrgKind.UNIVERSITY, name="東都大学", name_en="Tohto University")
    naniwa = make_org(
        kind=OrgKind.UNIVERSITY, name="浪速工業大学", name_en="Naniwa Tech", prefecture="大阪府"
    )
    mirai = make_org(kind=OrgKind.COMPANY, name="未来電機株式会社", prefecture="愛知県")
    vc = make_org(kind=OrgKind.INVESTOR, name="さくらディープテック・キャピタル")
    make_org(kind=OrgKind.COMPANY, name="審査中の新興企業", approval_status=ApprovalStatus.PENDING)
    users = {
        "university": make_user(
            org=tohto, username="tohto-ip", first_name="花子", last_name="山田"
        ),
        "company": make_user(org=mirai, username="mirai-rd"),
        "investor": make_user(org=vc, username="sakura-vc"),
        "admin": make_admin(username="coordinator"),
    }
    battery = make_seed(
        org=tohto,
        key="tohto-battery",
        title="全固体電池の硫化物系固体電解質",
        summary="硫化物系固体電解質の界面を制御し、全固体電池の安全性とサイクル寿命を高める。",
        keywords=["全固体電池", "固体電解質", "界面"],
        field="材料",
        trl=4,
        collaboration_modes=["joint_research", "license"],
        confidential_details="組成比と焼成条件の詳細データ",
    )
    battery.researchers.create(
        name="山田 花子", department="工学研究科", cross_appointment_available=True
    )
    make_seed(
        org=tohto,
        title="リチウムイオン電池の劣化診断",
        summary="充放電曲線から電池の劣化状態を推定する機械学習手法。",
        keywords=["電池", "劣化診断", "機械学習"],
        field="情報",
        trl=5,
    )
    make_seed(
        org=naniwa,
        title="固体電解質の高速合成プロセス",
        summary="メカノケミカル法で硫化物系固体電解質を短時間で合成する。",
        keywords=["固体電解質", "合成", "全固体電池"],
        field="材料",
        trl=3,
    )
    make_seed(org=tohto, title="下書きのシーズ (未公開)", status="draft", trl=None, keywords=[])
    make_need(
        org=mirai,
        key="mirai-battery",
        title="車載用全固体電池の固体電解質",
        description="界面抵抗の低い硫化物系固体電解質の共同研究先を探している。",
        keywords=["全固体電池", "固体電解質"],
        budget_min_yen=5_000_000,
        budget_max_yen=20_000_000,
        trl_min=3,
        trl_max=6,
    )
    make_need(
        org=mirai,
        title="電池の劣化を早期に検知したい",
        description="車載電池の劣化を走行データから早期に検知する技術を求む。",
        keywords=["電池", "劣化"],
    )
    investor = make_investor(
        org=vc,
        thesis="大学発の電池・素材スタートアップにシード期から投資する。",
        fields=["電池", "素材"],
    )
    venture = make_venture(
        org=tohto,
        name="トート・バッテリー株式会社",
        summary="東都大学の固体電解質技術を事業化する。",
    )
    venture.seeds.add(battery)
    match_all(sync=True)
    admin = users["admin"]
    intro = Proposal.objects.filter(seed=battery).order_by("-score").first()
    if intro is None:  # the matcher must propose the battery seed; keep the pages testable
        raise AssertionError("the demo data produced no proposal for the battery seed")
    # Everything approved but the weakest other proposal, left for the review queue.
    rest = list(Proposal.objects.exclude(pk=intro.pk).order_by("-score", "id"))
    waiting = rest.pop() if len(rest) >= 2 else None
    for p in [intro, *rest]:
        proposal_services.proposal_approve(proposal=p, by=admin)
    partnerships = list(PartnershipProposal.objects.order_by("-score", "id"))
    for pp in partnerships[:-1] if len(partnerships) > 1 else partnerships:
        proposal_services.partnership_approve(partnership=pp, by=admin)
    proposal_services.proposal_respond(proposal=intro, by=users["company"], decision="interested")
    proposal_services.proposal_respond(
        proposal=intro, by=users["university"], decision="interested"
    )
    if not InvestorMatch.objects.exists():
        InvestorMatch.objects.create(
            venture=venture,
            investor=investor,
            score=1.2,
            rank=1,
            signals={"thesis": 1.0, "stage": 0.2},
        )
    other = Proposal.objects.exclude(pk=intro.pk).filter(status=ProposalStatus.APPROVED).first()
    return {
        "users": users,
        "intro": intro,
        "other": other,
        "battery": battery,
        "need": intro.need,
        "waiting": waiting,
        "partnership": PartnershipProposal.objects.filter(
            company=mirai, status=ProposalStatus.APPROVED
        ).first(),
        "now": timezone.now(),
    }


def main_pages(demo) -> dict[str, list[tuple[str, str]]]:
    intro, battery, need = demo["intro"], demo["battery"], demo["need"]
    pages = {
        "anonymous": [
            ("landing", "/"),
            ("login", "/login/"),
            ("register", "/register/"),
            ("cases", "/cases/"),
            ("kpi", "/kpi/"),
        ],
        "university": [
            ("university-dashboard", "/dashboard/"),
            ("university-seeds", "/seeds/"),
            ("university-seed-editor", f"/seeds/{battery.pk}/"),
            ("university-seed-new", "/seeds/new/"),
            ("university-csv-import", "/seeds/import/"),
            ("university-proposals", "/proposals/"),
            ("university-proposal", f"/proposals/{intro.pk}/"),
            ("university-introduction", f"/proposals/{intro.pk}/introduction/"),
            ("university-partnerships", "/partnerships/"),
            ("university-organization", "/organization/"),
            ("university-readiness-edit", "/readiness/edit/"),
        ],
        "company": [
            ("company-dashboard", "/dashboard/"),
            ("company-needs", "/needs/"),
            ("company-need-editor", f"/needs/{need.pk}/"),
            ("company-csv-import", "/needs/import/"),
            ("company-search", "/search/?q=全固体電池+solid+electrolyte&trl_min=2"),
            ("company-proposals", "/proposals/"),
            ("company-proposal", f"/proposals/{intro.pk}/"),
            ("company-introduction", f"/proposals/{intro.pk}/introduction/"),
            ("company-partnerships", "/partnerships/"),
            ("company-readiness-list", "/readiness/"),
        ],
        "investor": [
            ("investor-dashboard", "/dashboard/"),
            ("investor-thesis", "/investor/thesis/"),
            ("investor-deal-flow", "/deal-flow/"),
        ],
        "admin": [
            ("admin-review-queue", "/console/"),
            ("admin-quality", "/console/quality/"),
            ("admin-organizations", "/console/organizations/"),
        ],
    }
    if demo["other"] is not None:
        pages["company"].append(("company-proposal-open", f"/proposals/{demo['other'].pk}/"))
    if demo["partnership"] is not None:
        pages["company"].append(("company-partnership", f"/partnerships/{demo['partnership'].pk}/"))
    return pages


def test_main_pages_load_cleanly_at_desktop_and_phone_width_with_screenshots(
    browser_session, hashing_embedder, screenshot_dir
):
    demo = build_demo()
    problems: list[str] = []
    shots = 0
    for role, pages in main_pages(demo).items():
        for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            session = browser_session(viewport=viewport)
            if role != "anonymous":
                session.login(demo["users"][role].username)
            for name, path in pages:
                response = session.goto(path)
                if response.status != 200:
                    problems.append(f"{role} {path}: HTTP {response.status}")
                    continue
                overflow = session.page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth"
                )
                if overflow > 1:
                    problems.append(
                        f"{role} {path} at {width_name}: {overflow}px sideways overflow"
                    )
                if session.page.locator("h1").count() != 1:
                    problems.append(f"{role} {path}: expected one h1")
                session.page.screenshot(
                    path=str(screenshot_dir / f"{name}-{width_name}.png"), full_page=True
                )
                shots += 1
            problems += [f"{role} at {width_name}: {e}" for e in session.errors]
            session.close()
    assert problems == []
    assert shots == 2 * sum(len(p) for p in main_pages(demo).values())
    assert (screenshot_dir / "landing-phone.png").stat().st_size > 5_000


def test_language_switch_turns_pages_english_and_is_remembered(
    browser_session, live_server, screenshot_dir
):
    make_org(kind=OrgKind.UNIVERSITY)
    session = browser_session(locale="ja-JP")
    session.goto("/")
    assert session.page.locator("html").get_attribute("lang") == "ja"
    assert "ログイン" in session.page.locator("header").inner_text()
    with session.page.expect_navigation():
        session.page.click("[data-testid=lang-en]")
    assert session.page.locator("html").get_attribute("lang") == "en"
    assert "Sign in" in session.page.locator("header").inner_text()
    assert "The platform today" in session.page.content()
    # Remembered: another page, a fresh load, still English (the language cookie).
    session.goto("/register/")
    assert session.page.locator("h1").inner_text() == "Register an organisation"
    session.page.screenshot(
        path=str(screenshot_dir / "register-english-desktop.png"), full_page=True
    )
    cookies = {c["name"]: c["value"] for c in session.context.cookies()}
    assert cookies.get("django_language") == "en"
    with session.page.expect_navigation():
        session.page.click("[data-testid=lang-ja]")
    assert session.page.locator("h1").inner_text() == "組織の登録"
    assert session.errors == []


def test_form_errors_show_next_to_their_fields_and_keep_the_input(
    browser_session, live_server, screenshot_dir
):
    company = make_org(kind=OrgKind.COMPANY)
    make_user(org=company, username="mirai-rd")
    session = browser_session(viewport=PHONE)
    session.login("mirai-rd")
    session.goto("/needs/new/")
    session.page.fill("#id_description", "入力した説明は失われない。")
    session.page.fill("#id_budget_min_yen", "9000000")
    session.page.fill("#id_budget_max_yen", "100")
    with session.page.expect_navigation():
        session.page.click("button[name=action][value=save]")
    title_field = session.page.locator("#field-title")
    assert title_field.locator(".errorlist").inner_text().strip() == "この項目は必須です。"
    assert (
        "予算上限は下限以上にしてください。"
        in session.page.locator("#field-budget_max_yen .errorlist").inner_text()
    )
    assert session.page.input_value("#id_description") == "入力した説明は失われない。"
    assert session.page.locator("#id_title").get_attribute("aria-invalid") == "true"
    session.page.screenshot(
        path=str(screenshot_dir / "company-need-errors-phone.png"), full_page=True
    )
    # The same in English once switched.
    with session.page.expect_navigation():
        session.page.click("[data-testid=lang-en]")
    session.goto("/needs/new/")
    with session.page.expect_navigation():
        session.page.click("button[name=action][value=save]")
    assert "This field is required." in session.page.locator("#field-title .errorlist").inner_text()
    assert session.errors == []
