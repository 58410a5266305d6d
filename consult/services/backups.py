"""Backups while the server runs, and restores into an empty database.

- SQLite: the online backup API (``sqlite3.Connection.backup``): a consistent copy page by
  page, safe while other processes write; the backup is itself a SQLite file.
- PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot), restored with
  ``pg_restore``; both must be on the PATH, of the server's major version or newer.

A restore refuses a database that already holds tables: restoring is for a new or empty one
(then ``consult audit verify``). The kind of a backup is read from its first bytes.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from consult.config import Settings
from consult.db import make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in one line."""


def _libpq_url(database_url: str) -> str:
    """``postgresql+psycopg://…`` as pg_dump reads it (``postgresql://…``), options kept."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed)")
    return found


def backup(settings: Settings, output: Path) -> str:
    """Write a backup of the configured database to ``output``; what was done, in words."""
    path = settings.sqlite_path
    if path is not None:
        if not path.exists():
            raise BackupError(f"no database at {path}")
        output.unlink(missing_ok=True)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(output)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        return f"SQLite online backup of {path} written to {output}"
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(output)]
    _run([*command, _libpq_url(settings.database_url)])
    return f"PostgreSQL custom-format dump written to {output}"


def restore(settings: Settings, source: Path) -> str:
    """Restore ``source`` into the configured database, which must be empty."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    with source.open("rb") as fh:
        head = fh.read(16)
    path = settings.sqlite_path
    # The file's kind first: a wrong file is named without reaching the database.
    if path is not None and not head.startswith(SQLITE_MAGIC):
        raise BackupError(f"{source} is not a SQLite backup (this database is SQLite)")
    if path is None and not head.startswith(PG_MAGIC):
        raise BackupError(f"{source} is not a PostgreSQL custom-format dump")
    _refuse_non_empty(settings)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            with target:
                reader.backup(target)
        finally:
            reader.close()
            target.close()
        return f"restored {source} into {path}"
    command = [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction"]
    _run([*command, "--dbname", _libpq_url(settings.database_url), str(source)])
    return f"restored {source} into the PostgreSQL database"


def _refuse_non_empty(settings: Settings) -> None:
    path = settings.sqlite_path
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return
    engine = make_engine(settings.database_url)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"the database already holds {len(tables)} tables; restore into a new, empty one"
        )


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(
            f"{Path(command[0]).name} failed: {lines[-1] if lines else done.returncode}"
        )
