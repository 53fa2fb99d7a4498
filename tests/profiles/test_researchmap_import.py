"""researchmap V2 import: files (JSON, JSON Lines) to draft seeds, the report of unreadable
records, re-import idempotency and the hand-edit rule, bulk publish and discard."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from profiles.choices import OrgKind, PublicationStatus
from profiles.models import (
    ImportedAchievement,
    ImportedSeed,
    Researcher,
    ResearchmapImport,
    ResearchmapImportSeed,
    Seed,
)
from profiles.services.catalog import seed_update
from profiles.services.imports.researchmap import (
    imported_seed_leave,
    imported_seed_take,
    researchmap_drafts_discard,
    researchmap_drafts_publish,
    researchmap_import_create,
    researchmap_import_run,
)
from tests.factories import make_org, make_user
from tests.profiles.researchmap_fixtures import fixture, fixture_text

pytestmark = pytest.mark.django_db


def run_import(org, user, content, label="export.jsonl") -> ResearchmapImport:
    imp = researchmap_import_create(
        org=org,
        by=user,
        source=ResearchmapImport.Source.FILE,
        content=content,
        label=label,
        run_in_background=False,
    )
    return researchmap_import_run(import_id=imp.id)


def seed_of(org, achievement_type, rm_id) -> Seed:
    return ImportedAchievement.objects.get(
        organization=org, achievement_type=achievement_type, achievement_id=rm_id
    ).imported_seed.seed


def test_a_bilingual_researcher_becomes_drafts_of_industry_projects_and_patent_families(
    uni, uni_user
):
    imp = run_import(uni, uni_user, fixture_text("tanaka_bilingual.json"), "tanaka.json")
    assert imp.status == ResearchmapImport.Status.DONE, imp.error
    assert imp.content == ""  # the stored data is dropped once read

    project = seed_of(uni, "research_projects", "40010001")
    assert project.status == PublicationStatus.DRAFT
    assert project.title == "車載用全固体電池の量産に向けた硫化物固体電解質の低温合成"
    assert project.summary.startswith("自動車部品メーカーとの共同研究として")
    assert project.language == "ja"
    assert project.keywords[:2] == ["全固体電池", "硫化物固体電解質"]
    assert "無機材料" in project.keywords and "物性" in project.keywords
    assert project.field == "ナノテク・材料"
    assert project.collaboration_modes == ["joint_research"]
    [researcher] = project.researchers.all()
    assert (researcher.name, researcher.name_en) == ("田中 健二", "Kenji Tanaka")
    assert researcher.department == "大学院工学研究科 材料工学専攻"
    assert researcher.researchmap_id == "tanaka-kenji"
    assert researcher.jglobal_id == "200901012345678901"

    # The JP patent (application and registration numbers) and its PCT filing: one family.
    family = seed_of(uni, "industrial_property_rights", "50010001")
    assert seed_of(uni, "industrial_property_rights", "50010002") == family
    assert family.title == "硫化物固体電解質の製造方法"
    assert family.summary.startswith("原料を溶媒中で低温反応させ")
    assert family.collaboration_modes == ["license"]
    assert [(p.application_number, p.registration_number) for p in family.patents.all()] == [
        ("特願2019-123456", "特許第6543210号"),
        ("PCT/JP2020/012345", ""),
    ]
    assert family.researchers.get().researchmap_id == "tanaka-kenji"

    # The basic KAKEN project and the trademark are read but not drafted, with the reason.
    assert Seed.objects.filter(organization=uni).count() == 2
    skipped = {(s["type"], s["id"]): s["reason"] for s in imp.report["skipped"]}
    assert "産業との関連" in skipped[("research_projects", "40010002")]
    assert "trademark" in skipped[("industrial_property_rights", "50010003")]
    assert imp.report["errors"] == []
    assert imp.report["papers"] == 2 and imp.report["ignored_types"] == {"awards": 1}
    assert imp.report["counts"]["created"] == 2


def test_a_japanese_only_record_and_an_english_only_record_keep_their_language(uni, uni_user):
    content = fixture_text("suzuki_ja_only.json")
    run_import(uni, uni_user, content)
    rice = seed_of(uni, "research_projects", "41010001")
    assert rice.language == "ja" and rice.keywords[:2] == ["イネ", "高温耐性"]
    assert rice.researchers.get().name_en == ""
    patent = seed_of(uni, "industrial_property_rights", "51010001")
    assert patent.summary == "特許「高温登熟性イネの選抜方法」 (特願2023-045678)"

    imp = run_import(uni, uni_user, fixture_text("smith_english.json"))
    gripper = seed_of(uni, "research_projects", "42010001")
    assert gripper.language == "en"
    assert gripper.title == "Soft grippers for food factories"
    assert gripper.researchers.get().name == "John Smith"
    assert gripper.researchers.get().department == "Institute for Robotics"
    # The unknown @type is kept in the report; the rest of the researcher is imported.
    [error] = imp.report["errors"]
    assert error["type"] == "grant_applications_draft" and error["researcher"] == "j.smith"
    assert "業績種別" in error["reason"]


def test_a_json_lines_export_reports_the_unreadable_line_and_imports_the_others(uni, uni_user):
    imp = run_import(uni, uni_user, fixture_text("export.jsonl"))
    assert imp.status == ResearchmapImport.Status.DONE
    assert imp.report["researchers"] == 3
    broken = [e for e in imp.report["errors"] if e["record"] == 3]
    assert len(broken) == 1 and "JSON として読めません" in broken[0]["reason"]
    titles = set(Seed.objects.filter(organization=uni).values_list("title", flat=True))
    assert "Soft grippers for food factories" in titles
    assert "高温に強いイネ品種の実用化に向けた栽培試験" in titles
    assert all(s.status == PublicationStatus.DRAFT for s in Seed.objects.filter(organization=uni))


def test_a_malformed_json_file_is_refused_with_its_position_and_nothing_is_written(uni, uni_user):
    with pytest.raises(ValidationError) as exc:
        researchmap_import_create(
            org=uni,
            by=uni_user,
            source=ResearchmapImport.Source.FILE,
            content=fixture_text("malformed.json"),
            run_in_background=False,
        )
    message = " ".join(exc.value.messages)
    assert "JSON として読めません" in message and "6 行" in message
    assert not ResearchmapImport.objects.exists()
    assert not Seed.objects.exists() and not Researcher.objects.exists()


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"\xff\xfe{\x00", "UTF-8"),
        ("", "空"),
        ("[1, 2]", "JSON オブジェクト"),
        ('"just a string"', "researchmap のデータ"),
    ],
)
def test_files_that_are_not_researchmap_data_get_a_clear_error(uni, uni_user, content, reason):
    try:
        imp = run_import(uni, uni_user, content)
    except ValidationError as exc:
        assert reason in " ".join(exc.messages)
    else:  # read as documents, each of which is reported
        assert all(reason in e["reason"] for e in imp.report["errors"])
    assert not Seed.objects.exists()


def test_reimporting_the_same_file_changes_nothing(uni, uni_user):
    run_import(uni, uni_user, fixture_text("export.jsonl"))
    before = {s.pk: (s.updated_at, s.title) for s in Seed.objects.filter(organization=uni)}
    researchers_before = list(Researcher.objects.values_list("pk", flat=True).order_by("pk"))
    imp = run_import(uni, uni_user, fixture_text("export.jsonl"))
    after = {s.pk: (s.updated_at, s.title) for s in Seed.objects.filter(organization=uni)}
    assert after == before
    assert list(Researcher.objects.values_list("pk", flat=True).order_by("pk")) == (
        researchers_before
    )
    assert imp.report["counts"] == {"created": 0, "updated": 0, "unchanged": 5, "held": 0}
    assert ImportedSeed.objects.filter(organization=uni).count() == 5


def _changed_tanaka(**project_changes) -> str:
    doc = fixture("tanaka_bilingual.json")
    project = doc["@graph"][2]["items"][0]
    project.update(project_changes)
    return json.dumps(doc, ensure_ascii=False)


def test_a_reimport_updates_an_untouched_draft_in_place(uni, uni_user):
    run_import(uni, uni_user, fixture_text("tanaka_bilingual.json"))
    seed = seed_of(uni, "research_projects", "40010001")
    new_description = {"ja": "自動車部品メーカーとの共同研究で、量産プロセスを実証する。", "en": ""}
    imp = run_import(uni, uni_user, _changed_tanaka(description=new_description))
    seed.refresh_from_db()
    assert seed.pk == seed_of(uni, "research_projects", "40010001").pk
    assert seed.summary == new_description["ja"]
    entry = ResearchmapImportSeed.objects.get(run=imp, imported_seed__seed=seed)
    assert entry.action == "updated" and entry.changed == ["summary"]


def test_a_reimport_never_overwrites_a_hand_edit_and_offers_the_difference(uni, uni_user):
    run_import(uni, uni_user, fixture_text("tanaka_bilingual.json"))
    seed = seed_of(uni, "research_projects", "40010001")
    seed_update(seed=seed, by=uni_user, data={"summary": "知財部で書き直した概要。"})
    new_title = {"ja": "全固体電池の量産プロセス", "en": ""}
    new_description = {"ja": "researchmap 側で更新された説明。", "en": ""}
    imp = run_import(
        uni,
        uni_user,
        _changed_tanaka(description=new_description, research_project_title=new_title),
    )
    seed.refresh_from_db()
    assert seed.summary == "知財部で書き直した概要。"  # kept
    assert seed.title == "全固体電池の量産プロセス"  # not edited by hand: updated
    imported = seed.researchmap
    assert imported.pending == {"summary": "researchmap 側で更新された説明。"}
    entry = ResearchmapImportSeed.objects.get(run=imp, imported_seed=imported)
    assert entry.action == "held" and entry.held == ["summary"] and entry.changed == ["title"]

    # Leave: the office's text stays and the same researchmap text is not offered again.
    imported_seed_leave(imported=imported, by=uni_user, fields=["summary"])
    imported.refresh_from_db()
    assert imported.pending == {}
    run_import(
        uni,
        uni_user,
        _changed_tanaka(description=new_description, research_project_title=new_title),
    )
    imported.refresh_from_db()
    seed.refresh_from_db()
    assert imported.pending == {} and seed.summary == "知財部で書き直した概要。"

    # A later researchmap change is offered again; take it this time.
    newer = {"ja": "さらに更新された説明。", "en": ""}
    run_import(uni, uni_user, _changed_tanaka(description=newer, research_project_title=new_title))
    imported.refresh_from_db()
    assert imported.pending == {"summary": "さらに更新された説明。"}
    assert imported_seed_take(imported=imported, by=uni_user) == ["summary"]
    seed.refresh_from_db()
    imported.refresh_from_db()
    assert seed.summary == "さらに更新された説明。" and imported.pending == {}


def test_a_published_seed_is_never_changed_by_a_reimport(uni, uni_user):
    run_import(uni, uni_user, fixture_text("tanaka_bilingual.json"))
    seed = seed_of(uni, "research_projects", "40010001")
    published, refused = researchmap_drafts_publish(org=uni, by=uni_user, seed_ids=[seed.pk])
    assert (published, refused) == (1, [])
    run_import(uni, uni_user, _changed_tanaka(description={"ja": "新しい説明。"}))
    seed.refresh_from_db()
    assert seed.summary.startswith("自動車部品メーカーとの共同研究として")
    assert seed.researchmap.pending == {"summary": "新しい説明。"}


def test_discarded_drafts_are_not_brought_back_by_a_reimport(uni, uni_user):
    run_import(uni, uni_user, fixture_text("tanaka_bilingual.json"))
    seed = seed_of(uni, "industrial_property_rights", "50010001")
    assert researchmap_drafts_discard(org=uni, by=uni_user, seed_ids=[seed.pk]) == (1, [])
    assert not Seed.objects.filter(pk=seed.pk).exists()
    imp = run_import(uni, uni_user, fixture_text("tanaka_bilingual.json"))
    assert Seed.objects.filter(organization=uni).count() == 1
    reasons = {s["id"]: s["reason"] for s in imp.report["skipped"]}
    assert "破棄" in reasons["50010001"] and "破棄" in reasons["50010002"]


def test_bulk_actions_touch_only_the_organisations_own_imported_seeds(
    uni, uni_user, other_uni, other_user
):
    run_import(uni, uni_user, fixture_text("tanaka_bilingual.json"))
    ids = list(Seed.objects.filter(organization=uni).values_list("pk", flat=True))
    assert researchmap_drafts_publish(org=other_uni, by=other_user, seed_ids=ids) == (0, [])
    assert researchmap_drafts_discard(org=other_uni, by=other_user, seed_ids=ids) == (0, [])
    assert Seed.objects.filter(pk__in=ids, status=PublicationStatus.DRAFT).count() == 2


def test_a_pending_organisation_gets_drafts_but_cannot_publish_them(uni_user):
    pending = make_org(kind=OrgKind.UNIVERSITY, approval_status="pending")
    user = make_user(org=pending)
    run_import(pending, user, fixture_text("suzuki_ja_only.json"))
    ids = list(Seed.objects.filter(organization=pending).values_list("pk", flat=True))
    published, refused = researchmap_drafts_publish(org=pending, by=user, seed_ids=ids)
    assert published == 0 and len(refused) == 2 and "承認" in refused[0]


def test_a_company_cannot_import_researchmap_data(company, company_user):
    with pytest.raises(ValidationError):
        researchmap_import_create(
            org=company,
            by=company_user,
            source=ResearchmapImport.Source.FILE,
            content=fixture_text("suzuki_ja_only.json"),
        )
    assert not ResearchmapImport.objects.exists()


def test_the_same_patent_registered_by_two_researchers_is_one_family_with_both(uni, uni_user):
    suzuki = fixture("suzuki_ja_only.json")
    tanaka = fixture("tanaka_bilingual.json")
    shared = dict(suzuki["@graph"][3]["items"][0])
    shared.update({"rm:id": "50019999", "@id": "https://api.researchmap.jp/tanaka-kenji/x/1"})
    tanaka["@graph"][3]["items"].append(shared)
    content = "\n".join(json.dumps(d, ensure_ascii=False) for d in (suzuki, tanaka))
    run_import(uni, uni_user, content)
    family = seed_of(uni, "industrial_property_rights", "51010001")
    assert seed_of(uni, "industrial_property_rights", "50019999") == family
    assert [r.researchmap_id for r in family.researchers.all()] == ["suzuki_hanako", "tanaka-kenji"]
    assert family.patents.count() == 2


def test_a_second_delivery_of_a_finished_run_does_nothing(uni, uni_user):
    imp = run_import(uni, uni_user, fixture_text("suzuki_ja_only.json"))
    report = imp.report
    again = researchmap_import_run(import_id=imp.id)
    assert again.attempts == 1 and again.report == report
    assert Seed.objects.filter(organization=uni).count() == 2


def test_the_sweep_fails_a_run_a_lost_worker_left_and_requeues_a_lost_pending_one(
    uni, uni_user, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from profiles.services.imports.researchmap import researchmap_imports_sweep

    long_ago = timezone.now() - timedelta(hours=1)
    stuck = ResearchmapImport.objects.create(
        organization=uni, source="file", content="{}", status="running"
    )
    ResearchmapImport.objects.filter(pk=stuck.pk).update(started_at=long_ago)
    lost = researchmap_import_create(
        org=uni,
        by=uni_user,
        source=ResearchmapImport.Source.FILE,
        content=fixture_text("suzuki_ja_only.json"),
        run_in_background=False,
    )
    ResearchmapImport.objects.filter(pk=lost.pk).update(created_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert researchmap_imports_sweep() == {"researchmap_failed": 1, "researchmap_requeued": 1}
    stuck.refresh_from_db()
    lost.refresh_from_db()
    assert stuck.status == "failed" and stuck.content == "" and stuck.error
    assert lost.status == "done"  # the requeued run ran (in-process here)
    assert Seed.objects.filter(organization=uni).count() == 2


# --- on a real worker (Redis broker), like production ------------------------------------------

from tests.profiles.test_import_jobs import BROKER, _wait_for, celery_worker  # noqa: E402, F401


@pytest.mark.worker
@pytest.mark.skipif(not BROKER, reason="SANGAKU_TEST_BROKER_URL is not set (no Redis broker)")
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_an_uploaded_import_once_even_when_delivered_twice(celery_worker):  # noqa: F811
    from profiles.tasks import run_researchmap_import

    org = make_org(kind=OrgKind.UNIVERSITY)
    user = make_user(org=org)
    imp = researchmap_import_create(
        org=org,
        by=user,
        source=ResearchmapImport.Source.FILE,
        content=fixture_text("export.jsonl"),
    )  # sent to the worker on commit
    assert _wait_for(lambda: ResearchmapImport.objects.get(pk=imp.pk).is_finished)
    imp.refresh_from_db()
    assert imp.status == "done" and imp.attempts == 1
    assert Seed.objects.filter(organization=org).count() == 5
    run_researchmap_import.delay(imp.id)  # a duplicate delivery
    later = researchmap_import_create(
        org=org,
        by=user,
        source=ResearchmapImport.Source.FILE,
        content=fixture_text("suzuki_ja_only.json"),
    )
    # The solo worker takes tasks in order: once the later run is done, the duplicate ran.
    assert _wait_for(lambda: ResearchmapImport.objects.get(pk=later.pk).is_finished)
    imp.refresh_from_db()
    assert imp.attempts == 1
    assert Seed.objects.filter(organization=org).count() == 5
    assert ResearchmapImport.objects.get(pk=later.pk).report["counts"]["unchanged"] == 2
