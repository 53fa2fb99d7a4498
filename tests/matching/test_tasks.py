"""The periodic sweep, a model switch, and weights learned from feedback."""

from __future__ import annotations

import pytest

from matching.models import EmbeddingVector, MatchRun, MatchScore, Proposal
from matching.models.results import ProposalStatus
from matching.services.embedding import get_embedder, reset_embedder
from matching.services.evaluation import weights_learn
from matching.services.refresh import match_all
from matching.services.weights import active_weights
from matching.tasks import refresh_stale
from profiles.choices import OrgKind
from tests.factories import make_need, make_org, make_seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


@pytest.fixture
def pair():
    seed = make_seed(
        org=make_org(kind=OrgKind.UNIVERSITY),
        title="養殖魚の疾病迅速診断",
        summary="LAMP法 養殖 ブリ 病原体 迅速診断",
    )
    need = make_need(
        org=make_org(kind=OrgKind.COMPANY),
        title="養殖魚の病原体を現場で診断",
        description="養殖 ブリ 病原体 迅速診断 LAMP法",
    )
    return seed, need


def test_stale_sweep_embeds_rows_whose_task_was_lost_and_proposes_them(pair):
    seed, need = pair  # created without any task having run

    result = refresh_stale()

    assert result["seed"] == 1 and result["need"] == 1
    assert Proposal.objects.filter(need=need, seed=seed).exists()
    assert refresh_stale()["seed"] == 0  # nothing stale the second time


def test_switching_the_model_rebuilds_with_the_new_model_only(
    pair, settings, django_capture_on_commit_callbacks
):
    seed, need = pair
    match_all(sync=True)
    old = get_embedder().model_id

    settings.MATCHING_MODEL = "512"
    reset_embedder()
    new = get_embedder().model_id
    assert new != old
    with django_capture_on_commit_callbacks(execute=True):
        refresh_stale()  # enqueues the rebuild on commit; eager without a broker

    assert set(MatchScore.objects.values_list("model_id", flat=True)) == {new}
    assert MatchRun.objects.filter(status=MatchRun.Status.DONE, model_id=new).exists()
    # Old vectors stay (switching back is cheap) but are never read for the new model.
    assert EmbeddingVector.objects.filter(model_id=old).exists()
    assert EmbeddingVector.objects.get(kind="seed", object_id=seed.id, model_id=new).dim == 512


def test_weights_are_learned_from_reviewed_proposals_and_used_when_enabled(settings):
    company = make_org(kind=OrgKind.COMPANY)
    university = make_org(kind=OrgKind.UNIVERSITY)
    for i in range(40):
        good = i % 2 == 0
        Proposal.objects.create(
            need=make_need(org=company),
            seed=make_seed(org=university),
            score=1.0,
            status=ProposalStatus.APPROVED if good else ProposalStatus.SUPPRESSED,
            explanation={
                "values": {
                    "semantic": (3.0 if good else 1.0) + (i % 5) * 0.3,
                    "mode": 1.0 if good or i % 3 else 0.0,
                    "trl": 1.0,
                }
            },
        )
    assert weights_learn(min_labels=100) is None  # not enough labels yet

    learned = weights_learn(min_labels=30)

    assert learned is not None and learned["semantic"] == 1.0
    settings.MATCHING_USE_LEARNED_WEIGHTS = False
    assert active_weights()["mode"] == 0.5
    settings.MATCHING_USE_LEARNED_WEIGHTS = True
    assert active_weights()["mode"] == learned["mode"]
