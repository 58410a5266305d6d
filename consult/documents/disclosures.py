"""The list of what was disclosed (danh mục thông tin công khai) in a quarter, with its form and
time (Law 10/2022/QH15 Arts. 11-13): each posting of a draft and plan, each publication of a
decision, from the posting records.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from consult.calendar import dmy
from consult.models import Consultation, Document, Organization, PostingPlace, PostingRecord
from consult.text import fold, spreadsheet_cell

FORMS = {
    "office": "Niêm yết tại trụ sở",
    "village": "Niêm yết tại nhà văn hóa thôn",
    "portal": "Đăng tải trên cổng thông tin điện tử",
    "software": "Đăng tải trên phần mềm QCDC",
    "letter": "Gửi văn bản",
    "posting": "Niêm yết",
}
COLUMNS = ("STT", "Nội dung công khai", "Hình thức", "Nơi công khai", "Từ ngày", "Đến ngày")


@dataclass(frozen=True)
class Disclosure:
    consultation_id: int
    content: str
    form: str
    place: str
    starts_on: date
    ends_on: date | None

    @property
    def until(self) -> str:
        return dmy(self.ends_on) if self.ends_on else "thường xuyên"


def quarter(year: int, number: int) -> tuple[date, date]:
    if number not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1, 2, 3 or 4")
    start = date(year, 3 * number - 2, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def form_of(place: str, kinds_by_name: dict[str, str]) -> str:
    kind = kinds_by_name.get(place)
    if kind in FORMS:
        return FORMS[kind]
    folded = fold(place)
    if "cong thong tin" in folded:
        return FORMS["portal"]
    if "phan mem" in folded:
        return FORMS["software"]
    if folded.startswith("gui"):
        return FORMS["letter"]
    if "nha van hoa" in folded:
        return FORMS["village"]
    return FORMS["posting"]


def _content(record: PostingRecord, consultation: Consultation, document: Document | None) -> str:
    if record.what == "decision" and document is not None:
        return (
            f"Quyết định số {document.symbol} ngày {dmy(document.issued_on)} "
            f"ban hành {consultation.title}"
        )
    if record.what == "draft":
        plan = f" và Kế hoạch số {document.symbol}" if document is not None else ""
        return f"Dự thảo {consultation.title}{plan}"
    label = document.symbol if document is not None else record.what
    return f"{label}: {consultation.title}"


def listing(
    session: Session, organization: Organization, start: date, end: date
) -> list[Disclosure]:
    """What began to be disclosed between ``start`` and ``end`` (inclusive), in date order."""
    places = {
        p.name: p.kind
        for p in session.exec(
            select(PostingPlace).where(PostingPlace.organization_id == organization.id)
        )
    }
    query = (
        select(PostingRecord, Consultation)
        .join(Consultation, col(Consultation.id) == col(PostingRecord.consultation_id))
        .where(
            Consultation.organization_id == organization.id,
            col(PostingRecord.starts_on) >= start,
            col(PostingRecord.starts_on) <= end,
        )
        .order_by(col(PostingRecord.starts_on), col(PostingRecord.id))
    )
    found = []
    for record, consultation in session.exec(query):
        document = session.get(Document, record.document_id) if record.document_id else None
        found.append(
            Disclosure(
                consultation_id=consultation.id or 0,
                content=_content(record, consultation, document),
                form=form_of(record.place, places),
                place=record.place,
                starts_on=record.starts_on,
                ends_on=record.ends_on,
            )
        )
    return found


def to_csv(items: list[Disclosure]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows the Vietnamese letters."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for index, item in enumerate(items, start=1):
        row = [index, item.content, item.form, item.place, dmy(item.starts_on), item.until]
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")
