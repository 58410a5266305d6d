"""The scheduler: calls :meth:`Engine.reconcile` on a timer.

The database is the source of truth: each window stores its absolute closing instant, and
a pass applies every transition that is due, whatever was missed while nothing ran. So the
APScheduler job needs no persistent job store: an in-memory store, one job with a fixed id,
``coalesce=True`` (a backlog of missed runs becomes one pass), ``max_instances=1`` (passes
never overlap in one process) and no misfire grace limit (a late pass still runs). Several
scheduler processes may run at once; the compare-and-set in the engine applies each
transition once.
"""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from consult.runtime import Runtime
from consult.workflow.engine import Transition

log = logging.getLogger("consult.scheduler")
JOB_ID = "consult-reconcile"


def tick(runtime: Runtime) -> list[Transition]:
    """One reconcile pass at the runtime's clock."""
    applied = runtime.engine.reconcile(runtime.db, runtime.now())
    for transition in applied:
        log.info(
            "consultation %s: %s (%s → %s)",
            transition.consultation_id,
            transition.action,
            transition.source,
            transition.target,
        )
    return applied


def _safe_tick(runtime: Runtime) -> None:
    try:
        tick(runtime)
    except Exception:  # a failing pass must not stop the scheduler; the next one retries
        log.exception("reconcile pass failed")


def build(runtime: Runtime, *, blocking: bool) -> BaseScheduler:
    scheduler: BaseScheduler = (BlockingScheduler if blocking else BackgroundScheduler)(
        timezone=UTC
    )
    scheduler.add_job(
        _safe_tick,
        IntervalTrigger(seconds=runtime.settings.scheduler_interval, timezone=UTC),
        args=[runtime],
        id=JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        next_run_time=runtime.now(),
    )
    return scheduler
