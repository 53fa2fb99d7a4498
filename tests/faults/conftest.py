"""Fixtures of the fault drill (tests marked `faults`, run with `-m faults`; see
scripts/fault_drill.sh and docs/reliability.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection, transaction

from tests.faults.stack import ROOT, Stack

FIGURES: list[dict] = []


def record(scenario: str, **figures) -> None:
    """Keep a figure line for docs/reliability.md (printed, and written at the end)."""
    line = {"scenario": scenario, **figures}
    FIGURES.append(line)
    print("DRILL", json.dumps(line, ensure_ascii=False, default=str), flush=True)


@pytest.fixture(scope="session", autouse=True)
def _write_figures():
    yield
    if FIGURES:
        out = Path(os.environ.get("FAULT_DRILL_FIGURES", ROOT / "test-artifacts/fault-drill.json"))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(FIGURES, ensure_ascii=False, indent=1, default=str))


@pytest.fixture
def stack(transactional_db, tmp_path, settings):
    """Redis and the relay running (beat, workers and web are started by each test), with this
    process's Celery app sending to that Redis through the outbox."""
    from config.celery import app
    from outbox import relay

    drill = Stack(tmp_path)
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.broker_url = drill.broker
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app._pool = None
    app.amqp._producer_pool = None
    relay.reset_breaker()
    try:
        drill.start_redis()
        drill.start_relay()
        yield drill
    finally:
        drill.stop()
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
        relay.reset_breaker()
        connection.close()


def make_world(*, seeds: int = 60, needs: int = 60) -> None:
    from tests.factories import make_catalog

    make_catalog(seeds=seeds, needs=needs)


def clear_results() -> None:
    from matching.models import (
        InvestorMatch,
        MatchScore,
        OrganizationRanking,
        PartnershipProposal,
        Proposal,
    )

    for model in (MatchScore, OrganizationRanking, Proposal, PartnershipProposal, InvestorMatch):
        model.objects.all().delete()


def start_rebuild(*, before=None):
    """Clear every computed result (after `before()`, e.g. making the catalogue) and enqueue a
    rebuild, in one transaction: the stale sweep never sees new rows or cleared results
    without the run, so it never starts a rebuild of its own."""
    from matching.services.refresh import match_all

    with transaction.atomic():
        if before is not None:
            before()
        clear_results()
        return match_all(sync=False)


def proposals() -> set[tuple[int, int, float]]:
    from matching.models import Proposal

    return {(p.need_id, p.seed_id, round(p.score, 6)) for p in Proposal.objects.all()}


def duplicate_proposals() -> int:
    from django.db.models import Count

    from matching.models import Proposal

    return (
        Proposal.objects.values("need_id", "seed_id").annotate(n=Count("id")).filter(n__gt=1)
    ).count()
