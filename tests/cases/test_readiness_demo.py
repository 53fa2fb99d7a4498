"""The demo readiness command: illustrative, labelled, deterministic, safe to re-run."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from profiles.choices import OrgKind
from profiles.models import ReadinessProfile, ReadinessVersion, TrackRecord
from profiles.selectors.readiness import readiness_scores
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def test_demo_readiness_loads_demo_universities_only_and_says_it_is_illustrative():
    demo = make_org(key="demo-u-test", kind=OrgKind.UNIVERSITY)
    real = make_org(key="real-univ", kind=OrgKind.UNIVERSITY)
    make_org(key="demo-c-test", kind=OrgKind.COMPANY)
    call_command("load_readiness_demo")
    profile = ReadinessProfile.objects.get(organization=demo)
    assert "架空" in profile.notes
    assert not ReadinessProfile.objects.filter(organization=real).exists()
    assert ReadinessProfile.objects.count() == 1
    assert TrackRecord.objects.filter(organization=demo).count() == 3
    first = readiness_scores(org_ids=[demo.id])

    call_command("load_readiness_demo")
    assert readiness_scores(org_ids=[demo.id]) == first
    assert TrackRecord.objects.filter(organization=demo).count() == 3
    assert ReadinessVersion.objects.filter(organization=demo).count() == 2
