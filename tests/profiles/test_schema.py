"""The OpenAPI schema is served, valid, and documents the catalog endpoints."""

from __future__ import annotations

import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_schema_endpoint_returns_a_valid_openapi_document():
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    paths = schema["paths"]
    for path in (
        "/api/seeds/",
        "/api/seeds/{id}/",
        "/api/seeds/{id}/publish/",
        "/api/needs/",
        "/api/investors/",
        "/api/ventures/",
        "/api/organizations/me/",
        "/api/members/",
        "/api/register/",
        "/api/auth/token/",
        "/api/seeds/export.csv",
        "/api/seeds/import/",
        "/api/needs/import/",
    ):
        assert path in paths, path
    seed_props = schema["components"]["schemas"]["Seed"]["properties"]
    assert seed_props["status"]["readOnly"] is True
    assert seed_props["organization"]["readOnly"] is True


def test_interactive_docs_page_is_served():
    assert APIClient().get("/api/docs/").status_code == 200
