"""Messaging in Chromium, in Japanese and in English: after an introduction the company writes
from the introduction page, the university (on a phone) sees the bell and the message badge
go up, reads the thread (the badges go down), answers, and the company sees its badges change
the same way. The thread page fits a phone's width."""

from __future__ import annotations

import pytest
from django.utils import timezone

from matching.models import Proposal
from matching.services.proposals import proposal_approve, proposal_respond
from messaging.models import Message, Thread
from notifications.models import Notification
from profiles.choices import OrgKind
from tests.factories import make_admin, make_need, make_org, make_seed, make_user

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "ja": {"send": "送信", "nav": "メッセージ", "write": "メッセージを送る"},
    "en": {"send": "Send", "nav": "Messages", "write": "Send a message"},
}


def badge(session, testid: str) -> str:
    locator = session.page.locator(f"[data-testid={testid}]")
    return locator.inner_text().strip() if locator.count() else "0"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_both_parties_exchange_messages_and_see_the_unread_badges_change(
    browser_session, screenshot_dir, language, settings
):
    settings.MEDIA_ROOT = str(settings.BASE_DIR / "test-artifacts" / "media")
    uni = make_org(kind=OrgKind.UNIVERSITY, name="東都大学", name_en="Tohto University")
    company = make_org(kind=OrgKind.COMPANY, name="未来電機株式会社", name_en="Mirai Electric")
    make_user(org=uni, username="tohto-ip")
    make_user(org=company, username="mirai-rd")
    coordinator = make_admin(username="coordinator")
    proposal = Proposal.objects.create(
        need=make_need(org=company, title="車載電池の安全性"),
        seed=make_seed(org=uni, title="硫化物系固体電解質"),
        score=2.0,
        signals={"semantic": 1.5},
        explanation={},
    )
    proposal_approve(proposal=proposal, by=coordinator)
    proposal_respond(proposal=proposal, by=company.memberships.get().user, decision="interested")
    proposal_respond(proposal=proposal, by=uni.memberships.get().user, decision="interested")
    thread = Thread.objects.get(proposal=proposal)
    Notification.objects.update(read_at=timezone.now())  # start from a quiet bell
    locale = "ja-JP" if language == "ja" else "en-US"
    words = TEXT[language]

    company_s = browser_session(locale=locale)
    company_s.login("mirai-rd")
    company_s.goto(f"/proposals/{proposal.pk}/introduction/")
    with company_s.page.expect_navigation():
        company_s.page.click("[data-testid=thread-link]")
    assert company_s.page.url.endswith(f"/messages/{thread.pk}/")
    assert badge(company_s, "bell-count") == "0"
    company_s.page.fill("#id_body", "はじめまして。資料はこちらです: https://example.jp/spec")
    with company_s.page.expect_navigation():
        company_s.page.click(f"[data-testid=message-form] button:has-text('{words['send']}')")
    assert "はじめまして" in company_s.page.locator("[data-testid=messages]").inner_text()
    assert company_s.page.locator("[data-testid=message-body] a[href='https://example.jp/spec']")

    uni_s = browser_session(viewport=PHONE, locale=locale)
    uni_s.login("tohto-ip")
    uni_s.goto("/dashboard/")
    assert badge(uni_s, "bell-count") == "1"
    assert badge(uni_s, "messages-unread") == "1"
    assert uni_s.page.locator("[data-testid=nav-messages]").inner_text().startswith(words["nav"])
    uni_s.page.screenshot(
        path=str(screenshot_dir / f"messages-badge-phone-{language}.png"), full_page=True
    )
    with uni_s.page.expect_navigation():
        uni_s.page.click("[data-testid=nav-messages]")
    assert badge(uni_s, "thread-unread") == "1"
    with uni_s.page.expect_navigation():
        uni_s.page.click(f"[data-thread='{thread.pk}'] a")
    assert uni_s.page.locator("[data-testid=new-marker]").count() == 1
    assert "はじめまして" in uni_s.page.locator("[data-testid=messages]").inner_text()
    # The thread fits the phone: nothing wider than the screen.
    width = uni_s.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the thread page is {width}px wide on a phone"
    uni_s.page.screenshot(path=str(screenshot_dir / f"thread-phone-{language}.png"), full_page=True)
    uni_s.page.fill("#id_body", "ありがとうございます。来週お打ち合わせしましょう。")
    with uni_s.page.expect_navigation():
        uni_s.page.click(f"[data-testid=message-form] button:has-text('{words['send']}')")
    # Read on opening: the university's badges are gone.
    assert badge(uni_s, "bell-count") == "0" and badge(uni_s, "messages-unread") == "0"

    company_s.goto("/dashboard/")
    assert badge(company_s, "bell-count") == "1"
    assert badge(company_s, "messages-unread") == "1"
    company_s.goto(f"/messages/{thread.pk}/")
    assert "来週お打ち合わせ" in company_s.page.locator("[data-testid=messages]").inner_text()
    assert badge(company_s, "bell-count") == "0" and badge(company_s, "messages-unread") == "0"
    company_s.page.screenshot(
        path=str(screenshot_dir / f"thread-desktop-{language}.png"), full_page=True
    )
    assert Message.objects.filter(thread=thread).count() == 2
    assert company_s.errors == [] and uni_s.errors == []
