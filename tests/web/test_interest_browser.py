"""In Chromium, issue 14's flow: a company searches, opens a seed's page (public fields, patent
and researcher links, no confidential text), expresses interest with one of its needs and a
message; a coordinator lets it through; the university reads the company's message and answers
"interested"; both land on the introduction with contacts and confidential details. Japanese,
then the seed page in English and at phone width; screenshots under
test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from matching.models import Proposal
from matching.models.results import ProposalStatus
from matching.services.refresh import match_all
from profiles.models import Patent, Researcher
from tests.factories import (
    make_admin,
    make_need,
    make_topic_world,
    make_user,
    store_hashing_calibration,
    topic_text,
)

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "非公開: 焼結条件は 850℃"


@pytest.fixture
def world(hashing_embedder):
    w = make_topic_world()
    seed = w["seeds"][6]  # 北方大学, topic 6
    seed.confidential_details = SECRET
    seed.save()
    Researcher.objects.create(seed=seed, name="北方 太郎", researchmap_id="hoppo_taro")
    Patent.objects.create(seed=seed, application_number="特願2021-123456", title="固体電解質")
    w["seed"] = seed
    w["need"] = make_need(
        org=w["company"], key="need-6", title="六番の課題", description=topic_text(6), keywords=[]
    )
    store_hashing_calibration()
    match_all(sync=True)
    # The matcher may have proposed the pair already; the flow starts from the search instead.
    Proposal.objects.filter(need=w["need"], seed=seed).delete()
    w["company_user"] = make_user(org=w["company"], username="mirai-rd")
    w["office_user"] = make_user(org=w["north"], username="hoppo-ip")
    w["admin"] = make_admin(username="coordinator")
    return w


def _overflow(session) -> int:
    return session.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_search_seed_page_interest_answer_introduction(browser_session, world, screenshot_dir):
    seed = world["seed"]
    company = browser_session(viewport=DESKTOP)
    company.login("mirai-rd")
    company.goto("/search/")
    page = company.page
    page.fill("#id_q", topic_text(6))
    with page.expect_navigation():
        page.click("[data-testid=search-form] button[type=submit]")
    hit = page.locator(f"li[data-seed-key='{seed.key}']")
    assert hit.count() == 1
    assert hit.locator("[data-testid=hit-interest]").count() == 1
    with page.expect_navigation():
        hit.locator("[data-testid=seed-link]").click()
    # The seed page: public fields and links, no confidential text.
    assert page.locator("[data-testid=seed-title]").inner_text() == seed.title
    assert "researchmap.jp/hoppo_taro" in page.locator(
        "[data-testid=researchmap-link]"
    ).get_attribute("href")
    assert "JP-2021-123456/10/ja" in page.locator(
        "[data-testid=jplatpat-application]"
    ).get_attribute("href")
    assert SECRET not in page.content()
    assert page.locator("[data-testid=confidential-hidden]").count() == 1
    assert page.locator("[data-testid=capacity]").inner_text().startswith("受け入れ可能")
    page.screenshot(path=str(screenshot_dir / "seed-page-desktop.png"), full_page=True)
    # Express interest with the need and a message.
    page.click("[data-testid=express-interest]")
    page.select_option("#id_need", str(world["need"].pk))
    page.fill("#id_message", "試作品で評価させてください。")
    with page.expect_navigation():
        page.click("[data-testid=interest-submit]")
    assert "関心を伝えました" in page.locator("body").inner_text()
    assert "コーディネーターが確認中" in page.locator("[data-testid=interests]").inner_text()
    proposal = Proposal.objects.get(need=world["need"], seed=seed)
    assert proposal.status == ProposalStatus.PROPOSED and proposal.requested_at is not None
    # Twice: refused with a clear message, still one proposal.
    company.goto(f"/research-seeds/{seed.pk}/interest/")
    page.select_option("#id_need", str(world["need"].pk))
    with page.expect_navigation():
        page.click("[data-testid=interest-submit]")
    assert "すでに提案済みか、問い合わせ済みです" in page.locator(".errorlist").inner_text()
    assert Proposal.objects.filter(seed=seed, need__organization=world["company"]).count() == 1

    # A coordinator lets it through from the review queue.
    coordinator = browser_session(viewport=DESKTOP)
    coordinator.login("coordinator")
    coordinator.goto("/console/")
    with coordinator.page.expect_navigation():
        coordinator.page.click(f"[data-testid=review-form-{proposal.pk}] button[value=approve]")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED

    # The university hears of it, reads the message and answers "interested".
    office = browser_session(viewport=DESKTOP)
    office.login("hoppo-ip")
    opage = office.page
    assert opage.locator("[data-testid=bell-count]").inner_text() == "1"
    office.goto(f"/proposals/{proposal.pk}/")
    assert (
        "試作品で評価させてください。"
        in opage.locator("[data-testid=request-message]").inner_text()
    )
    opage.check("input[name=decision][value=interested]")
    with opage.expect_navigation():
        opage.click("[data-testid=respond-form] button[type=submit]")
    assert opage.url.endswith(f"/proposals/{proposal.pk}/introduction/")
    intro = opage.locator("[data-testid=introduction]").inner_text()
    assert "未来電機株式会社" in intro and SECRET in intro
    opage.screenshot(path=str(screenshot_dir / "interest-introduction-desktop.png"), full_page=True)

    # The company sees the introduction from the seed page; the confidential details open.
    company.goto(f"/research-seeds/{seed.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=interest-introduction]")
    assert SECRET in page.locator("[data-testid=introduction]").inner_text()

    # The seed page in English at phone width, no sideways overflow.
    phone = browser_session(viewport=PHONE, locale="en-US")
    phone.login("mirai-rd")
    phone.goto(f"/research-seeds/{seed.pk}/")
    with phone.page.expect_navigation():
        phone.page.click("[data-testid=lang-en]")
    body = phone.page.locator("body").inner_text()
    assert "Researchers and patents" in body and "Similar research seeds" in body
    assert _overflow(phone) <= 1
    phone.page.screenshot(path=str(screenshot_dir / "seed-page-english-phone.png"), full_page=True)
    for session in (company, coordinator, office, phone):
        assert session.errors == []
