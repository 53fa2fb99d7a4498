"""Pages of the calibrated relevance through Django's test client: explanations show what the
score means and leave out signals that only took a default, the company dashboard flags a
need without a good match, and every new page has English for each of its own words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from matching.models import Proposal
from matching.models.results import ProposalStatus
from matching.services.refresh import match_all
from profiles.models import Need, Organization, Seed
from tests.factories import (
    make_admin,
    make_need,
    make_seed,
    make_topic_world,
    make_user,
    store_hashing_calibration,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]+")


def _proposal(need, seed, *, defaults, relevance):
    return Proposal.objects.create(
        need=need,
        seed=seed,
        score=5.1,
        relevance=relevance,
        status=ProposalStatus.APPROVED,
        signals={"semantic": 4.2, "mode": 0.5, "trl": 0.5, "region": 0.3, "capacity": 0.3},
        explanation={"shared_terms": ["battery"], "defaults": defaults},
    )


def test_an_explanation_says_what_the_score_means_and_hides_defaulted_signals(client):
    seed, need = make_seed(), make_need()
    user = make_user(org=need.organization)
    client.force_login(user)
    known = _proposal(need, seed, defaults=["region"], relevance=0.93)
    html = client.get(reverse("proposal_detail", args=[known.pk])).content.decode()
    signals = re.findall(r'data-signal="(\w+)"', html)
    assert signals[0] == "semantic"  # the largest first
    assert set(signals) == {"semantic", "mode", "trl", "capacity"}  # region took its default
    assert 'data-band="strong"' in html and "関連度 93%" in html
    assert "希望地域" in html.split('data-testid="defaulted-signals"')[1][:200]
    unknown = _proposal(need, make_seed(), defaults=["trl", "region"], relevance=0.05)
    html = client.get(reverse("proposal_detail", args=[unknown.pk])).content.decode()
    assert set(re.findall(r'data-signal="(\w+)"', html)) == {"semantic", "mode", "capacity"}
    assert 'data-band="weak"' in html
    # A proposal of an uncalibrated model: no band, and the words say the score is relative.
    old = _proposal(need, make_seed(), defaults=[], relevance=None)
    html = client.get(reverse("proposal_detail", args=[old.pk])).content.decode()
    assert "data-band" not in html and "未校正" in html


def test_the_company_dashboard_flags_a_need_with_no_good_match(client):
    w = make_topic_world()
    store_hashing_calibration()
    match_all(sync=True)
    client.force_login(make_user(org=w["company"]))
    html = client.get(reverse("dashboard")).content.decode()
    assert html.count('data-testid="need-no-match"') == 1
    assert reverse("need_matches", args=[w["unserved"].pk]) in html
    client.force_login(make_user(org=w["north"]))
    html = client.get(reverse("dashboard")).content.decode()
    assert re.search(r'data-testid="unmet-needs-card">.*?<span class="count">2</span>', html, re.S)


def test_the_new_pages_in_english_show_no_japanese_of_their_own(client):
    from profiles.choices import PREFECTURE_REGION

    w = make_topic_world()
    Seed.objects.update(field="materials")
    Need.objects.update(field="materials")
    for n, obj in enumerate(Seed.objects.all()):
        obj.title = f"Seed {n}"
        obj.save(update_fields=["title"])
    for obj in Need.objects.all():
        obj.title = f"Need {obj.key}"
        obj.save(update_fields=["title"])
    for org in Organization.objects.all():
        org.name = f"Organisation {org.pk}"
        org.save(update_fields=["name"])
    store_hashing_calibration()
    match_all(sync=True)
    proposal = Proposal.objects.filter(need=w["served"]).first()
    admin = make_admin()
    company = make_user(org=w["company"])
    office = make_user(org=w["north"])
    pages = {
        company: [
            ("need_matches", w["unserved"].pk),
            ("need_matches", w["served"].pk),
            "dashboard",
            ("partner_search", None, {"q": "raqidohu rekepoji"}),
            ("partner_search", None, {"q": "raqidohu rekepoji", "weak": "1"}),
        ],
        office: ["unmet_needs", ("unmet_needs", None, {"field": "all"}), "dashboard"],
        admin: [
            "console_uncovered",
            ("console_uncovered", None, {"field": "materials"}),
            "console_quality",
            "console_queue",
            ("proposal_detail", proposal.pk),
            ("need_matches", w["unserved"].pk),
        ],
    }
    allowed = {"産", "日本語", *PREFECTURE_REGION}
    found: dict[str, list[str]] = {}
    for user, names in pages.items():
        client.force_login(user)
        client.cookies["django_language"] = "en"
        for name in names:
            if isinstance(name, str):
                name = (name, None)
            args = [name[1]] if name[1] is not None else []
            url = reverse(name[0], args=args)
            response = client.get(url, name[2] if len(name) > 2 else {})
            assert response.status_code == 200, url
            html = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
            leftovers = sorted(set(JAPANESE.findall(re.sub(r"<[^>]+>", " ", html))) - allowed)
            if leftovers:
                found[f"{url} {name[2:]}"] = leftovers
    assert found == {}
