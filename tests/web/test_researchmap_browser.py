"""End to end in headless Chromium against the live server: an IP office uploads its
researchmap export, reviews the drafts (source links, the report of unreadable records), edits
one by hand, re-imports a changed export and takes researchmap's change, publishes one draft
and discards another; the review page in English shows no Japanese of its own."""

from __future__ import annotations

import json
import re

import pytest

from profiles.choices import OrgKind
from profiles.models import ImportedAchievement, Seed
from tests.factories import make_org, make_user
from tests.profiles.researchmap_fixtures import FIXTURES, fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed_of(org, kind, rm_id) -> Seed:
    return ImportedAchievement.objects.get(
        organization=org, achievement_type=kind, achievement_id=rm_id
    ).imported_seed.seed


def _upload(page, path) -> None:
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("[data-testid=researchmap-upload] button[type=submit]")


def test_an_ip_office_imports_reviews_and_publishes_researchmap_drafts(
    browser_session, screenshot_dir, tmp_path
):
    uni = make_org(kind=OrgKind.UNIVERSITY, name="アルファ大学", name_en="Alpha University")
    make_user(org=uni, username="rm-office")
    office = browser_session()
    office.login("rm-office")
    page = office.page
    seen: dict[str, object] = {}

    office.goto("/seeds/researchmap/")
    _upload(page, FIXTURES / "export.jsonl")
    seen["url"] = page.url
    seen["status"] = page.locator("[data-testid=researchmap-review]").get_attribute("data-status")
    seen["rows"] = page.locator("[data-testid=researchmap-drafts] tr[data-seed]").count()
    seen["error_rows"] = page.locator("[data-testid=researchmap-errors] tbody tr").count()
    seen["report_text"] = page.locator("[data-testid=researchmap-errors]").inner_text()
    seen["researchmap_href"] = page.locator(
        "[data-testid=researchmap-drafts] a[data-testid=researchmap-link]"
    ).first.get_attribute("href")
    seen["jplatpat"] = page.locator("a[data-testid=jplatpat-registration]").first.get_attribute(
        "href"
    )
    page.click("[data-testid=researchmap-skipped] summary")
    seen["skipped_visible"] = page.locator("[data-testid=researchmap-skipped] table").is_visible()
    page.screenshot(path=str(screenshot_dir / "researchmap-review.png"), full_page=True)

    # The office rewrites the summary of one draft by hand in the editor.
    project = seed_of(uni, "research_projects", "40010001")
    office.goto(f"/seeds/{project.pk}/")
    page.fill("#id_summary", "知財部が書き直した概要。")
    with page.expect_navigation():
        page.click("[data-testid=seed-form] button[value=save]")

    # researchmap changed the description and the title: the title follows, the hand-edited
    # summary waits on the review page until the office takes it.
    doc = fixture("tanaka_bilingual.json")
    project_item = doc["@graph"][2]["items"][0]
    project_item["description"] = {"ja": "researchmap で更新された説明。"}
    project_item["research_project_title"] = {"ja": "全固体電池の量産プロセス開発"}
    changed = tmp_path / "tanaka.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    office.goto("/seeds/researchmap/")
    _upload(page, changed)
    difference = page.locator(f"[data-testid=difference][data-imported='{project.researchmap.pk}']")
    seen["current"] = difference.locator(
        "tr[data-field=summary] [data-testid=current-value]"
    ).inner_text()
    seen["new"] = difference.locator("tr[data-field=summary] [data-testid=new-value]").inner_text()
    page.screenshot(path=str(screenshot_dir / "researchmap-differences.png"), full_page=True)
    with page.expect_navigation():
        difference.locator("tr[data-field=summary] [data-testid=take]").click()
    seen["differences_left"] = page.locator("[data-testid=difference]").count()

    # Publish the project, discard the patent family (after the confirmation).
    family = seed_of(uni, "industrial_property_rights", "50010001")
    page.check(f"#pick-{project.pk}")
    with page.expect_navigation():
        page.click("[data-testid=bulk-publish]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.check(f"#pick-{family.pk}")
    with page.expect_navigation():
        page.click("[data-testid=bulk-discard]")
    seen["after_discard"] = page.locator("[data-testid=researchmap-drafts]").inner_text()

    # The same page in English (the header's language switch): none of its own Japanese.
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    chrome = page.locator(
        "[data-testid=researchmap-review], [data-testid=researchmap-report] h2, "
        "[data-testid=researchmap-bulk] .form-actions, [data-testid=researchmap-drafts] thead"
    ).all_inner_texts()
    page.screenshot(path=str(screenshot_dir / "researchmap-review-english.png"), full_page=True)

    assert office.errors == []
    assert re.search(r"/seeds/researchmap/\d+/$", seen["url"])
    assert seen["status"] == "done"
    assert seen["rows"] == 5
    assert seen["error_rows"] == 2
    assert "grant_applications_draft" in seen["report_text"]
    assert seen["researchmap_href"].startswith("https://researchmap.jp/")
    assert seen["jplatpat"] == "https://www.j-platpat.inpit.go.jp/c1800/PU/JP-6543210/15/ja"
    assert seen["skipped_visible"] is True
    assert seen["current"] == "知財部が書き直した概要。"
    assert seen["new"] == "researchmap で更新された説明。"
    assert seen["differences_left"] == 0
    project.refresh_from_db()
    assert project.summary == "researchmap で更新された説明。"
    assert project.title == "全固体電池の量産プロセス開発"
    assert project.status == "published"
    assert not Seed.objects.filter(pk=family.pk).exists()
    assert "破棄済み" in seen["after_discard"]
    japanese = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
    own_text = "\n".join(chrome)
    assert not japanese.search(own_text), own_text
