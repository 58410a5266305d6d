"""The XLSX export, written by XlsxWriter: what a citizen typed stays text (never a formula),
the header is frozen and filtered, and every opinion is a row."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlmodel import Session

from consult.db import write_session
from consult.models import Organization
from consult.runtime import Runtime
from consult.services import exports, intake
from tests.helpers import post_draft, start

TRICKY = [
    '=HYPERLINK("http://example.com","Bấm vào đây")',
    "+84 912 345 678 là số của tôi",
    "Dòng một\nDòng hai\tcó tab",
    "Ký tự lạ \x01\x07 giữa câu & <thẻ>",
]


def test_a_citizens_text_stays_text_in_the_xlsx_export(
    runtime: Runtime, commune: Organization
) -> None:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    with write_session(runtime.db) as session:
        for body in TRICKY:
            intake.submit(session, consultation_id, intake.CommentInput(body=body), runtime.now())
    out = io.BytesIO()
    with Session(runtime.db) as session:
        written = exports.write_xlsx(
            session, consultation_id, out, public=True, title="Quy chế dân chủ"
        )
    assert written == len(TRICKY)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.properties.title == "Quy chế dân chủ"
    sheet = book.active
    assert sheet is not None and sheet.title == "Ý kiến"
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    assert headers == [c[1] for c in exports.columns(True)]
    assert sheet.auto_filter.ref == f"A1:{chr(64 + len(headers))}{len(TRICKY) + 1}"
    body_column = headers.index("Nội dung ý kiến")
    cells = [row[body_column] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * len(TRICKY)  # no formula, no number
    assert cells[0].value == TRICKY[0] and cells[1].value == TRICKY[1]
    assert cells[2].value == TRICKY[2]
    assert cells[3].value is not None and "giữa câu & <thẻ>" in cells[3].value
    represents = [row[headers.index("Số người/hộ")].value for row in sheet.iter_rows(min_row=2)]
    assert represents == [1] * len(TRICKY)  # a count stays a number
