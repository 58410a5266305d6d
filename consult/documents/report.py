"""The periodic report (báo cáo định kỳ): the section of a half-year report on consultations,
written in Vietnamese from the recorded data.

For each consultation of the period: the plan with its number and date, how long and where the
draft was posted, the opinions by channel, what was taken up, the decision with its number and
date, where it was published, and the implementation plan. The wording lives in
``templates/documents/report.md`` (Markdown with Jinja fields); the DOCX puts the same text into
``templates/documents/bao-cao-dinh-ky.docx``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from sqlalchemy import or_
from sqlmodel import Session, col, select

from consult.calendar import dmy
from consult.documents import facts as facts_module
from consult.documents import layout, pages
from consult.documents.facts import Facts
from consult.documents.render import TEMPLATES_DIR, addressees, organization_body
from consult.models import Consultation, Document, Organization, PostingRecord
from consult.workflow.catalog import Catalog

MARKDOWN_TEMPLATE = "report.md"
DOCX_TEMPLATE = "bao-cao-dinh-ky.docx"
SUBJECT = (
    "Kết quả tổ chức lấy ý kiến xây dựng quy chế thực hiện dân chủ từ ngày {start} đến ngày {end}"
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    """Inclusive."""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True)
class Block:
    kind: str
    """``heading``, ``item`` or ``paragraph``."""
    text: str


def consultations_in(session: Session, organization: Organization, period: Period) -> list[Facts]:
    """Consultations with a document issued, or a posting begun, within the period."""
    with_documents = select(Document.consultation_id).where(
        Document.organization_id == organization.id,
        col(Document.issued_on) >= period.start,
        col(Document.issued_on) <= period.end,
    )
    with_postings = select(PostingRecord.consultation_id).where(
        col(PostingRecord.starts_on) >= period.start, col(PostingRecord.starts_on) <= period.end
    )
    query = select(Consultation).where(
        Consultation.organization_id == organization.id,
        or_(col(Consultation.id).in_(with_documents), col(Consultation.id).in_(with_postings)),
    )
    found = [facts_module.gather(session, c) for c in session.exec(query)]
    return sorted(found, key=_started_on)


def _started_on(item: Facts) -> tuple[date, int]:
    plan = item.document("plan")
    day = plan.issued_on if plan else item.posted_from or date.max
    return day, item.consultation.id or 0


def _document(document: Document | None) -> dict[str, str] | None:
    if document is None:
        return None
    return {"symbol": document.symbol, "date": dmy(document.issued_on)}


def item_context(item: Facts, catalog: Catalog | None, session: Session) -> dict[str, Any]:
    warning = ""
    if catalog is not None:
        definition = catalog.pinned(session, item.consultation.workflow_hash)
        spec = definition.posting_window()
        days = item.posting_days
        if (
            spec is not None
            and spec.minimum is not None
            and spec.minimum.unit == "d"
            and days is not None
            and days < spec.minimum.amount
        ):
            warning = (
                f"Thời gian niêm yết dự thảo ({days} ngày) ngắn hơn {spec.minimum.amount} ngày "
                f"liên tục theo {spec.basis}."
            )
    return {
        "title": item.consultation.title,
        "audience": item.audience,
        "plan": _document(item.document("plan")),
        "decision": _document(item.document("decision")),
        "implementation_plan": _document(item.document("implementation_plan")),
        "synthesis_report": _document(item.document("synthesis_report")),
        "posting_days": item.posting_days,
        "posted_from": dmy(item.posted_from),
        "posted_until": dmy(item.posted_until),
        "posting_places": item.posting_places,
        "comment_deadline": item.comment_deadline,
        "opinion_count": item.opinion_count,
        "people_count": item.people_count,
        "by_channel": item.by_channel,
        "by_disposition": item.by_disposition,
        "taken_up": item.taken_up,
        "synthesis_summary": item.consultation.synthesis_summary,
        "published_on": dmy(item.published_on),
        "publication_places": item.publication_places,
        "warning": warning,
    }


def context(
    session: Session, organization: Organization, period: Period, catalog: Catalog | None = None
) -> dict[str, Any]:
    items = consultations_in(session, organization, period)
    return {
        "org_name": organization.name,
        "org_short": organization.short_name,
        "period_from": dmy(period.start),
        "period_to": dmy(period.end),
        "items": [item_context(i, catalog, session) for i in items],
    }


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def markdown(data: dict[str, Any]) -> str:
    text = _environment().get_template(MARKDOWN_TEMPLATE).render(**data)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def blocks(text: str) -> list[Block]:
    """The Markdown as the DOCX prints it: headings, list items and paragraphs."""
    found: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            found.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            found.append(Block("heading", line.lstrip("#").strip()))
        elif line.startswith("- "):
            flush()
            found.append(Block("item", line[2:].strip()))
        else:
            paragraph.append(line)
    flush()
    return found


def docx(session: Session, organization: Organization, period: Period, text: str) -> bytes:
    people = facts_module.people(session, organization)
    signer = people.get("committee", facts_module.Person("", "Chủ tịch"))
    written = period.end + timedelta(days=1)  # the earliest day the report can be dated
    issuer = layout.issuer(
        organization.name, organization.superior_on(written), organization.short_name
    )
    signing = layout.signing_block(
        signer.position or "Chủ tịch",
        signer.name,
        on_behalf_of=organization_body(organization),
    )
    recipients = layout.Recipients(addressees(organization, "periodic_report", written))
    data = {
        "national_name": layout.NATIONAL_NAME,
        "motto": layout.MOTTO,
        "issuer_superior": issuer.superior,
        "issuer_name": issuer.name,
        "issuer_line_1": issuer.name_lines[0],
        "issuer_line_2": issuer.name_lines[1],
        "number_line": layout.number_line(None, "BC", organization.code),
        "date_line": layout.date_line(organization.place_name, None, period.end.year),
        "heading": "BÁO CÁO",
        "subject": SUBJECT.format(start=dmy(period.start), end=dmy(period.end)),
        "blocks": blocks(text),
        "signing_mark": signing.mark,
        "signing_position": signing.position,
        "signer_name": signing.name,
        "recipients": recipients.lines,
    }
    template = DocxTemplate(str(TEMPLATES_DIR / DOCX_TEMPLATE))
    template.render(data, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return pages.numbered(buffer.getvalue())
