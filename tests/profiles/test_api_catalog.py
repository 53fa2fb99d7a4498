"""The catalog API: ownership, confidentiality, mass assignment, filters, status actions."""

from __future__ import annotations

import csv
import io

import pytest

from profiles.choices import ApprovalStatus, OrgKind, PublicationStatus
from profiles.models import Need, Seed
from tests.factories import make_need, make_org, make_seed, make_user

pytestmark = pytest.mark.django_db

SECRET = "極秘: 試作品の組成は Li6PS5Cl に 3% のヨウ素を添加"


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_another_organisation_gets_404_on_a_draft_seed(uni, other_client):
    draft = make_seed(org=uni, status=PublicationStatus.DRAFT)
    assert other_client.get(f"/api/seeds/{draft.id}/").status_code == 404


def test_lists_show_published_seeds_of_others_but_never_their_drafts_or_archived(
    uni, other_uni, other_client
):
    published = make_seed(org=uni)
    draft = make_seed(org=uni, status=PublicationStatus.DRAFT)
    archived = make_seed(org=uni, status=PublicationStatus.ARCHIVED)
    own_draft = make_seed(org=other_uni, status=PublicationStatus.DRAFT)
    ids = _ids(other_client.get("/api/seeds/?page_size=100"))
    assert published.id in ids and own_draft.id in ids
    assert draft.id not in ids and archived.id not in ids


def test_seeds_of_an_organisation_awaiting_approval_are_hidden_from_others(other_client):
    pending = make_org(kind=OrgKind.UNIVERSITY, approval_status=ApprovalStatus.PENDING)
    seed = make_seed(org=pending)
    assert other_client.get(f"/api/seeds/{seed.id}/").status_code == 404


def test_confidential_details_never_appear_for_another_organisation(uni, other_client):
    seed = make_seed(org=uni, confidential_details=SECRET, title="全固体電池の電解質")
    detail = other_client.get(f"/api/seeds/{seed.id}/")
    assert detail.status_code == 200
    assert "confidential_details" not in detail.json()
    assert SECRET not in detail.content.decode()
    listing = other_client.get("/api/seeds/")
    assert SECRET not in listing.content.decode()
    export = other_client.get("/api/seeds/export.csv")
    rows = _csv_rows(export)
    assert [r["confidential_details"] for r in rows if r["key"] == seed.key] == [""]
    assert SECRET not in export.content.decode("utf-8-sig")


def test_owner_sees_its_own_confidential_details_in_detail_and_export(uni, uni_client):
    seed = make_seed(org=uni, confidential_details=SECRET)
    assert uni_client.get(f"/api/seeds/{seed.id}/").json()["confidential_details"] == SECRET
    rows = _csv_rows(uni_client.get("/api/seeds/export.csv"))
    assert [r["confidential_details"] for r in rows if r["key"] == seed.key] == [SECRET]


def test_text_search_never_matches_confidential_text(uni, other_client, uni_client):
    make_seed(org=uni, confidential_details=SECRET)
    assert other_client.get("/api/seeds/", {"q": "ヨウ素"}).json()["count"] == 0
    assert uni_client.get("/api/seeds/", {"q": "ヨウ素"}).json()["count"] == 0


def test_search_export_and_list_of_another_org_exclude_its_drafts(uni, other_client):
    make_seed(org=uni, status=PublicationStatus.DRAFT, title="下書きの超伝導シーズ")
    assert other_client.get("/api/seeds/", {"q": "超伝導"}).json()["count"] == 0
    rows = _csv_rows(other_client.get("/api/seeds/export.csv", {"q": "超伝導"}))
    assert rows == []


def test_anonymous_need_hides_the_company_from_other_organisations(company, uni_client):
    need = make_need(org=company, is_anonymous=True, confidential_details=SECRET)
    # Not reachable by its database id (which would order it next to the company's other
    # needs); by its opaque public id it shows no company, key or id.
    assert uni_client.get(f"/api/needs/{need.id}/").status_code == 404
    body = uni_client.get(f"/api/needs/{need.public_id}/").json()
    assert body["organization"] is None and body["key"] is None and body["id"] is None
    assert body["public_id"] == str(need.public_id)
    assert body["created_at"].endswith("T00:00:00+09:00")
    assert "confidential_details" not in body
    assert uni_client.get("/api/needs/", {"region": company.region}).json()["count"] == 0
    text = uni_client.get("/api/needs/").content.decode()
    assert company.name not in text and need.key not in text
    assert uni_client.get("/api/needs/", {"organization": company.key}).json()["count"] == 0
    rows = _csv_rows(uni_client.get("/api/needs/export.csv"))
    assert rows[0]["organization_name"] == "" and rows[0]["key"] == ""


