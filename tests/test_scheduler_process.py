"""The scheduler as operators run it: a separate `consult scheduler` process, stopped and
restarted, or two of them at once, against the same database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from consult.config import load_settings
from consult.db import write_session
from consult.models import AuditEvent, Consultation, Organization, User, Window
from consult.models.notification import Notification
from consult.runtime import Runtime, build_runtime
from tests.helpers import post_draft, start

Spawn = Callable[[], subprocess.Popen[bytes]]


@pytest.fixture
def live(database_url: str, workflows_dir: Path, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on the real clock: these tests wait for real seconds."""
    settings = load_settings(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
        }
    )
    runtime = build_runtime(settings)
    yield runtime
    runtime.db.dispose()


@pytest.fixture
def spawn(database_url: str, workflows_dir: Path, tmp_path: Path) -> Iterator[Spawn]:
    processes: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "CONSULT_DATABASE_URL": database_url,
        "CONSULT_WORKFLOWS_DIR": str(workflows_dir),
        "CONSULT_INSTANCE_DIR": str(tmp_path / "instance"),
        "CONSULT_SCHEDULER_INTERVAL": "1",
    }
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        # The later-year run (`make test-later-year`, libfaketime 0.9.10) fakes the monotonic
        # clock too, and a timed wait of Python 3.11+ (threading.Event.wait, which APScheduler
        # waits on between passes) is a sem_clockwait that libfaketime does not intercept: its
        # deadline, read on the faked monotonic clock, is decades ahead of the kernel's, so a
        # scheduler made its first pass and never another. The scheduler keeps the faked wall
        # clock (the date under test) on the real monotonic one. (Not for every process: with
        # it, libfaketime fails time.sleep with EINVAL, which the scheduler never calls.)
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"

    def run() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "consult", "scheduler"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        return process

    yield run
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


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


FAR = 4 * 24 * 3600
"""Seconds to a window's end that no pass acts on: beyond the 3-day reminder."""


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
