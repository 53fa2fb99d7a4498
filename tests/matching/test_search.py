"""Semantic seed search: visible seeds only, filters, explanations from public text."""

from __future__ import annotations

import pytest

from matching.services.search import search, search_seeds
from profiles.choices import ApprovalStatus, OrgKind, PublicationStatus
from tests.factories import make_org, make_seed, make_user, publish_search_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


@pytest.fixture
def world():
    company = make_org(kind=OrgKind.COMPANY)
    user = make_user(org=company)
    north = make_org(kind=OrgKind.UNIVERSITY, prefecture="青森県", region="tohoku")
    tokyo = make_org(kind=OrgKind.UNIVERSITY)
    pending = make_org(kind=OrgKind.UNIVERSITY, approval_status=ApprovalStatus.PENDING)
    battery = make_seed(
        org=north,
        title="全固体電池の固体電解質",
        summary="硫化物系固体電解質 全固体電池 リチウムイオン伝導",
        trl=3,
        collaboration_modes=["joint_research", "license"],
        confidential_details="秘密の全固体電池組成 QQ-77",
    )
    battery_tokyo = make_seed(
        org=tokyo,
        title="全固体電池の正極界面",
        summary="全固体電池 正極 界面抵抗 固体電解質",
        trl=6,
        collaboration_modes=["contract_research"],
    )
    hidden = [
        make_seed(
            org=tokyo,
            title="全固体電池 下書き",
            summary="全固体電池",
            status=PublicationStatus.DRAFT,
        ),
        make_seed(org=pending, title="全固体電池 承認待ち", summary="全固体電池 固体電解質"),
    ]
    food = make_seed(org=tokyo, title="米粉パン", summary="グルテンフリー 米粉 食感")
    publish_search_index()
    return {
        "user": user,
        "battery": battery,
        "battery_tokyo": battery_tokyo,
        "hidden": hidden,
        "food": food,
    }


def test_search_ranks_visible_seeds_and_never_returns_hidden_ones(world):
    hits = search_seeds(user=world["user"], text="全固体電池の固体電解質")

    ids = [h.seed.id for h in hits]
    assert ids[0] in {world["battery"].id, world["battery_tokyo"].id}
    assert ids.index(world["food"].id) > ids.index(world["battery"].id)
    assert not {s.id for s in world["hidden"]} & set(ids)
    assert hits[0].signals["semantic"] > hits[-1].signals["semantic"]
    assert any("全固体電池" in term for term in hits[0].shared_terms)


def test_search_filters_by_region_trl_and_mode(world):
    user = world["user"]
    by_region = search_seeds(user=user, text="全固体電池", region="tohoku")
    assert [h.seed.id for h in by_region] == [world["battery"].id]
    by_trl = search_seeds(user=user, text="全固体電池", trl_min=5, trl_max=9)
    assert [h.seed.id for h in by_trl] == [world["battery_tokyo"].id]
    by_mode = search_seeds(user=user, text="全固体電池", mode="license")
    assert [h.seed.id for h in by_mode] == [world["battery"].id]


def test_search_explanations_never_show_confidential_details(world):
    hits = search_seeds(user=world["user"], text="秘密の全固体電池組成 QQ-77")
    assert hits
    for hit in hits:
        assert "QQ-77" not in " ".join(hit.shared_terms)
        assert "秘密" not in " ".join(hit.shared_terms)


def test_empty_query_returns_nothing(world):
    assert search_seeds(user=world["user"], text="   ") == []


# --- The shared index ------------------------------------------------------------------------


def test_search_reads_the_published_version_until_a_worker_publishes_a_new_one(world):
    from matching.services import search_index

    search_seeds(user=world["user"], text="全固体電池")
    from matching.services.embedding import get_embedder

    model_id = get_embedder().model_id
    first = search_index.published_index(model_id=model_id)
    search_seeds(user=world["user"], text="米粉パン")
    assert search_index.published_index(model_id=model_id) is first

    new = make_seed(
        org=world["battery"].organization, title="全固体電池 新規", summary="全固体電池 新規"
    )
    found = search(user=world["user"], text="全固体電池 新規", include_weak=True)
    assert new.id not in [h.seed.id for h in found.hits]  # not embedded by the request
    assert [s.id for s in found.lexical] == [new.id]  # found by the lexical fallback
    assert found.pending == 1

    assert publish_search_index()["built"]
    found = search(user=world["user"], text="全固体電池 新規", include_weak=True)
    assert new.id in [h.seed.id for h in found.hits]
    assert found.pending == 0 and found.lexical == []
    assert search_index.published_index(model_id=model_id) is not first


def test_an_archived_seed_leaves_the_results_at_once(world):
    search_seeds(user=world["user"], text="全固体電池")  # builds the corpus
    battery = world["battery"]
    battery.status = PublicationStatus.ARCHIVED
    battery.save()
    ids = [h.seed.id for h in search_seeds(user=world["user"], text="全固体電池の固体電解質")]
    assert battery.id not in ids
    assert world["battery_tokyo"].id in ids


def test_a_seed_withdrawn_behind_the_caches_back_is_never_returned(world):
    search_seeds(user=world["user"], text="全固体電池")
    # A bulk update leaves `updated_at` alone, so the corpus version may not move; the
    # visibility check on the results still drops the row.
    from profiles.models import Seed

    Seed.objects.filter(id=world["battery"].id).update(status=PublicationStatus.DRAFT)
    ids = [h.seed.id for h in search_seeds(user=world["user"], text="全固体電池の固体電解質")]
    assert world["battery"].id not in ids


def test_candidate_retrieval_gives_the_full_ranking_order_and_applies_filters(world, monkeypatch):
    from matching.services import search

    full = search_seeds(user=world["user"], text="全固体電池 固体電解質", limit=3)
    monkeypatch.setattr(search, "CANDIDATES", 2)
    search.reset_search_cache()
    short = search_seeds(user=world["user"], text="全固体電池 固体電解質", limit=2)
    assert [h.seed.id for h in short] == [h.seed.id for h in full[:2]]
    assert [h.score for h in short] == pytest.approx([h.score for h in full[:2]])
    by_region = search_seeds(user=world["user"], text="全固体電池", region="tohoku")
    assert [h.seed.id for h in by_region] == [world["battery"].id]
    by_trl = search_seeds(user=world["user"], text="全固体電池", trl_min=5, trl_max=9)
    assert [h.seed.id for h in by_trl] == [world["battery_tokyo"].id]


def test_an_unapproved_organisation_finds_its_own_embedded_seed_and_others_do_not(world):
    from matching.services.embedding import vectors_embed

    withdrawn = make_org(kind=OrgKind.UNIVERSITY)
    own = make_seed(
        org=withdrawn, title="ペロブスカイト太陽電池", summary="ペロブスカイト 太陽電池"
    )
    vectors_embed(kind="seed", ids=[own.id])  # embedded while approved
    withdrawn.approval_status = ApprovalStatus.REJECTED
    withdrawn.save()
    member = make_user(org=withdrawn)

    mine = [h.seed.id for h in search_seeds(user=member, text="ペロブスカイト太陽電池")]
    theirs = [h.seed.id for h in search_seeds(user=world["user"], text="ペロブスカイト太陽電池")]
    assert own.id in mine
    assert own.id not in theirs


def test_anonymous_users_find_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert search_seeds(user=AnonymousUser(), text="全固体電池") == []
