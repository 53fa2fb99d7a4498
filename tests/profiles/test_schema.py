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


def test_every_operation_documents_its_error_answers():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            # 401 on every operation: a wrong or deactivated token is refused even where no
            # sign-in is needed.
            assert {"400", "401", "404", "429"} <= codes, (method, path, codes)
            if (
                operation.get("security") != [{}]
                and "/api/kpi/" not in path
                and "cases" not in path
            ):
                assert {"401", "403"} <= codes or path in ("/api/register/", "/api/auth/token/")


def test_unknown_api_addresses_and_missing_tokens_answer_json():
    client = APIClient()
    missing = client.get("/api/no-such-thing/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert "detail" in missing.json()
    anonymous = client.get("/api/seeds/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Token")


def test_page_size_is_honoured_up_to_its_documented_maximum_on_every_list():
    from profiles.choices import OrgKind
    from tests.factories import make_org, make_seed, make_user

    uni = make_org(kind=OrgKind.UNIVERSITY)
    for _ in range(5):
        make_seed(org=uni)
    api = APIClient()
    api.force_authenticate(make_user(org=uni))
    assert len(api.get("/api/seeds/", {"page_size": 2}).json()["results"]) == 2
    huge = api.get("/api/seeds/", {"page_size": 144115188075855871})
    assert huge.status_code == 200 and len(huge.json()["results"]) == 5
    assert api.get("/api/proposals/", {"page_size": 1}).status_code == 200
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    page_size = next(
        p for p in schema["paths"]["/api/seeds/"]["get"]["parameters"] if p["name"] == "page_size"
    )
    assert page_size["schema"]["maximum"] == 100


@pytest.mark.parametrize("text", ["\u0011title", "escape \u001b[31m", "nul \x00"])
def test_control_characters_are_refused_in_api_text_and_page_forms(text, client):
    from profiles.choices import OrgKind
    from profiles.models import Seed
    from tests.factories import make_org, make_user

    uni = make_org(kind=OrgKind.UNIVERSITY)
    user = make_user(org=uni)
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/seeds/", {"title": text, "summary": "概要"}, format="json")
    assert response.status_code == 400 and "title" in response.json()
    client.force_login(user)
    page = client.post(
        "/seeds/new/",
        {
            "title": text,
            "summary": "概要",
            "language": "ja",
            "capacity": 2,
            "researchers-TOTAL_FORMS": 0,
            "researchers-INITIAL_FORMS": 0,
            "patents-TOTAL_FORMS": 0,
            "patents-INITIAL_FORMS": 0,
        },
    )
    if "\x00" in text:
        assert page.status_code == 400  # NUL in any form value: refused before the view
    else:
        assert page.status_code == 200 and 'id="id_title_error"' in page.content.decode()
    assert not Seed.objects.exists()


def test_a_researcher_needs_a_name_whatever_the_path():
    from profiles.choices import OrgKind
    from profiles.models import Seed
    from tests.factories import make_org, make_user

    uni = make_org(kind=OrgKind.UNIVERSITY)
    api = APIClient()
    api.force_authenticate(make_user(org=uni))
    response = api.post(
        "/api/seeds/",
        {"title": "t", "summary": "s", "researchers": [{"name": "   "}]},
        format="json",
    )
    assert response.status_code == 400
    assert not Seed.objects.exists()


def test_a_deactivated_token_is_refused_with_the_documented_401_on_open_operations():
    from rest_framework.authtoken.models import Token

    from profiles.choices import OrgKind
    from tests.factories import make_org, make_user

    user = make_user(org=make_org(kind=OrgKind.COMPANY))
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/kpi/", "/api/cases/"):
        response = api.get(path)
        assert response.status_code == 401, path
        assert "401" in schema["paths"][path]["get"]["responses"]
