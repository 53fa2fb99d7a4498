"""Venture pages (大学発ベンチャー): a university registers and edits its spin-offs; other
organisations get 403 (wrong kind) or 404 (another university's venture)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from profiles.choices import OrgKind, PublicationStatus, Stage
from profiles.models import Venture
from tests.factories import make_org, make_seed, make_user, make_venture

from .test_pages import field_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def uni():
    return make_org(kind=OrgKind.UNIVERSITY, name="東都大学")


@pytest.fixture
def uni_user(uni):
    return make_user(org=uni)


def _data(**kw) -> dict:
    data = {
        "name": "ソリッドセル株式会社",
        "summary": "硫化物系固体電解質を量産する大学発ベンチャー。",
        "stage": Stage.SEED,
        "seeks": "シード資金と車載メーカーとの実証",
        "status": PublicationStatus.PUBLISHED,
    }
    data.update(kw)
    return data


def test_university_registers_a_venture_linked_to_its_own_seed(client, uni, uni_user):
    seed = make_seed(org=uni, title="全固体電池の固体電解質")
    client.force_login(uni_user)
    page = client.get(reverse("venture_create"))
    assert page.status_code == 200 and "全固体電池の固体電解質" in page.content.decode()
    response = client.post(reverse("venture_create"), _data(seeds=[seed.pk]))
    venture = Venture.objects.get(organization=uni)
    assert response["Location"] == reverse("venture_edit", args=[venture.pk])
    assert venture.name == "ソリッドセル株式会社" and venture.seeks.startswith("シード資金")
    assert list(venture.seeds.all()) == [seed]
    assert venture.status == PublicationStatus.PUBLISHED
    listing = client.get(reverse("venture_list")).content.decode()
    assert "ソリッドセル株式会社" in listing and f'data-venture-key="{venture.key}"' in listing


def test_university_edits_its_venture_and_archives_it(client, uni, uni_user):
    seed = make_seed(org=uni)
    venture = make_venture(org=uni, name="旧社名株式会社")
    venture.seeds.add(seed)
    client.force_login(uni_user)
    page = client.get(reverse("venture_edit", args=[venture.pk])).content.decode()
    assert "旧社名株式会社" in page
    response = client.post(
        reverse("venture_edit", args=[venture.pk]),
        _data(name="新社名株式会社", stage=Stage.SERIES_A, seeds=[], status="archived"),
    )
    assert response.status_code == 302
    venture.refresh_from_db()
    assert venture.name == "新社名株式会社" and venture.stage == Stage.SERIES_A
    assert venture.status == PublicationStatus.ARCHIVED
    assert not venture.seeds.exists()


def test_missing_name_and_another_universitys_seed_show_errors_next_to_the_fields(
    client, uni, uni_user
):
    foreign = make_seed(org=make_org(kind=OrgKind.UNIVERSITY))
    client.force_login(uni_user)
    response = client.post(
        reverse("venture_create"), _data(name="", seeds=[foreign.pk], summary="残る概要")
    )
    assert response.status_code == 200
    assert field_errors(response, "name")
    assert field_errors(response, "seeds")
    assert "残る概要" in response.content.decode()  # nothing typed is lost
    assert not Venture.objects.exists()


def test_another_university_gets_404_and_a_company_gets_403(client, uni):
    venture = make_venture(org=uni)
    other = make_user(org=make_org(kind=OrgKind.UNIVERSITY))
    client.force_login(other)
    assert client.get(reverse("venture_edit", args=[venture.pk])).status_code == 404
    assert client.post(reverse("venture_edit", args=[venture.pk]), _data()).status_code == 404
    assert venture.name not in client.get(reverse("venture_list")).content.decode()
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    assert client.get(reverse("venture_list")).status_code == 403
    assert client.get(reverse("venture_create")).status_code == 403
    assert client.get(reverse("venture_edit", args=[venture.pk])).status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("venture_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_academic_menu_links_to_the_ventures(client, uni_user):
    client.force_login(uni_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("venture_list") in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_university_registers_a_venture_in_the_browser_at_phone_width(
    browser_session, screenshot_dir, hashing_embedder
):
    from .conftest import PHONE

    uni = make_org(kind=OrgKind.UNIVERSITY, name="東都大学")
    make_user(org=uni, username="tohto-venture")
    seed = make_seed(org=uni, title="全固体電池の固体電解質")
    session = browser_session(viewport=PHONE)
    session.login("tohto-venture")
    session.goto(reverse("venture_create"))
    session.page.fill("#id_name", "ソリッドセル株式会社")
    session.page.fill("#id_summary", "硫化物系固体電解質を量産する大学発ベンチャー。")
    session.page.fill("#id_seeks", "シード資金")
    session.page.check(f"input[name=seeds][value='{seed.pk}']")
    session.page.screenshot(path=str(screenshot_dir / "university-venture-form-phone.png"))
    with session.page.expect_navigation():
        session.page.click("[data-testid=venture-form] button[type=submit]")
    venture = Venture.objects.get(organization=uni)
    assert list(venture.seeds.all()) == [seed]
    session.goto(reverse("venture_list"))
    assert "ソリッドセル株式会社" in session.page.inner_text("main")
    session.page.screenshot(
        path=str(screenshot_dir / "university-venture-list-phone.png"), full_page=True
    )
    assert not session.errors, session.errors
