"""`consult export comments` in every format, for the staff and for publication (``--public``):
each file opens in what it claims to be, carries every opinion with its answer, leaves out
names, contacts and villages when public, and keeps a citizen's "=…" as text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from consult.cli import main
from consult.db import write_session
from consult.models import Organization
from consult.runtime import Runtime
from consult.services import exports, intake
from tests.helpers import post_draft, start

FORMULA = "=SUM(A1:A9) là công thức, không phải số"
OPINIONS = [
    intake.CommentInput(
        body="Đề nghị niêm yết tại nhà văn hóa thôn.",
        author_name="Lê Văn Tám",
        locality="Thôn Đồng Bông",
        contact="0987 654 321",
        article="2",
    ),
    intake.CommentInput(body=FORMULA, author_name="Hoàng Thị Mai", contact="mai@example.vn"),
    intake.CommentInput(body="Ý kiến không ghi tên."),
]
PERSONAL = {"Lê Văn Tám", "Thôn Đồng Bông", "0987 654 321", "Hoàng Thị Mai", "mai@example.vn"}
HEADERS = {key: header for key, header, *_ in exports.COLUMNS}


@pytest.fixture
def consultation_id(runtime: Runtime, commune: Organization) -> int:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    with write_session(runtime.db) as session:
        for opinion in OPINIONS:
            intake.submit(session, consultation_id, opinion, runtime.now())
    return consultation_id


def export(consult: Any, *args: str) -> Result:
    return consult("export", "comments", *args)  # type: ignore[no-any-return]


def read(path: Path, fmt: str) -> list[dict[str, Any]]:
    """The file's rows as {Vietnamese header: value}, however the format writes them."""
    if fmt == "csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
        header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
        return [dict(zip(header, row, strict=True)) for row in rows]
    if fmt == "xlsx":
        sheet = load_workbook(path).active
        assert sheet is not None
        header, *values = sheet.iter_rows(values_only=True)
        return [dict(zip(header, row, strict=True)) for row in values]
    data = json.loads(path.read_text(encoding="utf-8"))
    return [{HEADERS[k]: v for k, v in row.items()} for row in data["opinions"]]


@pytest.mark.parametrize("fmt", exports.FORMATS)
@pytest.mark.parametrize("public", [False, True], ids=["staff", "public"])
def test_every_format_carries_every_opinion_and_public_ones_no_personal_data(
    consult: Any, consultation_id: int, tmp_path: Path, fmt: str, public: bool
) -> None:
    out = tmp_path / f"y-kien.{fmt}"
    flags = ["--public"] if public else []
    done = export(consult, str(consultation_id), "--format", fmt, "-o", str(out), *flags)
    assert done.exit_code == 0, done.output
    assert done.output == f"wrote {out}\n"
    rows = read(out, fmt)
    assert list(rows[0]) == [header for _k, header, *_ in exports.columns(public)]
    assert [r["Điều"] or "" for r in rows] == ["2", "", ""]
    assert [r["Số người/hộ"] for r in rows] == ([1] * 3 if fmt != "csv" else ["1"] * 3)
    assert {r["Hình thức"] for r in rows} == {"Trực tuyến"}
    assert all(r["Kết quả xử lý"] == "Chưa xử lý" for r in rows)
    cells = {str(v) for r in rows for v in r.values() if v is not None}
    if public:
        assert not {"Họ và tên", "Liên hệ", "Thôn, tổ dân phố"} & set(rows[0])
        assert not PERSONAL & cells
    else:
        assert [r["Họ và tên"] or "" for r in rows] == ["Lê Văn Tám", "Hoàng Thị Mai", ""]
        assert (
            rows[0]["Liên hệ"] == "0987 654 321" and rows[0]["Thôn, tổ dân phố"] == "Thôn Đồng Bông"
        )
    # What the citizen typed, as a spreadsheet will show it: never a formula.
    body = rows[1]["Nội dung ý kiến"]
    assert body == {"csv": "'" + FORMULA, "xlsx": FORMULA, "json": FORMULA}[fmt]
    if fmt == "xlsx":
        sheet = load_workbook(out).active
        assert sheet is not None and sheet["I3" if not public else "F3"].data_type == "s"


def test_the_export_names_a_wrong_format_or_a_missing_option_and_writes_nothing(
    consult: Any, consultation_id: int, tmp_path: Path
) -> None:
    out = tmp_path / "y-kien.pdf"
    wrong = export(consult, str(consultation_id), "--format", "pdf", "-o", str(out))
    assert wrong.exit_code == 2
    assert "'pdf' is not one of 'csv', 'xlsx', 'json'" in wrong.output
    missing = export(consult, str(consultation_id), "-o", str(out))
    assert missing.exit_code == 2 and "Missing option '--format'" in missing.output
    assert not out.exists()


def test_a_file_in_a_folder_that_does_not_exist_is_a_one_line_error_naming_it(
    consult: Any, consultation_id: int, tmp_path: Path
) -> None:
    out = tmp_path / "khong-co" / "y-kien.csv"
    refused = export(consult, str(consultation_id), "--format", "csv", "-o", str(out))
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        f"Error: cannot write {out}: No such file or directory"
    ]
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    report = tmp_path / "khong-co" / "bao-cao.md"
    refused = consult("report", "--from", "2024-01-01", "--to", "2024-12-31", "-o", str(report))
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        f"Error: cannot write {report}: No such file or directory"
    ]
    backup = tmp_path / "khong-co" / "sao-luu.db"
    refused = consult("backup", "-o", str(backup))
    assert refused.exit_code == 1
    (line,) = refused.output.strip().splitlines()  # SQLite's words, or pg_dump's
    assert line.startswith("Error: ") and str(backup) in line
    assert not (tmp_path / "khong-co").exists()


def test_the_service_refuses_a_format_it_does_not_write(
    runtime: Runtime, consultation_id: int
) -> None:
    from sqlmodel import Session

    with Session(runtime.db) as session, pytest.raises(ValueError, match="csv, xlsx, json"):
        exports.export(session, consultation_id, "pdf", io.BytesIO(), public=True)


def test_a_backup_of_a_database_that_is_not_there_says_where_it_looked(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.db"
    env = {"CONSULT_DATABASE_URL": f"sqlite:///{missing}", "CONSULT_INSTANCE_DIR": str(tmp_path)}
    refused = CliRunner().invoke(main, ["backup", "-o", str(tmp_path / "b.db")], env=env)
    assert refused.exit_code == 1
    assert refused.output == f"Error: no database at {missing}\n"
    assert not missing.exists() and not (tmp_path / "b.db").exists()
