"""`import_catalog`: loads the dev catalog, idempotent, all-or-nothing, reports bad records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles.choices import ApprovalStatus, PublicationStatus
from profiles.models import InvestorProfile, Need, Organization, Seed, Venture

pytestmark = pytest.mark.django_db

# ../shared/data next to the repository (CATALOG.md), else the development machine's copy.
_CANDIDATES = [
    Path(__file__).resolve().parents[2].parent / "shared/data/dev_catalog.json",
    Path("/work/shared/data/dev_catalog.json"),
]
DEV_CATALOG = next((p for p in _CANDIDATES if p.exists()), _CANDIDATES[0])


def _catalog(**sections) -> dict:
    base = {
        "format": "catalog/1",
        "organizations": [
            {"key": "u-a", "kind": "university", "name": "A大学", "prefecture": "宮城県"},
            {"key": "c-b", "kind": "company", "name": "B株式会社", "prefecture": "大阪府"},
        ],
        "seeds": [
            {
                "key": "s-1",
                "organization": "u-a",
                "title": "全固体電池",
                "summary": "硫化物系固体電解質。",
                "keywords": ["電池"],
                "trl": 4,
                "collaboration": ["joint_research", "license"],
                "language": "ja",
                "colour": "unknown fields are ignored",
            }
        ],
        "needs": [
            {
                "key": "n-1",
                "organization": "c-b",
                "title": "電池の安全性",
                "description": "発火しない電池材料。",
                "keywords": ["電池"],
                "collaboration": ["joint_research"],
                "budget_yen": 20000000,
                "language": "ja",
            }
        ],
        "investors": [
            {
                "key": "i-1",
                "kind": "vc",
                "name": "Cキャピタル",
                "thesis": "素材系に投資",
                "fields": ["素材"],
                "stages": ["seed"],
            }
        ],
        "ventures": [
            {
                "key": "v-1",
                "organization": "u-a",
                "name": "A電池株式会社",
                "summary": "電解質の事業化",
                "stage": "seed",
                "seeds": ["s-1"],
            }
        ],
    }
    base.update(sections)
    return base


def _write(tmp_path, data) -> str:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _snapshot() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list("id", "updated_at"))
        for model in (Organization, Seed, Need, InvestorProfile, Venture)
    }


def test_import_loads_every_record_published_and_approved(tmp_path, capsys):
    call_command("import_catalog", _write(tmp_path, _catalog()))
    seed = Seed.objects.get(key="s-1")
    assert seed.status == PublicationStatus.PUBLISHED and seed.published_at is not None
    assert seed.collaboration_modes == ["joint_research", "license"]
    assert Organization.objects.get(key="u-a").region == "tohoku"
    assert set(Organization.objects.values_list("approval_status", flat=True)) == {
        ApprovalStatus.APPROVED
    }
    assert Need.objects.get(key="n-1").budget_max_yen == 20000000
    investor = InvestorProfile.objects.get()
    assert investor.organization.key == "i-1" and investor.organization.kind == "investor"
    assert investor.key == "i-1"
    assert list(Venture.objects.get(key="v-1").seeds.values_list("key", flat=True)) == ["s-1"]
    assert "loaded 7 record(s)" in capsys.readouterr().out


def test_running_the_import_twice_changes_nothing(tmp_path):
    path = _write(tmp_path, _catalog())
    call_command("import_catalog", path)
    before = _snapshot()
    call_command("import_catalog", path)
    assert _snapshot() == before


def test_a_changed_record_updates_only_that_row(tmp_path):
    call_command("import_catalog", _write(tmp_path, _catalog()))
    before = _snapshot()
    data = _catalog()
    data["seeds"][0]["title"] = "全固体電池 (改訂)"
    call_command("import_catalog", _write(tmp_path, data))
    after = _snapshot()
    assert Seed.objects.get(key="s-1").title == "全固体電池 (改訂)"
    assert after["Seed"] != before["Seed"]
    assert after["Need"] == before["Need"] and after["Organization"] == before["Organization"]


@pytest.mark.parametrize(
    "section, index, change, needle",
    [
        ("seeds", 0, {"trl": 10}, "s-1"),
        ("seeds", 0, {"organization": "u-missing"}, "s-1"),
        ("seeds", 0, {"collaboration": ["telepathy"]}, "s-1"),
        ("seeds", 0, {"title": "bad\x00title"}, "s-1"),
        ("needs", 0, {"budget_yen": -5}, "n-1"),
        ("needs", 0, {"organization": "u-a"}, "n-1"),  # a university cannot post needs
        ("investors", 0, {"stages": ["series_z"]}, "i-1"),
        ("ventures", 0, {"seeds": ["s-missing"]}, "v-1"),
    ],
)
def test_a_file_with_one_bad_record_writes_nothing_and_names_the_record(
    tmp_path, capsys, section, index, change, needle
):
    data = _catalog()
    data[section][index].update(change)
    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalog", _write(tmp_path, data))
    assert excinfo.value.returncode == 1
    err = capsys.readouterr().err
    assert needle in err
    assert not Organization.objects.exists() and not Seed.objects.exists()


def test_skip_invalid_writes_the_valid_records_but_still_fails(tmp_path, capsys):
    data = _catalog()
    data["seeds"].append({**data["seeds"][0], "key": "s-bad", "trl": 0})
    with pytest.raises(CommandError):
        call_command("import_catalog", _write(tmp_path, data), "--skip-invalid")
    assert "s-bad" in capsys.readouterr().err
    assert set(Seed.objects.values_list("key", flat=True)) == {"s-1"}


def test_duplicate_keys_in_one_file_are_reported(tmp_path, capsys):
    data = _catalog()
    data["seeds"].append(dict(data["seeds"][0]))
    with pytest.raises(CommandError):
        call_command("import_catalog", _write(tmp_path, data))
    assert "s-1" in capsys.readouterr().err
    assert not Seed.objects.exists()


def test_not_a_catalog_file_is_an_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path))
    path.write_text("{broken")
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path))


def test_import_does_not_enqueue_embeddings_unless_asked(
    tmp_path, embed_calls, django_capture_on_commit_callbacks
):
    path = _write(tmp_path, _catalog())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_catalog", path)
    assert embed_calls == []
    data = _catalog()
    data["seeds"][0]["title"] = "改訂"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_catalog", _write(tmp_path, data), "--embed")
    assert embed_calls == [("seed", Seed.objects.get(key="s-1").id)]


@pytest.mark.skipif(not DEV_CATALOG.exists(), reason="the shared dev catalog is not present")
def test_the_dev_catalog_loads_every_record_into_an_empty_database():
    data = json.loads(DEV_CATALOG.read_text(encoding="utf-8"))
    call_command("import_catalog", str(DEV_CATALOG))
    assert Seed.objects.count() == len(data["seeds"])
    assert Need.objects.count() == len(data["needs"])
    assert InvestorProfile.objects.count() == len(data["investors"])
    assert Venture.objects.count() == len(data["ventures"])
    assert Organization.objects.count() == len(data["organizations"])


def test_the_demo_catalog_is_valid_and_loads_every_record():
    path = Path(__file__).resolve().parents[2] / "profiles/demo/demo_catalog.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    call_command("import_catalog", str(path))
    assert Seed.objects.count() == len(data["seeds"]) >= 25
    assert Need.objects.count() == len(data["needs"]) >= 10
    assert Venture.objects.count() == len(data["ventures"]) >= 3


def test_load_demo_is_idempotent_and_prints_the_credentials(capsys):
    from django.contrib.auth import get_user_model

    call_command("load_demo", "--no-match")
    first = capsys.readouterr().out
    assert "demo-admin" in first and "sangaku-demo-2026" in first
    before = _snapshot()
    call_command("load_demo", "--no-match")
    assert _snapshot() == before
    User = get_user_model()
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and admin.check_password("sangaku-demo-2026")
    assert User.objects.get(username="demo-univ").membership.organization.is_academic
    assert User.objects.get(username="demo-company").membership.organization.kind == "company"
    assert User.objects.get(username="demo-investor").membership.organization.kind == "investor"
