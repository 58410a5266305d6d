"""The scheduler as operators run it: a separate `consult scheduler` process, stopped and
restarted, or two of them at once, against the same database."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from consult.models import Consultation, Organization, User, Window
from consult.models.notification import Notification
from consult.runtime import Runtime
from tests.schedulers import FAR, Spawn, closes_applied, drill, shorten, started, wait_for


def notices(runtime: Runtime, ids: list[int]) -> list[tuple[str, str, int | None]]:
    """(kind, username, consultation) of every notice queued for these consultations."""
    with Session(runtime.db) as session:
        query = (
            select(Notification.kind, User.username, Notification.consultation_id)
            .join(User, col(User.id) == col(Notification.user_id))
            .where(col(Notification.consultation_id).in_(ids))
        )
        return sorted((kind, name, cid) for kind, name, cid in session.exec(query))


def test_a_scheduler_stopped_during_the_window_closes_it_once_after_restart(
    live: Runtime, commune: Organization, spawn: Spawn
) -> None:
    ids = drill(live, commune)
    shorten(live, ids, FAR)
    [first] = started(live, commune, spawn, 1)  # it made a pass while the window was open
    first.send_signal(signal.SIGKILL)  # the server goes down during the open window
    first.wait(timeout=10)
    closes = shorten(live, ids, 2)  # and the window ends while it is down
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 1.0)
    assert closes_applied(live, ids) == 0  # nothing ran while it was down

    spawn()
    assert wait_for(lambda: closes_applied(live, ids) == 1, timeout=60)
    time.sleep(2.5)  # further passes change nothing
    assert closes_applied(live, ids) == 1
    # One set of notices: the closing to the reviewer and the drafter, each once.
    queued = notices(live, ids)
    assert len(queued) == len(set(queued))
    assert [(k, u) for k, u, _cid in queued if k == "window_closed"] == [
        ("window_closed", "mttq"),
        ("window_closed", "tuphap"),
    ]
    with Session(live.db) as session:
        assert session.get(Consultation, ids[0]).state == "synthesis"
        window = session.exec(
            select(Window).where(Window.consultation_id == ids[0], Window.name == "comment_window")
        ).one()
        assert window.closed_at is not None and window.closed_at >= window.closes_at


def test_two_scheduler_processes_never_apply_a_transition_twice(
    live: Runtime, commune: Organization, spawn: Spawn
) -> None:
    ids = drill(live, commune, n=6)
    shorten(live, ids, FAR)
    started(live, commune, spawn, 2)
    shorten(live, ids, 3)  # due while both run
    assert wait_for(lambda: closes_applied(live, ids) == 6, timeout=90)
    time.sleep(2.5)
    assert closes_applied(live, ids) == 6
    with Session(live.db) as session:
        versions = session.exec(
            select(Consultation.version).where(col(Consultation.id).in_(ids))
        ).all()
        assert versions == [3] * 6  # created 1, posted 2, closed 3: once each
    queued = notices(live, ids)
    assert len(queued) == len(set(queued))
    assert sum(1 for kind, _user, _cid in queued if kind == "window_closed") == 6 * 2
