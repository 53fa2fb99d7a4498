"""In Chromium: a company's need with no good match yet (weak matches, asking about one) and a
university IP office's unmet needs, in Japanese and in English, at desktop and phone width,
with screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from matching.models import Proposal
from matching.services.refresh import match_all
from tests.factories import make_topic_world, make_user, store_hashing_calibration

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(hashing_embedder):
    w = make_topic_world()
    store_hashing_calibration()
    match_all(sync=True)
    w["company_user"] = make_user(org=w["company"], username="mirai-rd")
    w["office_user"] = make_user(org=w["north"], username="hoppo-ip")
    return w


def _overflow(session) -> int:
    return session.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_need_with_no_good_match_in_japanese_and_english(browser_session, world, screenshot_dir):
    path = f"/matches/needs/{world['unserved'].pk}/"
    session = browser_session(viewport=PHONE)
    session.login("mirai-rd")
    session.goto(path)
    page = session.page
    assert page.locator("[data-testid=no-match] h2").inner_text() == "まだ良い候補がありません"
    weak = page.locator("[data-testid=weak-matches] li.item")
    assert weak.count() == 3
    assert page.locator("[data-testid=weak-matches] [data-band=weak]").count() == 3
    assert "関連は弱い" in weak.first.inner_text()
    assert _overflow(session) <= 1
    page.screenshot(path=str(screenshot_dir / "need-no-match-phone.png"), full_page=True)
    first_key = weak.first.get_attribute("data-seed-key")
    with page.expect_navigation():
        weak.first.locator("button[type=submit]").click()
    assert "問い合わせを送りました" in page.locator("body").inner_text()
    asked = page.locator(f"li[data-seed-key='{first_key}'] [data-testid=requested]")
    assert asked.inner_text() == "問い合わせ済み (コーディネーターが確認中)"
    assert Proposal.objects.filter(need=world["unserved"], requested_at__isnull=False).count() == 1
    # The same page in English.
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert page.locator("[data-testid=no-match] h2").inner_text() == "No good match yet"
    assert page.locator("[data-testid=weak-matches] h2").inner_text() == "Weak matches"
    assert "Weak match" in weak.first.inner_text()
    assert asked.inner_text() == "Asked (a coordinator is reviewing it)"
    assert "Ask about this seed" in page.locator("[data-testid=weak-matches]").inner_text()
    assert _overflow(session) <= 1
    page.screenshot(path=str(screenshot_dir / "need-no-match-english-phone.png"), full_page=True)
    assert session.errors == []


def test_unmet_needs_for_an_ip_office_in_japanese_and_english(
    browser_session, world, screenshot_dir
):
    session = browser_session(viewport=DESKTOP)
    session.login("hoppo-ip")
    session.goto("/unmet-needs/")
    page = session.page
    assert page.locator("h1").inner_text() == "未充足のニーズ"
    items = page.locator("[data-testid=unmet-needs] li.item")
    assert items.count() == 2
    text = page.locator("[data-testid=unmet-needs]").inner_text()
    assert "未来電機株式会社" in text and "企業名非公開" in text
    assert world["hidden"].name not in page.content()
    assert page.locator("#field option:checked").inner_text().startswith("自組織の研究分野")
    page.screenshot(path=str(screenshot_dir / "unmet-needs-desktop.png"), full_page=True)
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert page.locator("h1").inner_text() == "Unmet needs"
    text = page.locator("[data-testid=unmet-needs]").inner_text()
    assert "Company name hidden" in text and "Even the closest research seed" in text
    assert world["hidden"].name not in page.content()
    page.screenshot(path=str(screenshot_dir / "unmet-needs-english-desktop.png"), full_page=True)
    phone = browser_session(viewport=PHONE, locale="en-US")
    phone.login("hoppo-ip")
    phone.goto("/unmet-needs/")
    assert _overflow(phone) <= 1
    assert session.errors == [] and phone.errors == []
