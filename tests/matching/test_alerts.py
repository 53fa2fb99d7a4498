"""Issue 14: saved searches and the watchlist, and their alerts through notifications: the
real chain (a seed published through the catalogue service → embedding → refresh →
`matching.tasks.seed_alerts`), on the topic corpus with the tests' calibration of the hashing
embedder, so "above the relevance floor" means something."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import SavedSearch, SearchAlert, WatchedSeed
from matching.services.alerts import saved_search_create, seed_alerts_send, watch_add
from matching.services.refresh import match_all
from notifications.kinds import Kind
from notifications.models import Notification
from profiles.choices import OrgKind, PublicationStatus
from profiles.services.catalog import seed_create, seed_publish, seed_update
from tests.factories import (
    make_org,
    make_seed,
    make_topic_world,
    make_user,
    store_hashing_calibration,
    topic_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


@pytest.fixture
def world():
    w = make_topic_world()
    store_hashing_calibration()
    match_all(sync=True)
    w["buyer"] = make_user(org=w["company"])
    w["north_user"] = make_user(org=w["north"])
    return w


def _publish_seed(w, capture, *, topic: int, key: str):
    with capture(execute=True):
        seed = seed_create(
            org=w["north"],
            by=w["north_user"],
            data={"key": key, "title": f"新しい研究 {topic}", "summary": topic_text(topic)},
        )
        seed_publish(seed=seed, by=w["north_user"])
    return seed


def alerts_of(user, kind=Kind.SEARCH_ALERT):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_a_saved_search_alerts_once_when_a_new_seed_matches_above_the_floor(
    world, django_capture_on_commit_callbacks
):
    w = world
    wanted = saved_search_create(user=w["buyer"], query=topic_text(60))
    unrelated = saved_search_create(user=w["buyer"], query=topic_text(70), name="別の検索")
    seed = _publish_seed(w, django_capture_on_commit_callbacks, topic=60, key="new-60")
    assert list(alerts_of(w["buyer"]).values_list("subject_id", flat=True)) == [wanted.pk]
    n = alerts_of(w["buyer"]).get()
    assert n.url == reverse("seed_page", args=[seed.pk])
    assert n.params == {"search": wanted.name, "seed": seed.title}
    alert = SearchAlert.objects.get()
    assert (alert.saved_search, alert.seed) == (wanted, seed) and alert.relevance >= 0.4
    assert not SearchAlert.objects.filter(saved_search=unrelated).exists()
    # The task delivered again, or the seed saved without a change: nothing new.
    seed_alerts_send(seed_id=seed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        seed_update(seed=seed, by=w["north_user"], data={"capacity": 5})
    assert alerts_of(w["buyer"]).count() == 1 and SearchAlert.objects.count() == 1


def test_a_seed_below_the_floor_a_draft_or_the_searchers_own_seed_alerts_nobody(
    world, django_capture_on_commit_callbacks
):
    w = world
    saved_search_create(user=w["buyer"], query=topic_text(80))
    # A seed of another topic (below the floor for this search).
    _publish_seed(w, django_capture_on_commit_callbacks, topic=81, key="new-81")
    # A draft of the right topic.
    with django_capture_on_commit_callbacks(execute=True):
        draft = seed_create(
            org=w["north"],
            by=w["north_user"],
            data={"key": "draft-80", "title": "下書き", "summary": topic_text(80)},
        )
    assert draft.status == PublicationStatus.DRAFT
    seed_alerts_send(seed_id=draft.pk)
    # The university's own saved search does not alert it of its own seed.
    saved_search_create(user=w["north_user"], query=topic_text(82))
    _publish_seed(w, django_capture_on_commit_callbacks, topic=82, key="new-82")
    assert not Notification.objects.filter(kind=Kind.SEARCH_ALERT).exists()
    assert not SearchAlert.objects.exists()


def test_a_watched_seed_alerts_its_watcher_once_per_change_of_its_public_content(
    world, django_capture_on_commit_callbacks
):
    w = world
    seed = w["seeds"][4]  # a seed of 北方大学 (even topics)
    watch_add(user=w["buyer"], seed=seed)
    seed_alerts_send(seed_id=seed.pk)  # unchanged since watched: nothing
    assert not alerts_of(w["buyer"], Kind.WATCH_ALERT).exists()
    with django_capture_on_commit_callbacks(execute=True):
        seed_update(seed=seed, by=w["north_user"], data={"title": "研究シーズ 4 (改訂)"})
    assert alerts_of(w["buyer"], Kind.WATCH_ALERT).count() == 1
    seed_alerts_send(seed_id=seed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        seed_update(seed=seed, by=w["north_user"], data={"capacity": 9})  # not public content
    assert alerts_of(w["buyer"], Kind.WATCH_ALERT).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        seed_update(seed=seed, by=w["north_user"], data={"trl": 7})
    assert alerts_of(w["buyer"], Kind.WATCH_ALERT).count() == 2


def test_saving_searches_and_watching_through_the_pages_with_clear_errors(client, world):
    w = world
    client.force_login(w["buyer"])
    search_url = reverse("partner_search") + "?q=" + "x"
    response = client.post(
        reverse("saved_searches"),
        {"action": "save", "q": topic_text(5), "field": "材料", "trl_min": "2", "next": search_url},
    )
    assert response.status_code == 302 and response["Location"] == search_url
    saved = SavedSearch.objects.get(user=w["buyer"])
    assert saved.filters == {"field": "材料", "trl_min": 2}
    # The same again, an empty query, a bad filter: refused with a message, nothing written.
    for data in (
        {"q": topic_text(5), "field": "材料", "trl_min": "2"},
        {"q": "  "},
        {"q": "電池", "region": "atlantis"},
        {"q": "電池", "trl_min": "7", "trl_max": "3"},
    ):
        response = client.post(reverse("saved_searches"), {"action": "save", **data}, follow=True)
        assert 'class="alert' in response.content.decode() or "error" in response.content.decode()
    assert SavedSearch.objects.filter(user=w["buyer"]).count() == 1
    with pytest.raises(ValidationError):
        saved_search_create(user=w["buyer"], query="電池", filters={"mode": "gift"})
    html = client.get(reverse("saved_searches")).content.decode()
    assert f'data-saved-search="{saved.pk}"' in html
    # Someone else's saved search cannot be touched (404).
    other = make_user(org=make_org(kind=OrgKind.COMPANY))
    client.force_login(other)
    assert (
        client.post(reverse("saved_searches"), {"action": "delete", "id": saved.pk}).status_code
        == 404
    )
    assert (
        f'data-saved-search="{saved.pk}"'
        not in client.get(reverse("saved_searches")).content.decode()
    )
    client.force_login(w["buyer"])
    client.post(reverse("saved_searches"), {"action": "alerts_off", "id": saved.pk})
    saved.refresh_from_db()
    assert saved.alerts is False
    client.post(reverse("saved_searches"), {"action": "delete", "id": saved.pk})
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()
    # The watchlist: add from the seed page, list, remove; a draft cannot be watched.
    seed = w["seeds"][2]
    client.post(reverse("seed_watch", args=[seed.pk]))
    assert WatchedSeed.objects.filter(user=w["buyer"], seed=seed).exists()
    assert seed.title in client.get(reverse("watchlist")).content.decode()
    client.post(reverse("seed_watch", args=[seed.pk]), {"action": "remove"})
    assert not WatchedSeed.objects.filter(user=w["buyer"]).exists()
    draft = make_seed(org=w["north"], status=PublicationStatus.DRAFT)
    assert client.post(reverse("seed_watch", args=[draft.pk])).status_code == 404
    assert client.get(reverse("seed_watch", args=[seed.pk])).status_code == 405


def test_the_seeds_of_a_bulk_import_alert_once_their_fan_out_ends_and_old_seeds_are_no_news(
    world, settings, django_capture_on_commit_callbacks
):
    """A bulk import ends in one full rebuild, not in a refresh per seed: the end of its
    embedding fan-out sends the alerts of all its seeds at once (matching.tasks.seeds_alerts),
    each saved search run once. A seed the search could already have found when it was saved
    (re-embedded, e.g. by a model switch) is not news."""
    from matching.services.fanout import embedding_fan_out

    w = world
    settings.MATCHING_EMBED_CHUNK = 2
    settings.MATCHING_SWEEP_REBUILD_ABOVE = 2
    old = make_seed(org=w["south"], key="old-60", title="既存の研究", summary=topic_text(60))
    wanted = saved_search_create(user=w["buyer"], query=topic_text(60))
    new = make_seed(org=w["north"], key="bulk-60", title="一括の研究 60", summary=topic_text(60))
    other = make_seed(org=w["north"], key="bulk-71", title="一括の研究 71", summary=topic_text(71))
    watch_add(user=w["buyer"], seed=w["seeds"][4])
    type(w["seeds"][4]).objects.filter(pk=w["seeds"][4].pk).update(title="研究シーズ 4 (一括改訂)")
    rows = [("seed", s.pk) for s in (old, new, other, w["seeds"][4])]
    with django_capture_on_commit_callbacks(execute=True):
        embedding_fan_out(rows=rows)
    alerts = SearchAlert.objects.filter(saved_search=wanted)
    assert list(alerts.values_list("seed__key", flat=True)) == ["bulk-60"]
    assert alerts_of(w["buyer"]).count() == 1
    assert alerts_of(w["buyer"], Kind.WATCH_ALERT).count() == 1
    # Delivered again (a worker lost before its acknowledgement): nothing new.
    from matching.services.alerts import seeds_alerts_send

    assert seeds_alerts_send(seed_ids=[old.pk, new.pk, other.pk]) == {"searches": 0, "watches": 0}
    assert alerts_of(w["buyer"]).count() == 1
