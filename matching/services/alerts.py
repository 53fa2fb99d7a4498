"""Saved searches and the watchlist of seeds, and the alerts they send.

- `saved_search_create(*, user, query, filters, name)`: the search page's text and filters,
  checked as the search form checks them (at most SAVED_SEARCHES_MAX per person; the same
  query and filters twice are refused). `saved_search_delete`, `saved_search_set_alerts`.
- `watch_add(*, user, seed)` / `watch_remove`: a seed the person may see (published, of an
  approved organisation); the watch remembers the version of the seed's public content.
- `seed_alerts_send(*, seed_id)` (task `matching.tasks.seed_alerts`, enqueued after a seed's
  refresh, so the seed has its vector) and `seeds_alerts_send(*, seed_ids)` (task
  `matching.tasks.seeds_alerts`, enqueued when the embedding fan-out of a bulk import ends;
  each saved search then runs once for the whole batch): the worker publishes the search index of the current
  corpus (`search_index.index_publish`, which then holds the seed) and loads it; every saved
  search with alerts on is run as its owner
  (the same `search` as the page, down to the relevance floor, MAX_LIMIT hits) and, when the
  seed is among the hits, its owner hears of it once per version of the seed's public content
  (`SearchAlert` row + `search_alert` notification, both unique); every watcher whose watch
  holds an older version hears that the seed changed (`watch_alert`). Nothing is sent for a
  seed that is not published, nor to members of the seed's own organisation, and a saved
  search hears only of seeds saved after it was (a model switch re-embeds old seeds: no news).

The version is a hash of the public fields a reader compares (title, summary, keywords,
field, TRL, collaboration modes): saving a seed without changing them alerts nobody.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.text import has_control_characters
from matching.models import SavedSearch, SearchAlert, WatchedSeed
from profiles.access import org_of
from profiles.choices import (
    TRL_MAX,
    TRL_MIN,
    ApprovalStatus,
    CollaborationMode,
    PublicationStatus,
    Region,
)
from profiles.models import Seed
from profiles.selectors.catalog import seeds_visible_to

from . import notices
from .search import MAX_LIMIT, search

SAVED_SEARCHES_MAX = 50
FILTER_KEYS = ("field", "region", "trl_min", "trl_max", "mode")


def seed_version(seed: Seed) -> str:
    """A hash of the seed's public content as a reader sees it."""
    content = [
        seed.title,
        seed.summary,
        list(seed.keywords or []),
        seed.field,
        seed.trl,
        sorted(seed.collaboration_modes or []),
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# --- Saved searches ----------------------------------------------------------------------------


def clean_filters(filters: dict | None) -> dict:
    """The search filters to keep (empty ones left out), checked like the search form's."""
    out: dict = {}
    for key, value in (filters or {}).items():
        if key not in FILTER_KEYS or value in (None, ""):
            continue
        if key in ("trl_min", "trl_max"):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValidationError({key: [_("整数を入力してください。")]})
            if not TRL_MIN <= value <= TRL_MAX:
                raise ValidationError({key: [_("TRL は 1〜9 で指定してください。")]})
        elif key == "region" and value not in Region.values:
            raise ValidationError({key: [_("地域の値が不正です。")]})
        elif key == "mode" and value not in CollaborationMode.values:
            raise ValidationError({key: [_("連携形態の値が不正です。")]})
        elif key == "field":
            value = str(value).strip()[:100]
            if has_control_characters(value):
                raise ValidationError({key: [_("使用できない制御文字が含まれています。")]})
        out[key] = value
    if out.get("trl_min") and out.get("trl_max") and out["trl_min"] > out["trl_max"]:
        raise ValidationError({"trl_max": [_("TRLの上限は下限以上にしてください。")]})
    return out


@transaction.atomic
def saved_search_create(
    *, user, query: str, filters: dict | None = None, name: str = ""
) -> SavedSearch:
    query = (query or "").strip() if isinstance(query, str) else ""
    if not query:
        raise ValidationError({"q": [_("検索語を入力してください。")]})
    if len(query) > 500 or has_control_characters(query):
        raise ValidationError({"q": [_("検索語は制御文字を含まない 500 文字以内です。")]})
    name = (name or "").strip() if isinstance(name, str) else ""
    if has_control_characters(name):
        raise ValidationError({"name": [_("使用できない制御文字が含まれています。")]})
    name = (name or query)[:100]
    filters = clean_filters(filters)
    if SavedSearch.objects.filter(user=user).count() >= SAVED_SEARCHES_MAX:
        raise ValidationError(
            {"q": [_("保存できる検索は %(n)d 件までです。") % {"n": SAVED_SEARCHES_MAX}]}
        )
    if SavedSearch.objects.filter(user=user, query=query, filters=filters).exists():
        raise ValidationError({"q": [_("同じ条件の検索はすでに保存されています。")]})
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(user=user, name=name, query=query, filters=filters)
    except IntegrityError:
        raise ValidationError({"q": [_("同じ条件の検索はすでに保存されています。")]})


def saved_search_delete(*, saved_search: SavedSearch, by) -> None:
    if saved_search.user_id != by.pk:
        raise ValueError("not the owner")
    saved_search.delete()


def saved_search_set_alerts(*, saved_search: SavedSearch, by, alerts: bool) -> SavedSearch:
    if saved_search.user_id != by.pk:
        raise ValueError("not the owner")
    saved_search.alerts = bool(alerts)
    saved_search.save(update_fields=["alerts"])
    return saved_search


# --- Watchlist ---------------------------------------------------------------------------------


@transaction.atomic
def watch_add(*, user, seed: Seed) -> WatchedSeed:
    seed = (
        seeds_visible_to(user=user).filter(pk=seed.pk, status=PublicationStatus.PUBLISHED).first()
    )
    if seed is None:
        raise ValidationError({"seed": [_("この研究シーズは公開されていません。")]})
    watch, _created = WatchedSeed.objects.get_or_create(
        user=user, seed=seed, defaults={"version": seed_version(seed)}
    )
    return watch


def watch_remove(*, user, seed: Seed) -> int:
    return WatchedSeed.objects.filter(user=user, seed=seed).delete()[0]


# --- Alerts ------------------------------------------------------------------------------------


def _alive(user) -> bool:
    org = org_of(user)
    return user.is_active and org is not None and org.is_approved


def _index_with_the_seed() -> None:
    from matching.services.embedding import get_embedder
    from matching.services.search_index import index_publish, published_index

    model_id = get_embedder().model_id
    index_publish(model_id=model_id, wait=True)
    published_index(model_id=model_id, check_seconds=0)


def seed_alerts_send(*, seed_id: int) -> dict:
    """Alerts for one published or changed seed (see the module docstring)."""
    return seeds_alerts_send(seed_ids=[seed_id])


def _watch_alerts(seed: Seed, version: str) -> int:
    sent = 0
    for watch in (
        WatchedSeed.objects.filter(seed=seed).exclude(version=version).select_related("user")
    ):
        with transaction.atomic():
            locked = WatchedSeed.objects.select_for_update().filter(pk=watch.pk).first()
            if locked is None or locked.version == version:
                continue
            locked.version = version
            locked.save(update_fields=["version"])
            if _alive(watch.user) and org_of(watch.user).pk != seed.organization_id:
                notices.watch_alert_notify(watch=watch, seed=seed, version=version)
                sent += 1
    return sent


def seeds_alerts_send(*, seed_ids) -> dict:
    """Alerts for published or changed seeds: one seed after its refresh, or every seed of a
    bulk import at the end of its embedding fan-out (task `matching.tasks.seeds_alerts`).
    Each saved search runs once for the whole batch, whatever its size. A saved search hears
    only of seeds saved since it was itself saved (a seed it could already have found is not
    news, even when a model switch re-embeds it)."""
    seeds = {
        seed.pk: seed
        for seed in Seed.objects.filter(
            pk__in=list(seed_ids),
            status=PublicationStatus.PUBLISHED,
            organization__approval_status=ApprovalStatus.APPROVED,
        ).select_related("organization")
    }
    if not seeds:
        return {"searches": 0, "watches": 0}
    versions = {pk: seed_version(seed) for pk, seed in seeds.items()}
    watched = set(WatchedSeed.objects.filter(seed_id__in=seeds).values_list("seed_id", flat=True))
    watches = sum(_watch_alerts(seeds[pk], versions[pk]) for pk in sorted(watched))
    done = set(
        SearchAlert.objects.filter(seed_id__in=seeds).values_list(
            "saved_search_id", "seed_id", "version"
        )
    )
    searches = 0
    published = False
    pending = (
        SavedSearch.objects.filter(alerts=True)
        .select_related("user")
        .order_by("id")[: settings.MATCHING_SAVED_SEARCH_ALERT_LIMIT]
    )
    for saved in pending:
        user = saved.user
        if not _alive(user):
            continue
        own = org_of(user).pk
        wanted = {
            pk
            for pk, seed in seeds.items()
            if seed.organization_id != own
            and seed.updated_at >= saved.created_at
            and (saved.pk, pk, versions[pk]) not in done
        }
        if not wanted:
            continue
        if not published:
            # The task runs once the seeds have their vectors: publish the search index of the
            # current corpus (waiting for a build already under way) and load it in this
            # worker, so that every saved search below sees them.
            _index_with_the_seed()
            published = True
        f = saved.filters or {}
        results = search(
            user=user,
            text=saved.query,
            field=f.get("field") or None,
            region=f.get("region") or None,
            trl_min=f.get("trl_min"),
            trl_max=f.get("trl_max"),
            mode=f.get("mode") or None,
            limit=MAX_LIMIT,
            include_weak=False,
        )
        for hit in results.hits:
            if hit.seed.pk not in wanted:
                continue
            seed = seeds[hit.seed.pk]
            with transaction.atomic():
                _row, created = SearchAlert.objects.get_or_create(
                    saved_search=saved,
                    seed=seed,
                    version=versions[seed.pk],
                    defaults={"relevance": hit.relevance},
                )
                if created:
                    notices.search_alert_notify(
                        saved_search=saved, seed=seed, version=versions[seed.pk]
                    )
                    searches += 1
    return {"searches": searches, "watches": watches}
