"""Exports of a consultation's opinions with their dispositions: CSV (UTF-8 with a BOM, so
Excel shows Vietnamese), XLSX (Vietnamese headers, filters, column widths; streamed by
XlsxWriter in ``constant_memory`` mode) and JSON. Channels and dispositions are printed in
their official Vietnamese wording (:mod:`consult.vocabulary`), as the documents print them.

The staff export carries the personal data (name, contact); the publication export leaves
it out, and the village too (Law 10/2022 Art. 9(2)).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import xlsxwriter
from sqlalchemy import select as select_core
from sqlmodel import Session, select

from consult import vocabulary
from consult.calendar import dates
from consult.models import Article, Comment
from consult.services import review
from consult.text import spreadsheet_cell
from consult.vocabulary import CHANNEL, DISPOSITION

FORMATS = ("csv", "xlsx", "json")

# (key, Vietnamese header, column width, staff only?): what is public is the vocabulary's.
COLUMNS: list[tuple[str, str, int, bool]] = [
    (key, header, width, not vocabulary.is_public(key))
    for key, header, width in (
        ("receipt", "Mã tiếp nhận", 12),
        ("received_at", "Thời điểm nhận", 17),
        ("channel", "Hình thức", 20),
        ("locality", "Thôn, tổ dân phố", 18),
        ("author_name", "Họ và tên", 22),
        ("contact", "Liên hệ", 20),
        ("represents", "Số người/hộ", 10),
        ("article", "Điều", 7),
        ("body", "Nội dung ý kiến", 60),
        ("disposition", "Kết quả xử lý", 22),
        ("reason", "Giải trình", 40),
        ("response", "Trả lời", 40),
        ("group", "Nhóm ý kiến", 14),
        ("changed", "Điều được sửa", 12),
    )
]


def columns(public: bool) -> list[tuple[str, str, int, bool]]:
    return [c for c in COLUMNS if not (public and c[3])]


BATCH = 5000
"""Opinions read at a time: an export holds one batch, whatever the number of opinions."""
CHUNK = 500
"""CSV rows sent at a time in a streamed download."""


def records(session: Session, consultation_id: int, *, public: bool) -> Iterator[dict[str, Any]]:
    """One dict per opinion, oldest first; read :data:`BATCH` at a time (with the articles
    each changed) so memory stays flat."""
    numbers: dict[int | None, str] = {
        k: v
        for k, v in session.exec(
            select(Article.id, Article.number).where(Article.consultation_id == consultation_id)
        )
    }
    keys = [c[0] for c in columns(public)]
    table = Comment.__table__  # type: ignore[attr-defined]
    last_id = 0
    while True:
        batch = (
            session.connection()
            .execute(
                select_core(table)
                .where(table.c.consultation_id == consultation_id, table.c.id > last_id)
                .order_by(table.c.id)
                .limit(BATCH)
            )
            .all()
        )
        if not batch:
            return
        last_id = batch[-1].id
        changed = review.changed_articles(session, [c.id for c in batch])
        for c in batch:
            full = {
                "receipt": c.receipt,
                "received_at": dates.dmy_hm(c.received_at),
                "channel": CHANNEL.vi(c.channel),
                "locality": c.locality,
                "author_name": c.author_name,
                "contact": c.contact,
                "represents": c.represents,
                "article": numbers.get(c.article_id, "") if c.article_id else "",
                "body": c.body,
                "disposition": DISPOSITION.vi(c.disposition),
                "reason": c.reason,
                "response": c.response,
                "group": c.group_key,
                "changed": ", ".join(changed.get(c.id, [])),
            }
            yield {k: full[k] for k in keys}


def csv_chunks(session: Session, consultation_id: int, *, public: bool) -> Iterator[bytes]:
    """The CSV export in pieces of a few hundred rows, for a streamed download."""
    text = io.StringIO()
    writer = csv.writer(text)
    cols = columns(public)
    text.write("\ufeff")
    writer.writerow([c[1] for c in cols])
    for n, record in enumerate(records(session, consultation_id, public=public), start=1):
        writer.writerow([spreadsheet_cell(record[c[0]]) for c in cols])
        if n % CHUNK == 0:
            yield text.getvalue().encode("utf-8")
            text.seek(0)
            text.truncate()
    yield text.getvalue().encode("utf-8")


def json_chunks(session: Session, consultation_id: int, *, public: bool) -> Iterator[bytes]:
    """The JSON export (``{"consultation": ID, "opinions": [...]}``) one opinion at a time."""
    yield f'{{"consultation": {int(consultation_id)}, "opinions": ['.encode()
    separator = b""
    for record in records(session, consultation_id, public=public):
        yield separator + json.dumps(record, ensure_ascii=False).encode("utf-8")
        separator = b", "
    yield b"]}"


def write_csv(session: Session, consultation_id: int, out: IO[bytes], *, public: bool) -> None:
    for chunk in csv_chunks(session, consultation_id, public=public):
        out.write(chunk)


def write_json(session: Session, consultation_id: int, out: IO[bytes], *, public: bool) -> None:
    for chunk in json_chunks(session, consultation_id, public=public):
        out.write(chunk)


PIXELS_PER_CHARACTER = 7
"""Calibri 11's digit width: a column of ``width`` characters is ``7 × width`` pixels, which
XlsxWriter stores as exactly ``width`` (its ``set_column`` adds Excel's 5-pixel padding)."""


SHEET_ROWS = 1_048_575
"""Opinions per sheet: Excel's 1,048,576 rows less the header. More opinions continue on
sheets "Ý kiến (2)", "Ý kiến (3)"…, each with its own header and filter."""


def write_xlsx(
    session: Session, consultation_id: int, out: IO[bytes], *, public: bool, title: str = ""
) -> int:
    """Sheets of :data:`SHEET_ROWS` opinions: a bold header row, frozen, with a filter; each
    row written as it is read (``constant_memory``: rows go to a temporary file, not to
    memory), so memory stays flat. Returns the number of opinions written."""
    cols = columns(public)
    keys = [c[0] for c in cols]
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    book.set_properties({"title": title})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    sheet = _sheet(book, cols, header, 1)
    row = written = 0
    for record in records(session, consultation_id, public=public):
        if row == SHEET_ROWS:
            sheet.autofilter(0, 0, row, len(cols) - 1)
            sheet, row = _sheet(book, cols, header, written // SHEET_ROWS + 1), 0
        row += 1
        written += 1
        for index, key in enumerate(keys):
            value = record[key]
            if isinstance(value, int):
                sheet.write_number(row, index, value)
            elif value:  # always a string cell, never a formula, whatever it starts with
                sheet.write_string(row, index, str(value))
    sheet.autofilter(0, 0, row, len(cols) - 1)
    book.close()
    return written


def _sheet(
    book: xlsxwriter.Workbook, cols: list[tuple[str, str, int, bool]], header: Any, number: int
) -> Any:
    sheet = book.add_worksheet("Ý kiến" if number == 1 else f"Ý kiến ({number})")
    for index, (_key, _header, width, _personal) in enumerate(cols):
        sheet.set_column_pixels(index, index, width * PIXELS_PER_CHARACTER)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [c[1] for c in cols], header)
    return sheet


def export(
    session: Session,
    consultation_id: int,
    fmt: str,
    out: IO[bytes],
    *,
    public: bool,
    title: str = "",
) -> None:
    if fmt == "csv":
        write_csv(session, consultation_id, out, public=public)
    elif fmt == "xlsx":
        write_xlsx(session, consultation_id, out, public=public, title=title)
    elif fmt == "json":
        write_json(session, consultation_id, out, public=public)
    else:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def filename(consultation_id: int, fmt: str, *, public: bool, now: datetime) -> str:
    kind = "cong-khai" if public else "y-kien"
    return f"{kind}-{consultation_id}-{dates.local_date(now):%Y%m%d}.{fmt}"
