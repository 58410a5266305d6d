"""`consult backup` and `consult restore` refuse what they cannot do in one line that says why
(exit 1, no traceback): no database, no PostgreSQL client tools, the tool's own complaint, a
file of the wrong kind. The PostgreSQL commands are stood in for by scripts on the PATH, so the
operator's messages are checked on every run, SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from tests.helpers import consult_cli

PG_URL = "postgresql+psycopg://operator@db.example:5433/consult?sslmode=require"


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert f"Error: {message}" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only the scripts a test puts there."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def tool(bin_dir: Path, name: str, script: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(0o755)


def test_backing_up_a_sqlite_database_that_does_not_exist_names_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "consult.db"
    result = consult_cli(
        f"sqlite:///{missing}", tmp_path, "backup", "-o", str(tmp_path / "b.sqlite")
    )
    refused(result, f"no database at {missing}")
    assert not (tmp_path / "b.sqlite").exists()


def test_a_postgresql_backup_without_the_client_tools_says_they_are_needed(
    tmp_path: Path, bin_dir: Path
) -> None:
    result = consult_cli(PG_URL, tmp_path, "backup", "-o", str(tmp_path / "consult.dump"))
    refused(result, "pg_dump is not installed (PostgreSQL client tools are needed)")


def test_a_failing_pg_dump_gives_its_last_line_and_is_given_a_url_it_reads(
    tmp_path: Path, bin_dir: Path
) -> None:
    # pg_dump reads libpq URLs: the driver name goes, the server, user and options stay.
    tool(
        bin_dir,
        "pg_dump",
        'echo "pg_dump: warning: first" >&2\necho "pg_dump: error: $5" >&2\nexit 1',
    )
    result = consult_cli(PG_URL, tmp_path, "backup", "-o", str(tmp_path / "consult.dump"))
    refused(
        result,
        "pg_dump failed: pg_dump: error: "
        "postgresql://operator@db.example:5433/consult?sslmode=require",
    )
    tool(bin_dir, "pg_dump", "exit 3")
    refused(
        consult_cli(PG_URL, tmp_path, "backup", "-o", str(tmp_path / "c.dump")), "pg_dump failed: 3"
    )


def test_restoring_a_sqlite_file_into_postgresql_is_refused_before_reaching_it(
    tmp_path: Path, bin_dir: Path
) -> None:
    copy = tmp_path / "consult.sqlite"
    copy.write_bytes(b"SQLite format 3\x00" + bytes(100))
    # db.example is never reached: the file's kind is read first.
    refused(
        consult_cli(PG_URL, tmp_path, "restore", str(copy)),
        f"{copy} is not a PostgreSQL custom-format dump",
    )
