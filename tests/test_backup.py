"""`consult backup` while opinions arrive, then `consult restore` into a new database: the
same rows in every table, and `consult audit verify` passes. SQLite always; PostgreSQL when
the tests run on it (databases of their own, created and dropped here)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from consult import create_app
from consult.cli import main
from consult.db import make_engine
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL, Clock
from tests.helpers import COMMAND_DEMO_DAY, cli_env

KINDS = ["sqlite", "postgresql"] if ON_POSTGRES else ["sqlite"]


def run(url: str, tmp_path: Path, *args: str) -> Result:
    """A `consult` command on the day the demo is loaded (``COMMAND_DEMO_DAY``), as the app runs."""
    env = cli_env(url, tmp_path / "instance", Clock(COMMAND_DEMO_DAY))
    return CliRunner().invoke(main, list(args), env=env)


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two new databases of the kind asked: the one in use and an empty one to restore into."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    names = [f"backup_{uuid.uuid4().hex[:10]}_{n}" for n in ("live", "restored")]
    admin = make_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    base = make_url(TEST_DATABASE_URL).set(query={})
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield tuple(base.set(database=n).render_as_string(hide_password=False) for n in names)  # type: ignore[misc]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def open_consultation(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        'SELECT c.id FROM consultation c JOIN "window" w '
                        "ON w.consultation_id = c.id "
                        "WHERE c.state = 'consulting' AND w.name = 'comment_window' "
                        "AND w.closed_at IS NULL ORDER BY c.id LIMIT 1"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def receipts(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT receipt FROM comment")).scalars())
    finally:
        engine.dispose()


def add_opinions(app: Flask, cid: int, stop: threading.Event, acknowledged: list[str]) -> None:
    """Citizens keep sending opinions through the API while the backup runs; each receipt
    given is kept, in order (a receipt means stored)."""
    client = app.test_client()
    n = 0
    while not stop.is_set() and n < 2000:
        answer = client.post(
            f"/api/v1/consultations/{cid}/comments",
            json={"body": f"Ý kiến số {n} gửi trong lúc sao lưu.", "author_name": f"Công dân {n}"},
        )
        assert answer.status_code == 201, answer.get_data(as_text=True)
        acknowledged.append(answer.get_json()["receipt"])
        n += 1


@pytest.mark.parametrize("databases", KINDS, indirect=True)
def test_a_backup_taken_during_a_load_of_opinions_restores_them_and_an_intact_audit_log(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    live, restored = databases
    assert run(live, tmp_path, "init-db").exit_code == 0
    loaded = run(live, tmp_path, "demo")
    assert loaded.exit_code == 0, loaded.output
    app = create_app(
        {
            "database_url": live,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "off",
            "clock": Clock(COMMAND_DEMO_DAY),
            "TESTING": True,
        }
    )
    cid = open_consultation(live)
    demo_receipts = receipts(live)
    stop, acknowledged = threading.Event(), []  # type: ignore[var-annotated]
    writer = threading.Thread(target=add_opinions, args=(app, cid, stop, acknowledged))
    writer.start()
    while len(acknowledged) < 20:  # the load is under way before the backup starts
        time.sleep(0.01)
    before = list(acknowledged)
    backup_file = tmp_path / "consult.backup"
    try:
        made = run(live, tmp_path, "backup", "-o", str(backup_file))
        after = list(acknowledged)
    finally:
        stop.set()
        writer.join()
        app.extensions["consult"].db.dispose()
    assert made.exit_code == 0, made.output
    assert len(acknowledged) > len(before)  # opinions kept arriving during the backup

    done = run(restored, tmp_path, "restore", str(backup_file))
    assert done.exit_code == 0, done.output
    kept = receipts(restored)
    # Every opinion acknowledged before the backup began is in it; none it holds was invented;
    # those acknowledged while it ran are in it as a prefix of the order they were stored in.
    assert set(before) <= kept
    in_backup = [r for r in acknowledged if r in kept]
    assert in_backup == acknowledged[: len(in_backup)] and len(in_backup) <= len(after)
    assert kept - set(acknowledged) == demo_receipts
    restored_counts = counts(restored)
    assert restored_counts["comment"] == len(kept)
    verified = run(restored, tmp_path, "audit", "verify")
    assert verified.exit_code == 0 and "intact" in verified.output

    again = run(restored, tmp_path, "restore", str(backup_file))
    assert again.exit_code == 1 and "empty" in again.output  # never over a live database
    assert "Traceback" not in again.output


def test_restore_names_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    result = run(f"sqlite:///{tmp_path / 'new.db'}", tmp_path, "restore", str(junk))
    assert result.exit_code == 1 and "is not a SQLite backup" in result.output
    missing = run(f"sqlite:///{tmp_path / 'new.db'}", tmp_path, "restore", str(tmp_path / "x"))
    assert missing.exit_code == 1 and "no backup file" in missing.output
