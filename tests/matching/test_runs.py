"""The full rebuild as a resumable state machine: chunks recorded before they are sent, every
step safe to deliver twice, the end of scoring read from the chunk rows, and the sweep that
resumes a silent run from its phase. Steps are called directly; `enqueue` is recorded instead
of run, as a broker would hold the messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import MatchRun, MatchRunChunk, MatchScore, Proposal
from matching.services.refresh import (
    match_all,
    match_run_chunk,
    match_run_finish,
    match_run_start,
    match_runs_resume,
    stale_refresh,
)
from matching.services.refresh import runs as runs_module
from profiles.choices import OrgKind
from tests.factories import make_need, make_org, make_seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]

TOPICS = [
    "全固体電池 固体電解質 硫化物 界面抵抗",
    "米粉パン グルテンフリー 食感 澱粉",
    "免震 木造住宅 ダンパ 耐震設計",
    "養殖 ブリ 病原体 迅速診断 LAMP法",
    "ペロブスカイト 太陽電池 耐久性 封止",
    "排熱回収 熱電変換 モジュール 工場",
]


@pytest.fixture
def world(settings):
    settings.MATCHING_CHUNK_SIZE = 3
    universities = [make_org(kind=OrgKind.UNIVERSITY) for _ in range(3)]
    companies = [make_org(kind=OrgKind.COMPANY) for _ in range(2)]
    for i in range(12):
        topic = TOPICS[i % len(TOPICS)]
        make_seed(org=universities[i % 3], title=f"シーズ{i} {topic[:8]}", summary=topic)
    for i in range(10):
        topic = TOPICS[(i * 5) % len(TOPICS)]
        make_need(org=companies[i % 2], title=f"ニーズ{i} {topic[:8]}", description=topic)


@pytest.fixture
def sent(monkeypatch):
    """The messages the run's steps send, in order, instead of running them."""
    messages: list[tuple] = []
    monkeypatch.setattr(runs_module, "enqueue", lambda name, *args: messages.append((name, args)))
    return messages


def _proposals() -> set[tuple[int, int, float]]:
    return {(p.need_id, p.seed_id, round(p.score, 6)) for p in Proposal.objects.all()}


def _new_run() -> MatchRun:
    return MatchRun.objects.create(kind=MatchRun.Kind.FULL)


def _chunk_numbers(messages) -> list[int]:
    return [args[1] for name, args in messages if name == "matching.tasks.match_all_chunk"]


def test_the_start_records_the_chunks_before_sending_them_and_a_second_delivery_resends_the_rest(
    world, sent
):
    run = _new_run()
    numbers = match_run_start(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING and run.phase == MatchRun.Phase.SCORE
    assert run.total_chunks == 4 == MatchRunChunk.objects.filter(run=run).count()
    assert numbers == _chunk_numbers(sent) == [0, 1, 2, 3]
    recorded = sorted(n for c in run.chunks.all() for n in c.need_ids)
    assert len(recorded) == 10 and len(set(recorded)) == 10

    match_run_chunk(run_id=run.pk, number=1)
    sent.clear()
    # Delivered again (the worker died after recording, before its messages left): the chunks
    # not done go out again, the recorded chunks stay as they are.
    assert match_run_start(run_id=run.pk) == [0, 2, 3]
    assert _chunk_numbers(sent) == [0, 2, 3]
    assert MatchRunChunk.objects.filter(run=run).count() == 4


def test_the_last_chunk_is_found_from_the_chunk_rows_not_a_counter(world, sent):
    run = _new_run()
    match_run_start(run_id=run.pk)
    for number in (0, 1, 2):
        assert match_run_chunk(run_id=run.pk, number=number) is False
    # A crash skipped the counter: it says nothing was done.
    MatchRun.objects.filter(pk=run.pk).update(done_chunks=0)
    sent.clear()

    assert match_run_chunk(run_id=run.pk, number=3) is True

    run.refresh_from_db()
    assert run.phase == MatchRun.Phase.FINISH and run.done_chunks == 4
    assert sent == [("matching.tasks.finish_run", (run.pk,))]
    # The same chunk delivered twice: no second finish.
    sent.clear()
    assert match_run_chunk(run_id=run.pk, number=3) is False
    assert sent == []


def test_steps_delivered_twice_end_with_the_proposals_of_a_clean_run(world, sent):
    clean = match_all(sync=True)
    assert clean.status == MatchRun.Status.DONE
    expected = _proposals()
    assert expected
    Proposal.objects.all().delete()
    MatchScore.objects.all().delete()

    run = _new_run()
    match_run_start(run_id=run.pk)
    match_run_start(run_id=run.pk)  # redelivered
    for number in (0, 1, 2, 3, 2, 0, 3):  # duplicates, out of order
        match_run_chunk(run_id=run.pk, number=number)
    match_run_finish(run_id=run.pk)
    match_run_finish(run_id=run.pk)  # redelivered after the end: nothing happens

    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE and run.done_chunks == run.total_chunks == 4
    assert _proposals() == expected
    assert Proposal.objects.count() == len(expected)  # none twice


def test_a_finish_cut_short_and_run_again_gives_the_same_proposals(world, sent, monkeypatch):
    match_all(sync=True)
    expected = _proposals()
    Proposal.objects.all().delete()

    run = _new_run()
    for number in match_run_start(run_id=run.pk):
        match_run_chunk(run_id=run.pk, number=number)

    def killed(**kwargs):
        raise SystemExit("kill -9")

    monkeypatch.setattr(runs_module, "partnerships_refresh", killed)
    with pytest.raises(SystemExit):
        match_run_finish(run_id=run.pk)  # proposals written, then the worker died
    monkeypatch.undo()
    monkeypatch.setattr(runs_module, "enqueue", lambda *a: None)
    match_run_finish(run_id=run.pk)

    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.DONE
    assert _proposals() == expected


def test_the_sweep_resumes_a_silent_run_from_its_phase(world, sent, settings):
    settings.MATCHING_RUN_STALL_SECONDS = 60
    long_ago = timezone.now() - timedelta(minutes=5)

    pending = _new_run()
    MatchRun.objects.filter(pk=pending.pk).update(created_at=long_ago)

    scoring = _new_run()
    match_run_start(run_id=scoring.pk)
    match_run_chunk(run_id=scoring.pk, number=0)
    MatchRun.objects.filter(pk=scoring.pk).update(progress_at=long_ago)

    finishing = _new_run()
    for number in match_run_start(run_id=finishing.pk):
        match_run_chunk(run_id=finishing.pk, number=number)
    MatchRun.objects.filter(pk=finishing.pk).update(progress_at=long_ago)

    busy = _new_run()
    match_run_start(run_id=busy.pk)  # progress just now: left alone
    sent.clear()

    resumed = match_runs_resume()

    assert sorted(resumed) == sorted([pending.pk, scoring.pk, finishing.pk])
    assert ("matching.tasks.rebuild_all", (pending.pk,)) in sent
    assert [a[1] for n, a in sent if a[0] == scoring.pk and n.endswith("chunk")] == [1, 2, 3]
    assert ("matching.tasks.finish_run", (finishing.pk,)) in sent
    assert not [a for n, a in sent if a[0] == busy.pk]
    assert MatchRun.objects.get(pk=scoring.pk).resumes == 1
    assert match_runs_resume() == []  # progress_at was touched: not resumed again at once


def test_a_run_that_keeps_stalling_fails_with_a_message(world, sent, settings):
    settings.MATCHING_RUN_STALL_SECONDS = 60
    settings.MATCHING_RUN_MAX_RESUMES = 2
    run = _new_run()
    match_run_start(run_id=run.pk)
    for _ in range(3):
        MatchRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - timedelta(minutes=5))
        match_runs_resume()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and "stalled" in run.error
    assert run.resumes == 2


