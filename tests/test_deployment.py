"""The deployment of docs/DEPLOYMENT.md in small: two web processes (gunicorn) and two
`consult scheduler` processes on one database (PostgreSQL in CI). Opinions go in through
either web process; each window is closed exactly once; after it, either refuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from consult.models import Comment, Consultation, Organization
from consult.runtime import Runtime
from tests.helpers import free_port
from tests.schedulers import (
    FAR,
    Spawn,
    closes_applied,
    drill,
    shorten,
    started,
    wait_for,
)

VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def web(database_url: str, workflows_dir: Path, tmp_path: Path) -> Iterator[Callable[[], str]]:
    processes: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "CONSULT_DATABASE_URL": database_url,
        "CONSULT_WORKFLOWS_DIR": str(workflows_dir),
        "CONSULT_INSTANCE_DIR": str(tmp_path / "instance"),
        "CONSULT_SECRET_KEY": "deployment-test",
        "CONSULT_RATELIMIT": "off",
    }

    def run() -> str:
        port = free_port()
        command = [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        process = subprocess.Popen(
            [*command, "consult.wsgi:app"], env=env, stderr=subprocess.DEVNULL
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: _answers(url), timeout=30), "the web process did not start"
        return url

    yield run
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2):
            return True
    except (OSError, urllib.error.HTTPError):
        return False


def send(url: str, cid: int, body: str) -> int:
    request = urllib.request.Request(
        f"{url}/api/v1/consultations/{cid}/comments",
        data=json.dumps({"body": body}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_two_web_processes_and_two_schedulers_close_each_window_once(
    live: Runtime,
    commune: Organization,
    spawn: Spawn,
    web: Callable[[], str],
) -> None:
    first, second = web(), web()
    ids = drill(live, commune, n=3)
    shorten(live, ids, FAR)  # open while the opinions go in and the schedulers start
    for n, cid in enumerate(ids):
        assert send(first, cid, f"Ý kiến {n} qua máy chủ thứ nhất") == 201
        assert send(second, cid, f"Ý kiến {n} qua máy chủ thứ hai") == 201
    started(live, commune, spawn, 2)
    shorten(live, ids, 3)  # due while both run
    assert wait_for(lambda: closes_applied(live, ids) == 3, timeout=90)
    time.sleep(2.5)
    assert closes_applied(live, ids) == 3  # once each, by one of the two schedulers
    assert send(first, ids[0], "Gửi muộn") == 409
    assert send(second, ids[0], "Gửi muộn") == 409
    with Session(live.db) as session:
        versions = session.exec(select(Consultation.version).where(col(Consultation.id).in_(ids)))
        assert list(versions) == [3, 3, 3]
        stored = session.exec(
            select(func.count()).select_from(Comment).where(col(Comment.consultation_id).in_(ids))
        ).one()
        assert stored == 6
