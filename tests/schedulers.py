"""Scheduler processes on the real clock: drill consultations whose windows close in seconds,
and how a test waits for a pass to have been made."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, func, select

from consult.db import write_session
from consult.models import AuditEvent, Organization, Window
from consult.runtime import Runtime
from tests.helpers import post_draft, start

Spawn = Callable[[], "subprocess.Popen[bytes]"]

FAR = 4 * 24 * 3600
"""Seconds to a window's end that no pass acts on: beyond the 3-day reminder."""


def drill(
    runtime: Runtime, organization: Organization, n: int = 1, titles: list[str] | None = None
) -> list[int]:
    """Consultations on the drill definition, posted now: their windows close in 30 s."""
    titles = titles or [f"Diễn tập {i}" for i in range(n)]
    ids = [start(runtime, organization, "qcdc-drill", title) for title in titles]
    for cid in ids:
        post_draft(runtime, cid)
    return ids


def shorten(runtime: Runtime, ids: list[int], seconds: float) -> datetime:
    """Bring the windows' end near (test set-up only: the product never shortens a window)."""
    closes = datetime.now(UTC) + timedelta(seconds=seconds)
    # A writer as the product's are (its turn, then BEGIN IMMEDIATE): the schedulers may be
    # writing, and a read turned into a write would be refused on SQLite.
    with write_session(runtime.db) as session:
        for window in session.exec(select(Window).where(col(Window.consultation_id).in_(ids))):
            window.closes_at = closes
            session.add(window)
    return closes


def started(
    live: Runtime, commune: Organization, spawn: Spawn, n: int = 2
) -> list[subprocess.Popen[bytes]]:
    """Start ``n`` scheduler processes and wait for evidence that one of them made a pass: a
    drill consultation of its own, already due, closed. Windows brought near after this are
    closed by a later pass of running schedulers, not by the pass each makes at start-up."""
    [first] = drill(live, commune, titles=["Lượt đầu của bộ lập lịch"])
    shorten(live, [first], 0)
    processes = [spawn() for _ in range(n)]
    assert wait_for(lambda: closes_applied(live, [first]) == 1, timeout=60), "no pass was made"
    return processes


def wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def closes_applied(runtime: Runtime, ids: list[int]) -> int:
    with Session(runtime.db) as session:
        query = (
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "close_posting", col(AuditEvent.consultation_id).in_(ids))
        )
        return int(session.exec(query).one())
