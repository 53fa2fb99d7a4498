"""Search in relevance bands (hashing embedder, the topic corpus and a calibration stored for
it): strong / possible / weak from the calibrated value, the list stops at the floor with a
"show weaker matches" link, sorting and pages, on the service, the page and the API."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from matching.services.relevance import relevance_band
from matching.services.search import search
from profiles.choices import OrgKind
from tests.factories import (
    make_org,
    make_seed,
    make_topic_world,
    make_user,
    publish_search_index,
    store_hashing_calibration,
    topic_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]

QUERY = topic_text(0)


@pytest.fixture
def world():
    w = make_topic_world()
    # Five of the query's eight words: close, but less than the topic's own seed.
    partial = " ".join(topic_text(0).split()[:5] + topic_text(500).split()[:3])
    w["partial"] = make_seed(org=w["south"], key="partial-seed", summary=partial, keywords=[])
    # p = sigmoid(-7 + 3 z): the topic's seed (z ≈ 3.9) is strong, the partial one (z ≈ 2.6)
    # possible, every other seed (z < 1) weak.
    store_hashing_calibration(intercept=-7.0, slope=3.0)
    w["user"] = make_user(org=make_org(kind=OrgKind.COMPANY))
    publish_search_index()
    return w


def test_search_stops_at_the_floor_and_says_how_many_weaker_matches_it_left_out(world):
    found = search(user=world["user"], text=QUERY)
    assert found.calibrated
    assert [h.seed.key for h in found.hits] == ["topic-seed-0", "partial-seed"]
    assert [h.band for h in found.hits] == ["strong", "possible"]
    assert found.weaker == 23  # every other seed of the corpus
    for hit in found.hits:
        assert hit.band == relevance_band(hit.relevance) and hit.relevance >= 0.4
    everything = search(user=world["user"], text=QUERY, include_weak=True)
    assert everything.weaker == 0 and len(everything.hits) == 25
    assert [h.seed.key for h in everything.hits[:2]] == ["topic-seed-0", "partial-seed"]
    assert {h.band for h in everything.hits[2:]} == {"weak"}
    assert all(h.relevance < 0.4 for h in everything.hits[2:])


def test_search_sorts_by_trl_and_newest_without_changing_what_is_listed(world):
    by_score = search(user=world["user"], text=QUERY, include_weak=True)
    by_trl = search(user=world["user"], text=QUERY, include_weak=True, sort="trl")
    assert {h.seed.pk for h in by_trl.hits} == {h.seed.pk for h in by_score.hits}
    trls = [h.seed.trl for h in by_trl.hits]
    known = [t for t in trls if t is not None]
    assert known == sorted(known, reverse=True) and trls[: len(known)] == known
    newest = search(user=world["user"], text=QUERY, include_weak=True, sort="newest")
    assert newest.hits[0].seed.key == "partial-seed"  # created last


def test_an_uncalibrated_model_shows_no_bands_and_hides_nothing(world):
    from matching.models import RelevanceCalibration

    RelevanceCalibration.objects.all().delete()
    found = search(user=world["user"], text=QUERY)
    assert not found.calibrated and found.weaker == 0 and len(found.hits) == 25
    assert {h.band for h in found.hits} == {None}


def test_the_search_page_shows_bands_a_weaker_link_and_pages(world, client):
    client.force_login(world["user"])
    html = client.get(reverse("partner_search"), {"q": QUERY}).content.decode()
    assert re.findall(r'data-seed-key="([^"]+)" data-band="(\w+)"', html) == [
        ("topic-seed-0", "strong"),
        ("partial-seed", "possible"),
    ]
    assert 'data-testid="show-weaker"' in html and "(23 件)" in html
    link = re.search(r'data-testid="show-weaker"><a class="btn btn-sm" href="\?([^"]+)"', html)
    weak_url = reverse("partner_search") + "?" + link.group(1).replace("&amp;", "&")
    page1 = client.get(weak_url).content.decode()
    keys1 = re.findall(r'data-seed-key="([^"]+)"', page1)
    assert len(keys1) == 10 and keys1[:2] == ["topic-seed-0", "partial-seed"]
    assert 'data-band="weak"' in page1 and 'data-testid="show-weaker"' not in page1
    page2 = client.get(weak_url + "&page=2").content.decode()
    keys2 = re.findall(r'data-seed-key="([^"]+)"', page2)
    page3 = client.get(weak_url + "&page=3").content.decode()
    keys3 = re.findall(r'data-seed-key="([^"]+)"', page3)
    assert len(keys2) == 10 and len(keys3) == 5
    assert len(set(keys1) | set(keys2) | set(keys3)) == 25
    assert 'start="11"' in page2  # the list keeps counting across pages
    # A signal that took its default (no region preference) is not shown as evidence.
    assert 'data-signal="region"' not in html and 'data-testid="defaulted-signals"' in html
    assert 'data-testid="relevance"' in html


def test_the_search_api_pages_and_includes_weak_matches_on_request(world, api_client):
    api_client.force_authenticate(world["user"])
    url = reverse("matching-api-search-seeds")
    body = api_client.get(url, {"q": QUERY}).json()
    assert body["total"] == 2 and body["weaker"] == 23 and body["calibrated"] is True
    assert [r["band"] for r in body["results"]] == ["strong", "possible"]
    assert "region" in body["results"][0]["defaults"]
    page = api_client.get(url, {"q": QUERY, "include_weak": "true", "limit": 10, "page": 3})
    body = page.json()
    assert body["total"] == 25 and body["count"] == 5 and body["page"] == 3
    assert {r["band"] for r in body["results"]} == {"weak"}
    bad = api_client.get(url, {"q": QUERY, "sort": "random"})
    assert bad.status_code == 400 and "sort" in bad.json()
