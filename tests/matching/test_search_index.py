"""The shared search index (issue 12): web requests embed nothing but the query text, one
version per corpus state is built once by a worker and loaded by other processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.db import connection
from django.urls import reverse

from matching.engine.embedders import Embedder
from matching.services import search_index
from matching.services.embedding import get_embedder
from profiles.choices import OrgKind
from tests.factories import make_org, make_seed, make_user, publish_search_index

pytestmark = pytest.mark.usefixtures("hashing_embedder")

ROOT = Path(__file__).resolve().parents[2]


def _seeds(org, n: int, *, start: int = 0) -> list:
    topics = ["全固体電池 固体電解質", "米粉パン グルテンフリー", "水素 触媒 燃料電池"]
    return [
        make_seed(org=org, title=f"{topics[i % 3]} {i}", summary=f"{topics[i % 3]} 研究 {i}")
        for i in range(start, start + n)
    ]


@pytest.fixture
def spy(monkeypatch):
    """Counts every text the embedder is asked to embed, by role (passages = seeds)."""
    calls = {"passage": 0, "query": 0}
    embed = Embedder._embed

    def counting(self, texts, *, is_query):
        calls["query" if is_query else "passage"] += len(texts)
        return embed(self, texts, is_query=is_query)

    monkeypatch.setattr(Embedder, "_embed", counting)
    return calls


@pytest.mark.django_db
def test_a_web_request_never_calls_the_seed_embedder(client, spy):
    university = make_org(kind=OrgKind.UNIVERSITY)
    _seeds(university, 6)
    publish_search_index()
    waiting = _seeds(university, 40, start=6)  # published, not embedded yet (a bulk import)
    company = make_org(kind=OrgKind.COMPANY)
    client.force_login(make_user(org=company))
    spy.update(passage=0, query=0)

    page = client.get("/search/", {"q": "全固体電池 固体電解質"})
    api = client.get("/api/search/seeds/", {"q": "全固体電池", "include_weak": "true"})
    listing = client.get("/api/seeds/")
    landing = client.get("/")

    assert [r.status_code for r in (page, api, listing, landing)] == [200, 200, 200, 200]
    assert spy["passage"] == 0  # no seed text was embedded by any request
    assert spy["query"] == 2  # the two search texts, and nothing else
    body = page.content.decode()
    assert 'data-testid="search-pending"' in body and "40" in body
    assert api.json()["pending"] == 40
    lexical = {row["key"] for row in api.json()["not_indexed_yet"]}
    assert lexical and lexical <= {s.key for s in waiting}


@pytest.mark.django_db
def test_seeds_waiting_for_the_index_show_their_university_in_the_readers_language(client):
    university = make_org(kind=OrgKind.UNIVERSITY, name="扇大学", name_en="Ogi University")
    _seeds(university, 2)
    publish_search_index()
    _seeds(university, 3, start=2)  # not embedded yet: listed by the lexical fallback
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/search/", {"q": "全固体電池"}).content.decode()
    pending = body[body.index('data-testid="search-not-indexed"') :]
    assert "Ogi University" in pending and "扇大学" not in pending


@pytest.mark.django_db
def test_the_index_is_built_once_per_version_and_incrementally(spy):
    university = make_org(kind=OrgKind.UNIVERSITY)
    seeds = _seeds(university, 30)
    first = publish_search_index()
    assert first["built"] and first["seeds"] == 30 and first["rows_read"] == 30
    again = search_index.index_publish(wait=True)
    assert again == {"built": False, "reason": "current", "version": first["version"]}

    seeds[0].summary = "ペロブスカイト 太陽電池"
    seeds[0].save()
    spy.update(passage=0)
    changed = publish_search_index()
    assert spy["passage"] == 1  # only the changed seed was embedded again
    assert changed["built"] and changed["rows_read"] == 1  # the other 29 rows were reused
    debounced = search_index.index_publish(min_interval=3600)
    assert debounced["reason"] in {"debounced", "current"}


@pytest.mark.django_db
def test_a_second_builder_does_not_wait_or_build_while_one_holds_the_lock():
    _seeds(make_org(kind=OrgKind.UNIVERSITY), 3)
    model_id = get_embedder().model_id
    with search_index._exclusive(search_index.index_dir(model_id)) as mine:
        assert mine
        assert search_index.index_publish(model_id=model_id) == {"built": False, "reason": "busy"}
    assert search_index.index_publish(model_id=model_id)["built"]


@pytest.mark.django_db(transaction=True)
def test_another_process_loads_the_published_version_memory_mapped(settings):
    _seeds(make_org(kind=OrgKind.UNIVERSITY), 12)
    published = publish_search_index()
    root = search_index.index_dir(get_embedder().model_id)
    files = sorted(p.name for p in root.iterdir())
    script = (
        "import json, django, numpy as np; django.setup()\n"
        "from matching.services import search_index as si\n"
        f"p = si.published_index(model_id={get_embedder().model_id!r}, check_seconds=0)\n"
        f"again = si.index_publish(model_id={get_embedder().model_id!r}, wait=True)\n"
        "print(json.dumps({'version': p.version, 'n': len(p), 'kind': p.kind,"
        " 'mapped': isinstance(p.seeds.vectors, np.memmap), 'again': again}))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "MATCHING_INDEX_DIR": str(settings.MATCHING_INDEX_DIR),
        "MATCHING_EMBEDDER": "hashing",
        "MATCHING_MODEL": "",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["version"] == published["version"]
    assert seen["n"] == 12 and seen["kind"] == "exact" and seen["mapped"]
    assert seen["again"] == {"built": False, "reason": "current", "version": published["version"]}
    assert sorted(p.name for p in root.iterdir()) == files  # nothing was rebuilt


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db
def test_filters_work_on_the_loaded_index():
    north = make_org(kind=OrgKind.UNIVERSITY, prefecture="青森県", region="tohoku")
    tokyo = make_org(kind=OrgKind.UNIVERSITY)
    a = make_seed(org=north, title="全固体電池", summary="全固体電池", field="材料工学", trl=3)
    b = make_seed(
        org=tokyo,
        title="全固体電池 正極",
        summary="全固体電池",
        field="電気工学",
        trl=7,
        collaboration_modes=["license"],
    )
    publish_search_index()
    loaded = search_index.published_index(model_id=get_embedder().model_id)
    ids = loaded.seeds.ids
    assert set(ids[loaded.field_mask("材料")].tolist()) == {a.id}
    assert set(ids[loaded.has_mode("license")].tolist()) == {b.id}
    assert set(ids[loaded.seeds.regions == "tohoku"].tolist()) == {a.id}
    assert isinstance(loaded.seeds.vectors, np.memmap)


@pytest.mark.django_db
def test_old_versions_are_pruned_and_blobs_shared_by_versions(settings):
    org = make_org(kind=OrgKind.UNIVERSITY)
    _seeds(org, 4)
    for i in range(search_index.KEEP_VERSIONS + 2):
        make_seed(org=org, title=f"追加 {i}", summary=f"追加のシーズ {i}")
        publish_search_index()
    root = search_index.index_dir(get_embedder().model_id)
    versions = [p for p in root.iterdir() if p.is_dir() and p.name.startswith("v")]
    blobs = [p for p in root.iterdir() if p.name.startswith("vectors-")]
    assert len(versions) == search_index.KEEP_VERSIONS
    assert len(blobs) == search_index.KEEP_VERSIONS
    pointer = search_index.read_pointer(root)
    assert (root / pointer["version"]).is_dir()
    # A change that leaves every vector as it was (an organisation's details) reuses the blob.
    before = json.loads((root / pointer["version"] / "meta.json").read_text())["vectors"]
    org.name = "改名した大学"
    org.save()
    again = publish_search_index()
    assert again["built"] and again["rows_read"] == 0
    after = json.loads((root / again["version"] / "meta.json").read_text())["vectors"]
    assert after == before
