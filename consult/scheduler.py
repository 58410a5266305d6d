"""The scheduler: calls :meth:`Engine.reconcile` on a timer.

The database is the source of truth: each window stores its absolute closing instant, and
a pass applies every transition that is due, whatever was missed while nothing ran. So the
APScheduler job needs no persistent job store: an in-memory store, one job with a fixed id,
``coalesce=True`` (a backlog of missed runs becomes one pass), ``max_instances=1`` (passes
never overlap in one process) and no misfire grace limit (a late pass still runs). Several
scheduler processes may run at once; the compare-and-set in the engine applies each
transition once.

After reconciling, a pass queues the notices that are due (reminders, closes, publication
deadlines, the report to the People's Council) and delivers the e-mail outbox (staff notices,
then the citizens' receipt e-mails, through the same claim and retry code); see
:mod:`consult.services.notifications`. Each step is idempotent and its failure does not stop
the others.
"""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from consult.db import write_session
from consult.runtime import Runtime
from consult.services import counts, notifications, resubmissions
from consult.services.notifications import receipt_notices
from consult.workflow.reconcile import Transition

log = logging.getLogger("consult.scheduler")
JOB_ID = "consult-reconcile"


def tick(runtime: Runtime) -> list[Transition]:
    """One pass at the runtime's clock: reconcile, queue the notices due, deliver e-mail.

    Returns the transitions applied. A failing step is logged and the next ones still run;
    a failed reconcile is raised at the end, since no list of transitions can be returned."""
    now = runtime.now()
    runtime.refresh_calendar()
    applied: list[Transition] = []
    reconcile_error: Exception | None = None
    try:
        applied = runtime.engine.reconcile(runtime.db, now)
    except Exception as exc:
        log.exception("reconcile failed")
        reconcile_error = exc
    for transition in applied:
        log.info(
            "consultation %s: %s (%s → %s)",
            transition.consultation_id,
            transition.action,
            transition.source,
            transition.target,
        )
    try:
        with write_session(runtime.db) as session:
            queued = notifications.queue_due(
                session, runtime.calendar, now, final_states=_final_states(runtime)
            )
        if queued:
            log.info("%s notice(s) queued", queued)
    except Exception:
        log.exception("queuing notices failed")
    try:
        folded = counts.refresh(runtime.db)
        if folded:
            log.info("%s opinion(s) counted", folded)
    except Exception:
        log.exception("counting opinions failed")
    try:
        report = notifications.deliver(runtime.db, runtime.settings, now)
        if report.total:
            log.info(
                "e-mail: %s sent, %s to retry, %s failed, %s not wanted",
                report.sent,
                report.retrying,
                report.failed,
                report.skipped,
            )
    except Exception:
        log.exception("e-mail delivery failed")
    try:  # the citizens' portal: responses e-mailed on request, old fingerprints forgotten
        with write_session(runtime.db) as session:
            resubmissions.forget_old(session, now)
        answered = receipt_notices.deliver(runtime.db, runtime.engine, runtime.settings, now)
        if answered:
            log.info("e-mail: %s citizen(s) told their opinion was answered", answered)
    except Exception:
        log.exception("citizens' e-mail failed")
    if reconcile_error is not None:
        raise reconcile_error
    return applied


def _final_states(runtime: Runtime) -> set[str]:
    return {state for definition in runtime.catalog.all() for state in definition.final_stages}


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