def test_the_stale_sweep_resumes_instead_of_ignoring_and_starts_no_second_rebuild(
    world, sent, settings
):
    settings.MATCHING_RUN_STALL_SECONDS = 60
    run = _new_run()
    match_run_start(run_id=run.pk)
    MatchRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - timedelta(hours=3))
    sent.clear()

    result = stale_refresh()

    assert result["already_running"] and result["resumed"] == [run.pk]
    assert _chunk_numbers(sent) == [0, 1, 2, 3]
    assert MatchRun.objects.count() == 1


def test_steps_of_a_vanished_or_ended_run_do_nothing(world, sent):
    run = _new_run()
    match_run_start(run_id=run.pk)
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED)
    sent.clear()
    assert match_run_start(run_id=run.pk) == []
    assert match_run_chunk(run_id=run.pk, number=0) is False
    run.delete()
    assert match_run_start(run_id=run.pk) == []
    assert match_run_chunk(run_id=run.pk, number=0) is False
    assert match_run_finish(run_id=run.pk) is None
    assert sent == []


@pytest.mark.django_db(transaction=True)
def test_a_seed_deleted_while_being_scored_does_not_fail_the_refresh(world, monkeypatch):
    from matching.services.corpus import Corpus
    from matching.tasks import refresh_matches_for
    from profiles.models import Need, Seed

    match_all(sync=True)
    need = Need.objects.order_by("id").first()
    victim = MatchScore.objects.filter(need=need).order_by("rank").first().seed_id
    original = Corpus.rank
    deleted = []

    def rank_then_delete(self, needs, k):
        rankings = original(self, needs, k)
        if not deleted:  # the coordinator deletes the seed while the worker scores it
            Seed.objects.filter(pk=victim).delete()
            deleted.append(victim)
        return rankings

    monkeypatch.setattr(Corpus, "rank", rank_then_delete)

    result = refresh_matches_for.delay("need", need.id).get()

    assert deleted == [victim] and result == {"needs": 1}
    scores = MatchScore.objects.filter(need=need)
    assert scores.exists() and not scores.filter(seed_id=victim).exists()


def test_a_finish_that_finds_half_of_its_proposals_written_chooses_the_same_ones(settings):
    """Near-ties between assignments (similar texts) are broken the same way whether or not
    some proposals already exist: the resumed finish of a rebuild matches a clean one."""
    from matching.services.refresh import proposals_assign
    from profiles.models import Need
    from tests.factories import make_catalog

    make_catalog(seeds=60, needs=60)
    match_all(sync=True)
    expected = _proposals()
    for keep_first in (True, False):
        needs = list(Need.objects.order_by("id").values_list("id", flat=True))
        half = needs[: len(needs) // 2] if keep_first else needs[len(needs) // 2 :]
        Proposal.objects.exclude(need_id__in=half).delete()  # the crash hit half-way
        proposals_assign()
        assert _proposals() == expected
