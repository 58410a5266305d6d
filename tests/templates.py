"""The demo commune built once per test session and day, then copied into each test's database.

Loading the demo replays its 2024 history through the workflow (about a second and a half); a
copy of the loaded database takes a few milliseconds. The demo depends only on the clock it is
loaded at, so one template is kept per instant: a SQLite file (copied with SQLite's backup
API, which is safe while the test's engine holds the file open), or on PostgreSQL a schema of
its own whose rows are copied table by table into the test's schema, sequences included.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text

from consult.config import load_settings
from consult.db import make_engine
from consult.migrate import upgrade
from consult.runtime import build_runtime


class DemoTemplates:
    """The demo loaded at each instant asked for, built on first use and kept for the session."""

    def __init__(
        self,
        migrated: str,
        folder: Path,
        workflows: Path,
        postgres: Callable[[str], str] | None,
        admin: Engine | None,
    ) -> None:
        self.migrated = migrated  # the migrated empty SQLite file (unused on PostgreSQL)
        self.folder = folder
        self.workflows = workflows
        self.postgres = postgres  # a schema's URL, on PostgreSQL
        self.admin = admin
        self.built: dict[datetime, str] = {}  # instant -> SQLite file or PostgreSQL schema

    def _build(self, at: datetime) -> str:
        from consult import demo

        if self.postgres is not None:
            assert self.admin is not None
            name = f"demo_{uuid.uuid4().hex[:12]}"
            with self.admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{name}"'))
            url = self.postgres(name)
            upgrade(load_settings({"database_url": url}))
        else:
            name = str(self.folder / f"demo-{at:%Y%m%dT%H%M%S}.db")
            _backup(self.migrated, name)
            url = f"sqlite:///{name}"
        settings = load_settings(
            {
                "database_url": url,
                "workflows_dir": self.workflows,
                "instance_dir": self.folder / "instance",
            }
        )
        runtime = build_runtime(settings, clock=lambda: at)
        demo.load(runtime)
        runtime.db.dispose()
        return name

    def copy_into(self, database_url: str, at: datetime) -> None:
        """Make the test's (empty, migrated) database the demo as loaded at ``at``."""
        if at not in self.built:
            self.built[at] = self._build(at)
        source = self.built[at]
        if self.postgres is None:
            _backup(source, database_url.removeprefix("sqlite:///"))
            return
        engine = make_engine(database_url)
        try:
            with engine.begin() as conn:
                _copy_schema(conn, source)
        finally:
            engine.dispose()

    def drop(self) -> None:
        if self.admin is None:
            return
        with self.admin.begin() as conn:
            for name in self.built.values():
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        self.admin.dispose()


def _backup(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _copy_schema(conn: object, source: str) -> None:
    """Every row of the template schema into the current one (emptied by ``database_url``),
    with foreign keys and triggers (the audit log's guard) off for the copy, then each
    sequence moved past the ids copied."""
    run = conn.execute  # type: ignore[attr-defined]
    tables = (
        run(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = :s "
                "AND tablename <> 'alembic_version'"
            ),
            {"s": source},
        )
        .scalars()
        .all()
    )
    run(text("SET LOCAL session_replication_role = replica"))
    for table in tables:
        run(text(f'INSERT INTO "{table}" SELECT * FROM "{source}"."{table}"'))
    serials = run(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')"
        )
    ).all()
    for table, column in serials:
        run(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)'
            )
        )
