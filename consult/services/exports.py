"""Exports of a consultation's opinions with their dispositions: CSV (UTF-8 with a BOM, so
Excel shows Vietnamese), XLSX (Vietnamese headers, filters, column widths; written by
:mod:`consult.services.xlsx`) and JSON.

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

from sqlalchemy import select as select_core
from sqlmodel import Session, select

from consult.calendar import dates
from consult.models import Article, Comment
from consult.services import review, xlsx

FORMATS = ("csv", "xlsx", "json")
CHANNELS_VI = {
    "online": "Trực tuyến",
    "paper": "Văn bản giấy",
    "box": "Hộp thư góp ý",
    "meeting": "Hội nghị, cuộc họp",
    "questionnaire": "Phiếu lấy ý kiến hộ gia đình",
    "front": "Ban công tác Mặt trận thôn",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
}
DISPOSITIONS_VI = {
    "accepted": "Tiếp thu",
    "partly_accepted": "Tiếp thu một phần",
    "not_accepted": "Không tiếp thu (có giải trình)",
    "out_of_scope": "Không thuộc phạm vi",
    "duplicate": "Trùng lặp",
    None: "Chưa xử lý",
}

# (key, Vietnamese header, column width, personal data?)
COLUMNS: list[tuple[str, str, int, bool]] = [
    ("receipt", "Mã tiếp nhận", 12, False),
    ("received_at", "Thời điểm nhận", 17, False),
    ("channel", "Hình thức", 20, False),
    ("locality", "Thôn, tổ dân phố", 18, True),
    ("author_name", "Họ và tên", 22, True),
    ("contact", "Liên hệ", 20, True),
    ("represents", "Số người/hộ", 10, False),
    ("article", "Điều", 7, False),
    ("body", "Nội dung ý kiến", 60, False),
    ("disposition", "Kết quả xử lý", 22, False),
    ("reason", "Giải trình", 40, False),
    ("response", "Trả lời", 40, False),
    ("group", "Nhóm ý kiến", 14, False),
    ("changed", "Điều được sửa", 12, False),
]


def columns(public: bool) -> list[tuple[str, str, int, bool]]:
    return [c for c in COLUMNS if not (public and c[3])]


def records(session: Session, consultation_id: int, *, public: bool) -> Iterator[dict[str, Any]]:
    """One dict per opinion, oldest first; read in batches so memory stays flat."""
    numbers: dict[int | None, str] = {
        k: v
        for k, v in session.exec(
            select(Article.id, Article.number).where(Article.consultation_id == consultation_id)
        )
    }
    keys = [c[0] for c in columns(public)]
    table = Comment.__table__  # type: ignore[attr-defined]
    changed = review.changes_in(session, consultation_id)
    last_id = 0
    while True:
        batch = (
            session.connection()
            .execute(
                select_core(table)
                .where(table.c.consultation_id == consultation_id, table.c.id > last_id)
                .order_by(table.c.id)
                .limit(5000)
            )
            .all()
        )
        if not batch:
            return
        last_id = batch[-1].id
        for c in batch:
            full = {
                "receipt": c.receipt,
                "received_at": dates.dmy_hm(c.received_at),
                "channel": CHANNELS_VI.get(c.channel, c.channel),
                "locality": c.locality,
                "author_name": c.author_name,
                "contact": c.contact,
                "represents": c.represents,
                "article": numbers.get(c.article_id, "") if c.article_id else "",
                "body": c.body,
                "disposition": DISPOSITIONS_VI.get(c.disposition, c.disposition),
                "reason": c.reason,
                "response": c.response,
                "group": c.group_key,
                "changed": ", ".join(changed.get(c.id, [])),
            }
            yield {k: full[k] for k in keys}


def write_csv(session: Session, consultation_id: int, out: IO[bytes], *, public: bool) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    cols = columns(public)
    writer.writerow([c[1] for c in cols])
    for record in records(session, consultation_id, public=public):
        writer.writerow([record[c[0]] for c in cols])
    text.flush()
    text.detach()


def write_json(session: Session, consultation_id: int, out: IO[bytes], *, public: bool) -> None:
    rows = list(records(session, consultation_id, public=public))
    out.write(
        json.dumps({"consultation": consultation_id, "opinions": rows}, ensure_ascii=False).encode(
            "utf-8"
        )
    )


def write_xlsx(
    session: Session, consultation_id: int, out: IO[bytes], *, public: bool, title: str = ""
) -> None:
    cols = columns(public)
    xlsx.write(
        out,
        "Ý kiến",
        [c[1] for c in cols],
        [c[2] for c in cols],
        ([r[c[0]] for c in cols] for r in records(session, consultation_id, public=public)),
        title=title,
    )


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
