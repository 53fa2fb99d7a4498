"""`import_researchmap`: from a file, and from the researchmap WebAPI served by a local HTTP
server in this process (OAuth JWT bearer grant checked with the client's public key, lists
served page by page)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles.models import ImportedAchievement, ResearchmapImport, Seed
from profiles.services.imports.researchmap.api import (
    ResearchmapAuthError,
    ResearchmapClient,
    ResearchmapNotConfigured,
)
from tests.profiles.researchmap_fixtures import (
    FIXTURES,
    FakeResearchmap,
    fixture,
    rsa_key_pair,
)

pytestmark = pytest.mark.django_db
CLIENT_ID = "sangaku-test-client"


def command(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_researchmap", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def keys():
    return rsa_key_pair()


@pytest.fixture
def researchmap(keys, settings):
    private, public = keys
    docs = [fixture("tanaka_bilingual.json"), fixture("suzuki_ja_only.json")]
    with FakeResearchmap(docs, client_id=CLIENT_ID, public_key_pem=public) as server:
        settings.RESEARCHMAP_API_URL = server.url
        settings.RESEARCHMAP_CLIENT_ID = CLIENT_ID
        settings.RESEARCHMAP_PRIVATE_KEY = private.decode()
        settings.RESEARCHMAP_TIMEOUT = 5.0
        yield server


def test_the_command_imports_a_json_lines_file_and_lists_the_unreadable_records(uni):
    with pytest.raises(CommandError) as exc:
        command(str(FIXTURES / "export.jsonl"), "--organization", uni.key)
    assert "could not be read; the others were imported" in str(exc.value)
    imp = ResearchmapImport.objects.get()
    assert imp.source == "file" and imp.label == "export.jsonl" and imp.user is None
    assert Seed.objects.filter(organization=uni, status="draft").count() == 5
    errors = imp.report["errors"]
    assert {(e["record"], e["type"]) for e in errors} == {(3, ""), (4, "grant_applications_draft")}


def test_the_command_prints_each_unreadable_record_on_stderr(uni, capsys):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_researchmap",
            str(FIXTURES / "export.jsonl"),
            "--organization",
            uni.key,
            stdout=out,
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert any(line.startswith("unreadable record 3 ") for line in lines)
    assert any("j.smith grant_applications_draft" in line for line in lines)
    assert "5 created" in out.getvalue()


def test_the_command_refuses_a_malformed_file_and_writes_nothing(uni):
    with pytest.raises(CommandError) as exc:
        command(str(FIXTURES / "malformed.json"), "--organization", uni.key)
    assert "JSON として読めません" in str(exc.value) and "Nothing was imported" in str(exc.value)
    assert not ResearchmapImport.objects.exists() and not Seed.objects.exists()


def test_the_command_needs_an_existing_organisation_and_one_source(uni):
    with pytest.raises(CommandError, match="no organisation"):
        command(str(FIXTURES / "export.jsonl"), "--organization", "nope")
    with pytest.raises(CommandError, match="either a PATH or --api"):
        command("--organization", uni.key)
    with pytest.raises(CommandError, match="not researchmap permalinks"):
        command("--api", "--permalink", "../etc", "--organization", uni.key)


def test_the_api_import_without_credentials_says_which_settings_are_missing(uni, settings):
    settings.RESEARCHMAP_CLIENT_ID = ""
    settings.RESEARCHMAP_PRIVATE_KEY = ""
    with pytest.raises(CommandError) as exc:
        command("--api", "--permalink", "tanaka-kenji", "--organization", uni.key)
    assert "RESEARCHMAP_CLIENT_ID" in str(exc.value)
    assert "RESEARCHMAP_PRIVATE_KEY" in str(exc.value)
    assert not ResearchmapImport.objects.exists()


def test_the_api_import_fetches_every_item_and_reports_an_unknown_permalink(uni, researchmap):
    with pytest.raises(CommandError, match="1 record"):
        command(
            "--api",
            "--permalink",
            "tanaka-kenji",
            "--permalink",
            "https://researchmap.jp/suzuki_hanako/",
            "--permalink",
            "nobody-here",
            "--organization",
            uni.key,
        )
    imp = ResearchmapImport.objects.get()
    assert imp.source == "api" and imp.label == "tanaka-kenji suzuki_hanako nobody-here"
    [missing] = imp.report["errors"]
    assert missing["researcher"] == "nobody-here" and "404" in missing["reason"]
    # The profile answer held one item per type; the lists brought the rest (the PCT filing,
    # the second project) — the same drafts as from the file.
    assert ImportedAchievement.objects.filter(achievement_id="50010002").exists()
    assert Seed.objects.filter(organization=uni).count() == 4
    posts = [path for method, path in researchmap.requests if method == "POST"]
    assert posts == ["/oauth2/token"]  # one token for the whole run
    assert ("GET", "/tanaka-kenji/research_projects?start=1&limit=1000") in researchmap.requests


def test_the_api_import_twice_changes_nothing(uni, researchmap):
    args = ("--api", "--permalink", "suzuki_hanako", "--organization", uni.key)
    command(*args)
    before = {s.pk: s.updated_at for s in Seed.objects.all()}
    out, _err = command(*args)
    assert {s.pk: s.updated_at for s in Seed.objects.all()} == before
    assert "0 created, 0 updated, 2 unchanged" in out


def test_a_refused_client_imports_nothing(uni, researchmap, keys, settings):
    other_private, _public = rsa_key_pair()  # not the key researchmap knows
    settings.RESEARCHMAP_PRIVATE_KEY = other_private.decode()
    with pytest.raises(CommandError) as exc:
        command("--api", "--permalink", "tanaka-kenji", "--organization", uni.key)
    assert "アクセストークン" in str(exc.value) and "invalid_grant" in str(exc.value)
    assert not ResearchmapImport.objects.exists() and not Seed.objects.exists()


def test_the_client_pages_through_long_lists(researchmap):
    client = ResearchmapClient.from_settings(page_size=1)
    items = client.achievements("tanaka-kenji", "industrial_property_rights")
    assert [i["rm:id"] for i in items] == ["50010001", "50010002", "50010003"]
    pages = [p for m, p in researchmap.requests if "industrial_property_rights" in p]
    assert pages == [
        f"/tanaka-kenji/industrial_property_rights?start={n}&limit=1" for n in (1, 2, 3)
    ]


def test_the_client_signs_its_assertion_for_the_token_endpoint(researchmap, keys):
    import jwt

    client = ResearchmapClient.from_settings()
    claims = jwt.decode(
        client.assertion(), keys[1], algorithms=["RS256"], audience=client.token_url
    )
    assert claims["iss"] == CLIENT_ID and claims["sub"] == "0"
    assert claims["exp"] - claims["iat"] <= 600


def test_a_key_that_is_not_a_private_key_is_a_settings_error(settings):
    settings.RESEARCHMAP_CLIENT_ID = CLIENT_ID
    settings.RESEARCHMAP_PRIVATE_KEY = "not a key"
    with pytest.raises(ResearchmapNotConfigured):
        ResearchmapClient.from_settings().assertion()


def test_an_expired_token_is_renewed_once(researchmap):
    client = ResearchmapClient.from_settings()
    client._token = "stale-token"
    assert client.get("suzuki_hanako")["permalink"] == "suzuki_hanako"
    researchmap.fail_token = True
    client._token = "stale-again"
    with pytest.raises(ResearchmapAuthError):
        client.get("suzuki_hanako")
