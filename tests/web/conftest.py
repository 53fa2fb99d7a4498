"""Fixtures of the page tests: headless Chromium (Debian's
/usr/bin/chromium, never a downloaded browser) driven by Playwright against `live_server`.

Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The tests only use the ORM
from that thread to arrange data and check results, never concurrently with a request.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
PASSWORD = "pass-Sangaku-2026"  # tests.factories.make_user's default


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    from django.conf import settings

    path = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # requirements-dev.txt pins it; a bare runtime install lacks it
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    # Only while a browser runs: the other tests keep Django's async-safety check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Session:
    """One browser context (its own cookies) with the console errors of its pages."""

    def __init__(self, browser, base_url: str, *, viewport: dict, locale: str = "ja-JP"):
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport, locale=locale)
        self.context.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")
        return response

    def goto_refused(self, path: str, status: int):
        """Open a page the user may not see: it answers `status`, and the browser's own
        "failed to load resource" console line for it is expected, not an error of the page."""
        before = len(self.errors)
        response = self.goto(path)
        assert response.status == status, f"{path}: {response.status}"
        self.errors[before:] = [e for e in self.errors[before:] if f"status of {status}" not in e]
        return response

    def login(self, username: str, password: str = PASSWORD) -> None:
        self.goto("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("form[action='/login/'] button[type=submit]")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browser_session(chromium, live_server):
    """A factory of browser sessions against the live server; all closed at the end."""
    sessions: list[Session] = []

    def make(*, viewport: dict | None = None, locale: str = "ja-JP") -> Session:
        session = Session(chromium, live_server.url, viewport=viewport or DESKTOP, locale=locale)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()
