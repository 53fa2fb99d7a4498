"""End to end through real pages in headless Chromium against a live server: an IP office
imports seeds by CSV and publishes one, a company posts a need, matching runs, a coordinator
approves the proposal, both sides mark interest, the introduction opens for the two parties
only, and the coordinator sees the match on the quality dashboard."""

from __future__ import annotations

import re
import time

import pytest

from matching.models import Proposal
from matching.models.results import ProposalStatus
from profiles.choices import OrgKind, PublicationStatus
from profiles.models import Need, Seed
from tests.factories import make_admin, make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS_CSV = (
    "key,title,summary,keywords,field,trl,collaboration_modes,researchers\n"
    "tohto-battery,全固体電池の硫化物系固体電解質,"
    "硫化物系固体電解質の界面を制御し、全固体電池の安全性とサイクル寿命を高める。,"
    "全固体電池;固体電解質;界面,材料,4,joint_research;license,山田 花子|工学研究科||yes\n"
    "tohto-rice,寒冷地向け水稲の品種改良,"
    "耐冷性の遺伝子マーカーを用いて寒冷地でも収量の落ちない水稲品種を育成する。,"
    "水稲;育種;耐冷性,農学,3,joint_research,佐藤 一郎|農学研究科||no\n"
)


def wait_for(predicate, *, timeout: float = 20.0, what: str = "condition"):
    """Poll the database until `predicate()` returns something truthy (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_seed_to_introduction_through_the_pages(browser_session, hashing_embedder, screenshot_dir):
    uni = make_org(kind=OrgKind.UNIVERSITY, name="東都大学", prefecture="東京都")
    make_user(org=uni, username="tohto-ip")
    company = make_org(kind=OrgKind.COMPANY, name="未来電機株式会社", prefecture="愛知県")
    make_user(org=company, username="mirai-rd")
    third = make_org(kind=OrgKind.COMPANY, name="第三商事株式会社")
    make_user(org=third, username="third-co")
    make_admin(username="coordinator")

    # 1. The IP office signs in, uploads the CSV, sees the preview, confirms, publishes one.
    ip = browser_session()
    ip.login("tohto-ip")
    assert ip.page.url.endswith("/dashboard/")
    ip.goto("/seeds/import/")
    ip.page.set_input_files(
        "#id_file",
        files=[
            {"name": "seeds.csv", "mimeType": "text/csv", "buffer": SEEDS_CSV.encode("utf-8-sig")}
        ],
    )
    with ip.page.expect_navigation():
        ip.page.click("[data-testid=csv-upload] button[type=submit]")
    preview = ip.page.locator("[data-testid=csv-preview]")
    assert preview.locator("[data-count=create]").inner_text() == "2"
    assert "全固体電池の硫化物系固体電解質" in preview.inner_text()
    assert not Seed.objects.filter(organization=uni).exists()  # the preview wrote nothing
    ip.page.screenshot(
        path=str(screenshot_dir / "university-csv-preview-desktop.png"), full_page=True
    )
    with ip.page.expect_navigation():
        ip.page.click("#csv-confirm-button")
    # The import runs as a background job; its page follows it until the report shows.
    assert "/imports/" in ip.page.url
    ip.page.wait_for_selector("[data-testid=import-job-done]", timeout=30_000)
    assert ip.page.locator("[data-count=create]").inner_text() == "2"
    with ip.page.expect_navigation():
        ip.page.click("[data-testid=import-job-list]")
    assert ip.page.url.endswith("/seeds/")
    assert Seed.objects.filter(organization=uni, status=PublicationStatus.DRAFT).count() == 2
    with ip.page.expect_navigation():
        ip.page.click("[data-testid=publish-tohto-battery]")
    battery = Seed.objects.get(key="tohto-battery")
    assert battery.status == PublicationStatus.PUBLISHED
    assert Seed.objects.get(key="tohto-rice").status == PublicationStatus.DRAFT

    # 2. The company posts and publishes a need.
    co = browser_session()
    co.login("mirai-rd")
    co.goto("/needs/new/")
    co.page.fill("#id_title", "車載用全固体電池の固体電解質")
    co.page.fill(
        "#id_description",
        "車載用の全固体電池に使える、界面抵抗の低い硫化物系固体電解質の共同研究先を探している。",
    )
    co.page.fill("#id_keywords", "全固体電池、固体電解質")
    co.page.check("input[name=collaboration_modes][value=joint_research]")
    co.page.fill("#id_budget_min_yen", "5000000")
    co.page.fill("#id_budget_max_yen", "20000000")
    with co.page.expect_navigation():
        co.page.click("button[name=action][value=publish]")
    need = Need.objects.get(organization=company)
    assert need.status == PublicationStatus.PUBLISHED

    # 3. Matching ran on publish (tasks run in-process): the battery seed is proposed.
    proposal = wait_for(
        lambda: Proposal.objects.filter(need=need, seed=battery).first(),
        what="the proposal of the battery seed for the need",
    )
    assert proposal.status == ProposalStatus.PROPOSED
    # Not shown to the parties before a coordinator approves it.
    co.goto_refused(f"/proposals/{proposal.pk}/", 404)

    # 4. The coordinator approves it in the review queue, with the evidence in view.
    adm = browser_session()
    adm.login("coordinator")
    assert adm.page.url.endswith("/console/")
    item = adm.page.locator(f"li[data-proposal='{proposal.pk}']")
    assert item.locator("[data-signal=semantic]").count() == 1
    with adm.page.expect_navigation():
        item.locator("button[name=action][value=approve]").click()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED

    # 5. The company sees the proposal with its explanation and marks interest.
    co.goto("/proposals/")
    co.page.click(f"li[data-proposal='{proposal.pk}'] a")
    co.page.wait_for_load_state("load")
    explanation = co.page.locator("[data-testid=explanation]")
    assert explanation.locator(".signal").count() >= 2
    assert "全固体電池" in explanation.locator("[data-testid=shared-terms]").inner_text()
    co.page.screenshot(
        path=str(screenshot_dir / "company-proposal-to-answer-desktop.png"), full_page=True
    )
    co.page.check("input[name=decision][value=interested]")
    with co.page.expect_navigation():
        co.page.click("[data-testid=respond-form] button[type=submit]")
    assert "回答を記録しました" in co.page.content()

    # 6. The university marks interest: the introduction opens.
    ip.goto(f"/proposals/{proposal.pk}/")
    ip.page.check("input[name=decision][value=interested]")
    with ip.page.expect_navigation():
        ip.page.click("[data-testid=respond-form] button[type=submit]")
    assert re.search(rf"/proposals/{proposal.pk}/introduction/$", ip.page.url)
    intro_text = ip.page.locator("[data-testid=introduction]").inner_text()
    assert "未来電機株式会社" in intro_text and "山田 花子" in intro_text

    # 7. The introduction appears for both parties and for nobody else.
    response = co.goto(f"/proposals/{proposal.pk}/introduction/")
    assert response.status == 200
    assert "東都大学" in co.page.locator("[data-testid=introduction]").inner_text()
    outsider = browser_session()
    outsider.login("third-co")
    outsider.goto_refused(f"/proposals/{proposal.pk}/introduction/", 404)
    outsider.goto_refused(f"/proposals/{proposal.pk}/", 404)
    assert "東都大学" not in outsider.page.content()

    # 8. The coordinator sees the match on the quality dashboard, and the rebuild button
    #    follows a full rematch to the end.
    adm.goto("/console/quality/")
    assert adm.page.locator("[data-metric=mutual]").inner_text() == "1"
    assert (
        "全固体電池の硫化物系固体電解質"
        in adm.page.locator("[data-testid=recent-introductions]").inner_text()
    )
    assert adm.page.locator("[data-testid=rates-chart] polyline").count() == 2
    adm.page.click("#rebuild-button")
    adm.page.wait_for_selector("#rebuild-text[data-status=done]")
    assert "100%" in adm.page.locator("#rebuild-text").inner_text()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.INTRODUCED  # a rebuild never touches it

    for session in (ip, co, adm, outsider):
        assert session.errors == [], session.errors
