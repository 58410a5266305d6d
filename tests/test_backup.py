"""`consult backup` while opinions arrive, then `consult restore` into a new database: the
same rows in every table, and `consult audit verify` passes. SQLite always; PostgreSQL when
the tests run on it (databases of their own, created and dropped here)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from consult.cli import main
from consult.db import make_engine
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL

KINDS = ["sqlite", "postgresql"] if ON_POSTGRES else ["sqlite"]


def run(url: str, tmp_path: Path, *args: str) -> Result:
    env = {"CONSULT_DATABASE_URL": url, "CONSULT_INSTANCE_DIR": str(tmp_path / "instance")}
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


def add_opinions(url: str, stop: threading.Event) -> None:
    """Opinions keep arriving (a writer beside the backup), each audited like a real one."""
    engine = make_engine(url)
    n = 0
    try:
        while not stop.is_set() and n < 400:
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE consultation SET summary = :s WHERE id = 1"), {"s": f"lần {n}"}
                )
            n += 1
    finally:
        engine.dispose()


@pytest.mark.parametrize("databases", KINDS, indirect=True)
def test_a_backup_taken_while_writing_restores_with_equal_counts_and_an_intact_audit_log(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    live, restored = databases
    assert run(live, tmp_path, "init-db").exit_code == 0
    loaded = run(live, tmp_path, "demo")
    assert loaded.exit_code == 0, loaded.output
    stop = threading.Event()
    writer = threading.Thread(target=add_opinions, args=(live, stop))
    writer.start()
    backup_file = tmp_path / "consult.backup"
    try:
        made = run(live, tmp_path, "backup", "-o", str(backup_file))
    finally:
        stop.set()
        writer.join()
    assert made.exit_code == 0, made.output
    expected = counts(live)  # the writer changes no count, only a summary
    assert expected["comment"] > 0 and expected["auditevent"] > 0

    done = run(restored, tmp_path, "restore", str(backup_file))
    assert done.exit_code == 0, done.output
    assert counts(restored) == expected
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
