"""Bad input to the catalog API is a 400 naming the field, never a 500, and writes nothing."""

from __future__ import annotations

import pytest

from profiles.models import Need, Seed, Venture
from tests.factories import make_seed

pytestmark = pytest.mark.django_db

GOOD_SEED = {"title": "光触媒", "summary": "可視光応答型の光触媒。"}
GOOD_NEED = {"title": "排熱回収", "description": "排熱を電力に変えたい。"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("trl", 0),
        ("trl", 10),
        ("trl", "four"),
        ("trl", 2**70),
        ("title", "a\x00b"),
        ("summary", "x" * 20001),
        ("title", "x" * 301),
        ("title", ["not", "a", "string"]),
        ("keywords", "not-a-list"),
        ("keywords", ["ok", "bad\x00"]),
        ("keywords", ["x" * 101]),
        ("collaboration_modes", ["telepathy"]),
        ("language", "fr"),
        ("capacity", -1),
        ("capacity", 2**70),
        ("key", "has space"),
        ("key", "k\x00"),
        ("researchers", [{"name": "x\x00"}]),
        ("researchers", "nobody"),
        ("patents", [{"application_number": "y" * 101}]),
    ],
)
def test_bad_seed_field_is_a_400_naming_the_field_and_nothing_is_written(uni_client, field, value):
    response = uni_client.post("/api/seeds/", {**GOOD_SEED, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Seed.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("budget_min_yen", -1),
        ("budget_max_yen", -500),
        ("budget_max_yen", 2**70),
        ("budget_max_yen", "a lot"),
        ("trl_min", 0),
        ("trl_max", 10),
        ("duration_months", 0),
        ("preferred_regions", ["atlantis"]),
        ("is_anonymous", "perhaps"),
        ("description", "\x00"),
    ],
)
def test_bad_need_field_is_a_400_naming_the_field(company_client, field, value):
    response = company_client.post("/api/needs/", {**GOOD_NEED, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Need.objects.exists()


def test_inverted_ranges_are_a_400_naming_the_upper_bound(company_client):
    response = company_client.post(
        "/api/needs/",
        {**GOOD_NEED, "budget_min_yen": 5_000_000, "budget_max_yen": 1_000_000},
        format="json",
    )
    assert response.status_code == 400 and "budget_max_yen" in response.json()
    response = company_client.post(
        "/api/needs/", {**GOOD_NEED, "trl_min": 7, "trl_max": 3}, format="json"
    )
    assert response.status_code == 400 and "trl_max" in response.json()
    assert not Need.objects.exists()


def test_missing_required_fields_are_named(uni_client):
    response = uni_client.post("/api/seeds/", {}, format="json")
    assert response.status_code == 400
    assert {"title", "summary"} <= set(response.json())


def test_ids_out_of_range_are_404_or_400_never_500(uni, uni_client):
    assert uni_client.get(f"/api/seeds/{2**70}/").status_code == 404
    assert uni_client.get("/api/seeds/99999999999999999/").status_code == 404
    response = uni_client.post(
        "/api/ventures/", {"name": "v", "summary": "s", "seeds": [2**70]}, format="json"
    )
    assert response.status_code == 400 and "seeds" in response.json()
    assert not Venture.objects.exists()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"trl_min": 0}, "trl_min"),
        ({"trl_max": 10}, "trl_max"),
        ({"trl_min": "abc"}, "trl_min"),
        ({"trl_min": str(2**70)}, "trl_min"),
        ({"mode": "telepathy"}, "mode"),
        ({"region": "mars"}, "region"),
        ({"status": "deleted"}, "status"),
        ({"q": "a\x00b"}, "q"),
        ({"field": "x" * 500}, "field"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(uni, uni_client, params, field):
    make_seed(org=uni)
    response = uni_client.get("/api/seeds/", params)
    assert response.status_code == 400, response.content
    assert field in response.json()
    export = uni_client.get("/api/seeds/export.csv", params)
    assert export.status_code == 400


def test_non_json_body_is_a_400(uni_client):
    response = uni_client.post("/api/seeds/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_user_without_organisation_cannot_create(db):
    from rest_framework.test import APIClient

    from tests.factories import make_user

    client = APIClient()
    client.force_authenticate(make_user(org=None))
    assert client.post("/api/seeds/", GOOD_SEED, format="json").status_code == 403
