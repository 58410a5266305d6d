"""The `consult` command's refusals: each names what is wrong, exits non-zero, writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from consult.cli import main
from tests.conftest import DEMO_DAY, LoadDemo, Run
from tests.helpers import Clock, cli_env


def test_exporting_a_consultation_that_does_not_exist_names_it(
    consult: Run, tmp_path: Path
) -> None:
    assert consult("init-db").exit_code == 0
    out = tmp_path / "y-kien.csv"
    refused = consult("export", "comments", "999", "--format", "csv", "-o", str(out))
    assert refused.exit_code == 1
    assert "consultation 999 does not exist" in refused.output
    assert not out.exists()


def test_the_report_of_an_unknown_organization_names_the_code(
    consult: Run, load_demo: LoadDemo
) -> None:
    load_demo(DEMO_DAY)
    refused = consult("report", "--org", "KHONG", "--from", "2024-01-01", "--to", "2024-06-30")
    assert refused.exit_code == 1
    assert "KHONG" in refused.output


def test_the_report_without_an_organization_on_an_empty_database_asks_for_one(
    consult: Run,
) -> None:
    assert consult("init-db").exit_code == 0
    refused = consult("report", "--from", "2024-01-01", "--to", "2024-06-30")
    assert refused.exit_code == 1
    assert "--org" in refused.output


def test_the_markdown_report_is_written_to_the_named_file(
    consult: Run, load_demo: LoadDemo, tmp_path: Path
) -> None:
    load_demo(DEMO_DAY)
    out = tmp_path / "bao-cao.md"
    done = consult("report", "--from", "2024-01-01", "--to", "2024-06-30", "-o", str(out))
    assert done.exit_code == 0, done.output
    assert f"written: {out}" in done.output
    assert "số 156/QĐ-UBND ngày 26/02/2024" in out.read_text(encoding="utf-8")


def test_the_docx_report_without_a_file_gets_a_name_from_the_code_and_period(
    consult: Run,
    load_demo: LoadDemo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_demo(DEMO_DAY)
    monkeypatch.chdir(tmp_path)
    done = consult("report", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "docx")
    assert done.exit_code == 0, done.output
    written = tmp_path / "bao-cao-UBND-2024-01-01-2024-06-30.docx"
    assert written.read_bytes()[:2] == b"PK"  # a Word file (a zip)


def test_user_add_in_an_unknown_organization_is_refused(consult: Run, load_demo: LoadDemo) -> None:
    load_demo(DEMO_DAY)
    refused = consult(
        "user", "add", "moi", "--role", "clerk", "--org", "KHONG", "--password-stdin",
        input="mat-khau-dai\n",
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "KHONG" in refused.output and "created" not in refused.output


def test_checking_a_folder_without_definitions_fails(tmp_path: Path) -> None:
    empty = tmp_path / "definitions"
    empty.mkdir()
    result = CliRunner().invoke(main, ["workflows", "check", str(empty)])
    assert result.exit_code == 1
    assert "ok " not in result.output


def test_a_fixed_clock_is_an_instant_with_its_offset_and_never_in_production(
    database_url: str, tmp_path: Path, clock: Clock
) -> None:
    env = cli_env(database_url, tmp_path / "inst", clock)
    for wrong in ("01/04/2024", "2024-04-01T08:00:00"):  # typed day first; without its offset
        refused = CliRunner().invoke(main, ["tick"], env={**env, "CONSULT_NOW": wrong})
        assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)  # no trace
        assert f"CONSULT_NOW={wrong!r}" in refused.output and "+07:00" in refused.output
    production = {**env, "CONSULT_PRODUCTION": "1", "CONSULT_SECRET_KEY": "k" * 64}
    refused = CliRunner().invoke(main, ["tick"], env=production)
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)
    assert "CONSULT_NOW must not be set in production" in refused.output
    assert CliRunner().invoke(main, ["init-db"], env=env).exit_code == 0
    assert "0 transition(s) applied" in CliRunner().invoke(main, ["tick"], env=env).output