def test_anonymous_need_shows_the_company_to_the_company_itself(company, company_client):
    need = make_need(org=company, is_anonymous=True)
    body = company_client.get(f"/api/needs/{need.id}/").json()
    assert body["organization"]["key"] == company.key


def test_client_cannot_set_organisation_status_or_timestamps(uni, other_uni, uni_client):
    response = uni_client.post(
        "/api/seeds/",
        {
            "title": "光触媒による水素製造",
            "summary": "可視光で働く光触媒。",
            "organization": other_uni.id,
            "status": "published",
            "created_at": "2001-01-01T00:00:00Z",
            "published_at": "2001-01-01T00:00:00Z",
            "id": 999999,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    seed = Seed.objects.get(pk=response.json()["id"])
    assert seed.organization_id == uni.id
    assert seed.status == PublicationStatus.DRAFT
    assert seed.created_at.year > 2001 and seed.published_at is None
    assert seed.id != 999999
    assert seed.key  # generated by the server


def test_client_cannot_change_status_or_owner_by_patch(uni, other_uni, uni_client):
    seed = make_seed(org=uni, status=PublicationStatus.DRAFT)
    response = uni_client.patch(
        f"/api/seeds/{seed.id}/",
        {"status": "published", "organization": other_uni.id, "title": "新しいタイトル"},
        format="json",
    )
    assert response.status_code == 200, response.content
    seed.refresh_from_db()
    assert (seed.status, seed.organization_id, seed.title) == ("draft", uni.id, "新しいタイトル")


def test_writes_on_another_organisations_published_seed_are_404(uni, other_client):
    seed = make_seed(org=uni)
    assert other_client.patch(f"/api/seeds/{seed.id}/", {"title": "x"}).status_code == 404
    assert other_client.delete(f"/api/seeds/{seed.id}/").status_code == 404
    assert other_client.post(f"/api/seeds/{seed.id}/archive/").status_code == 404
    seed.refresh_from_db()
    assert seed.status == PublicationStatus.PUBLISHED and seed.title != "x"


def test_publishing_a_seed_enqueues_its_embedding_on_commit(
    uni, uni_client, embed_calls, django_capture_on_commit_callbacks
):
    seed = make_seed(org=uni, status=PublicationStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        response = uni_client.post(f"/api/seeds/{seed.id}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["published_at"]
    assert embed_calls == [("seed", seed.id)]


def test_a_pending_organisation_cannot_publish(uni_client, uni):
    uni.approval_status = ApprovalStatus.PENDING
    uni.save()
    seed = make_seed(org=uni, status=PublicationStatus.DRAFT)
    response = uni_client.post(f"/api/seeds/{seed.id}/publish/")
    assert response.status_code == 403
    seed.refresh_from_db()
    assert seed.status == PublicationStatus.DRAFT


def test_a_company_cannot_register_a_seed(company_client):
    response = company_client.post("/api/seeds/", {"title": "t", "summary": "s"}, format="json")
    assert response.status_code == 400 and "organization" in response.json()
    assert not Seed.objects.exists()


def test_seed_with_researchers_and_patents_round_trips(uni_client):
    payload = {
        "title": "超音波による非破壊検査",
        "summary": "配管の減肉を超音波で検出する。",
        "keywords": ["超音波", "非破壊検査", "超音波"],
        "trl": 5,
        "collaboration_modes": ["joint_research", "license"],
        "researchers": [{"name": "山田 太郎", "department": "工学研究科"}],
        "patents": [{"application_number": "特願2024-012345", "license_available": True}],
    }
    response = uni_client.post("/api/seeds/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["keywords"] == ["超音波", "非破壊検査"]
    assert body["researchers"][0]["name"] == "山田 太郎"
    assert body["patents"][0]["application_number"] == "特願2024-012345"


def test_filters_by_mode_trl_range_region_and_field(uni, other_uni, other_client):
    a = make_seed(org=uni, trl=3, collaboration_modes=["license"], field="材料")
    b = make_seed(org=other_uni, trl=7, collaboration_modes=["joint_research"], field="医療")
    assert _ids(other_client.get("/api/seeds/", {"mode": "license"})) == {a.id}
    assert _ids(other_client.get("/api/seeds/", {"trl_min": 5, "trl_max": 9})) == {b.id}
    assert _ids(other_client.get("/api/seeds/", {"region": "tohoku"})) == {a.id}
    assert _ids(other_client.get("/api/seeds/", {"field": "医療"})) == {b.id}
    assert _ids(other_client.get("/api/seeds/", {"status": "published"})) == {a.id, b.id}


def test_need_crud_for_the_company_and_trl_filter(company_client, uni_client):
    response = company_client.post(
        "/api/needs/",
        {
            "title": "工場排熱の回収",
            "description": "200℃以下の排熱を電力に変えたい。",
            "budget_min_yen": 1_000_000,
            "budget_max_yen": 5_000_000,
            "trl_min": 4,
            "trl_max": 6,
            "preferred_regions": ["chubu"],
            "collaboration_modes": ["joint_research"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    need_id = response.json()["id"]
    assert uni_client.get(f"/api/needs/{need_id}/").status_code == 404  # still a draft
    assert company_client.post(f"/api/needs/{need_id}/publish/").status_code == 200
    assert _ids(uni_client.get("/api/needs/", {"trl_min": 5})) == {need_id}
    assert _ids(uni_client.get("/api/needs/", {"trl_max": 3})) == set()


def test_anonymous_user_gets_401_or_403_and_no_rows(uni):
    from rest_framework.test import APIClient

    make_seed(org=uni)
    assert APIClient().get("/api/seeds/").status_code in (401, 403)


def test_investor_profile_upsert_is_one_per_investor():
    from rest_framework.test import APIClient

    investor = make_org(kind=OrgKind.INVESTOR)
    client = APIClient()
    client.force_authenticate(make_user(org=investor))
    first = client.post(
        "/api/investors/",
        {"thesis": "素材系ディープテックに投資", "stages": ["seed"], "regions": ["kanto"]},
        format="json",
    )
    assert first.status_code == 201, first.content
    second = client.post("/api/investors/", {"thesis": "方針を更新"}, format="json")
    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["thesis"] == "方針を更新"


def test_venture_links_only_own_seeds(uni, other_uni, uni_client):
    own = make_seed(org=uni)
    foreign = make_seed(org=other_uni)
    ok = uni_client.post(
        "/api/ventures/",
        {"name": "テスト株式会社", "summary": "事業化", "seeds": [own.id]},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["seeds"] == [own.id]
    bad = uni_client.post(
        "/api/ventures/",
        {"name": "他社株式会社", "summary": "事業化", "seeds": [foreign.id]},
        format="json",
    )
    assert bad.status_code == 400 and "seeds" in bad.json()


def test_need_is_written_with_its_organisation_from_the_session(company, company_client):
    response = company_client.post("/api/needs/", {"title": "t", "description": "d"}, format="json")
    assert response.status_code == 201
    assert Need.objects.get().organization_id == company.id


def test_errors_are_in_english_when_the_client_asks_for_english(uni, uni_client):
    response = uni_client.post(
        "/api/seeds/", {"title": "", "summary": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["title"] == ["This field may not be blank."]
    uni.approval_status = ApprovalStatus.PENDING
    uni.save()
    response = uni_client.get("/api/seeds/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == (
        "Until your organisation is approved you can see only its own profile and status."
    )
    response = uni_client.get("/api/seeds/", HTTP_ACCEPT_LANGUAGE="ja")
    assert (
        response.json()["detail"]
        == "組織が承認されるまで、自組織の情報と登録状況のみ閲覧できます。"
    )


def test_confidential_details_open_to_the_other_party_only_after_an_introduction(
    uni, company, other_uni, company_client, other_client, uni_client
):
    from django.utils import timezone

    from matching.models import Proposal

    seed = make_seed(org=uni, confidential_details=SECRET)
    need = make_need(org=company, is_anonymous=True, confidential_details="社外秘の予算配分")
    proposal = Proposal.objects.create(need=need, seed=seed, score=0.9)
    assert "confidential_details" not in company_client.get(f"/api/seeds/{seed.id}/").json()
    assert uni_client.get(f"/api/needs/{need.public_id}/").json()["organization"] is None

    proposal.introduced_at = timezone.now()
    proposal.save()
    assert company_client.get(f"/api/seeds/{seed.id}/").json()["confidential_details"] == SECRET
    body = uni_client.get(f"/api/needs/{need.id}/").json()
    assert body["confidential_details"] == "社外秘の予算配分"
    assert body["organization"]["key"] == company.key
    # A third organisation learns nothing from someone else's introduction.
    assert "confidential_details" not in other_client.get(f"/api/seeds/{seed.id}/").json()
    assert other_client.get(f"/api/needs/{need.public_id}/").json()["organization"] is None
