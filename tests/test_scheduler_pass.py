"""One scheduler pass as the operator sees it in the log: what it applied, queued and sent;
a step that fails is logged and the others still run; the APScheduler job makes a pass at
start-up even when its clock is far from the real one."""

from __future__ import annotations

import logging
import threading

import pytest
from sqlmodel import Session, select

from consult import scheduler
from consult.models import Consultation, Organization
from consult.models.notification import Notification
from consult.runtime import Runtime
from consult.services import notifications
from tests.conftest import Clock
from tests.helpers import post_draft, start


@pytest.fixture
def due(core: Runtime, commune: Organization, clock: Clock) -> int:
    """A consultation whose comment window ended yesterday; no scheduler has run since."""
    cid = start(core, commune)
    post_draft(core, cid)
    clock.advance(days=21)
    return cid


def state_of(runtime: Runtime, cid: int) -> str:
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, cid)
        assert consultation is not None
        return consultation.state


def queued(runtime: Runtime, cid: int) -> list[str]:
    with Session(runtime.db) as session:
        query = select(Notification.kind).where(Notification.consultation_id == cid)
        return sorted(set(session.exec(query)))


def fail(*args: object, **kwargs: object) -> None:
    raise RuntimeError("disk full")


def test_a_pass_logs_the_transitions_and_the_notices_it_queued(
    core: Runtime, due: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="consult.scheduler")
    [transition] = scheduler.tick(core)
    assert (transition.consultation_id, transition.action) == (due, "close_posting")
    assert f"consultation {due}: close_posting (consulting → synthesis)" in caplog.text
    assert "notice(s) queued" in caplog.text
    assert state_of(core, due) == "synthesis"


def test_notices_that_cannot_be_queued_do_not_stop_the_window_closing(
    core: Runtime, due: int, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notifications, "queue_due", fail)
    [transition] = scheduler.tick(core)
    assert transition.action == "close_posting" and state_of(core, due) == "synthesis"
    assert "queuing notices failed" in caplog.text and "disk full" in caplog.text
    assert queued(core, due) == []
    monkeypatch.undo()
    scheduler.tick(core)  # the next pass queues what the failed one could not
    assert queued(core, due) != []


def test_failing_e_mail_does_not_stop_the_pass(
    core: Runtime, due: int, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from consult.services import resubmissions

    monkeypatch.setattr(notifications, "deliver", fail)
    monkeypatch.setattr(resubmissions, "forget_old", fail)
    [transition] = scheduler.tick(core)
    assert transition.consultation_id == due and state_of(core, due) == "synthesis"
    assert "e-mail delivery failed" in caplog.text
    assert "citizens' e-mail failed" in caplog.text
    assert queued(core, due) != []  # the notices wait in the outbox for the next pass


def test_a_failed_reconcile_still_delivers_and_is_raised_at_the_end(
    core: Runtime, due: int, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.engine, "reconcile", fail)
    delivered: list[object] = []
    real_deliver = notifications.deliver
    monkeypatch.setattr(
        notifications, "deliver", lambda *a: delivered.append(a) or real_deliver(*a)
    )
    with pytest.raises(RuntimeError, match="disk full"):
        scheduler.tick(core)
    assert "reconcile failed" in caplog.text
    assert delivered  # e-mail went out although no transition could be applied
    assert state_of(core, due) == "consulting"


def test_the_scheduler_makes_a_pass_at_start_up_and_survives_a_failing_one(
    core: Runtime, due: int, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    passes: list[str] = []
    ran = threading.Event()
    real_tick = scheduler.tick

    def counted(runtime: Runtime) -> object:
        passes.append("pass")
        try:
            if len(passes) == 1:
                raise RuntimeError("database restarting")
            return real_tick(runtime)
        finally:
            ran.set()

    monkeypatch.setattr(scheduler, "tick", counted)
    job = scheduler.build(core, blocking=False)
    [entry] = job.get_jobs()
    assert entry.id == scheduler.JOB_ID and entry.coalesce and entry.max_instances == 1
    job.start()
    try:
        assert ran.wait(timeout=30), "no pass at start-up"
    finally:
        job.shutdown(wait=True)
    assert "reconcile pass failed" in caplog.text and "database restarting" in caplog.text
    scheduler._safe_tick(core)  # the next pass applies what is due
    assert state_of(core, due) == "synthesis"
