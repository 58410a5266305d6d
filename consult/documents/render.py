"""Generating a consultation's documents: the context each template receives, the DOCX
(docxtpl, from the editable ``.docx`` files under ``templates/documents/``) and the HTML view,
which is read back from that same DOCX so the two never disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from docxtpl import DocxTemplate

from consult.calendar import dmy
from consult.config import ROOT
from consult.documents import grounds, layout, pages
from consult.documents.facts import Facts
from consult.documents.kinds import Kind
from consult.models import Document, Organization
from consult.text import cleaned, fold

TEMPLATES_DIR = ROOT / "templates" / "documents"
DRAFTING_UNIT = "TP"
"""Tư pháp - Hộ tịch: the unit that drafts these documents, after "Lưu: VT," in Nơi nhận."""

RECIPIENTS: dict[str, tuple[str, ...]] = {
    "plan": (
        "Thường trực Đảng ủy, HĐND {short}",
        "Ủy ban MTTQ Việt Nam {short}",
        "Các ban, ngành, đoàn thể, các thôn",
    ),
    "notice": ("Các thôn (để niêm yết)", "Cổng thông tin điện tử {short}"),
    "posting_start": ("Ủy ban MTTQ Việt Nam {short}",),
    "posting_end": ("Ủy ban MTTQ Việt Nam {short}",),
    "synthesis_report": (
        "Thường trực HĐND {short}",
        "Ủy ban MTTQ Việt Nam {short}",
        "Các thôn (để niêm yết công khai)",
        "Cổng thông tin điện tử {short}",
    ),
    "submission": ("Như trên",),
    "decision": (
        "Như Điều 3",
        "{superior} (để báo cáo)",
        "Thường trực Đảng ủy, HĐND {short}",
        "Ủy ban MTTQ Việt Nam {short}",
        "Phần mềm QCDC tỉnh, Cổng thông tin điện tử {short}",
    ),
    "implementation_plan": (
        "{superior} (để báo cáo)",
        "Thường trực Đảng ủy, HĐND {short}",
        "Ủy ban MTTQ Việt Nam {short}",
        "Các ban, ngành, đoàn thể, các thôn",
    ),
    "periodic_report": ("{superior}", "Thường trực Đảng ủy, HĐND {short}"),
}
"""Who receives each kind (Nơi nhận), before the records office's "Lưu: VT, TP."."""

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Generated:
    kind: Kind
    document: Document | None
    """The register entry; None for a draft not numbered yet."""
    filename: str
    content: bytes


def organization_body(org: Organization) -> str:
    """The kind of body without its place: "Ủy ban nhân dân" of "Ủy ban nhân dân xã Đông Sơn"."""
    name = org.name.removesuffix(org.short_name).strip()
    return name or org.name


def addressees(org: Organization, key: str, on: date) -> list[str]:
    """Nơi nhận of a document of ``key`` dated ``on``: no copy to a superior that has ceased
    (a commune's district after 01/07/2025)."""
    superior = org.superior_on(on)
    return [
        line.format(short=org.short_name, superior=superior)
        for line in RECIPIENTS.get(key, ())
        if superior or "{superior}" not in line
    ]


def body_name(facts: Facts) -> str:
    return organization_body(facts.organization)


def reference(label: str, document: Document | None, facts: Facts) -> str:
    """ "Kế hoạch số 127/KH-UBND ngày 30/01/2024 của Ủy ban nhân dân xã Đông Sơn"."""
    if document is None:
        return f"{label} của {facts.organization.name}"
    return (
        f"{label} số {document.symbol} ngày {dmy(document.issued_on)} của {facts.organization.name}"
    )


def document_day(facts: Facts, kind: Kind, document: Document | None) -> date | None:
    """The day the document is dated: the register's, else the event a set of minutes records."""
    if document is not None:
        return document.issued_on
    if kind.key == "posting_start":
        return facts.posted_from
    if kind.key == "posting_end" and facts.posted_until is not None:
        return facts.posted_until + timedelta(days=1)
    return None


def context(facts: Facts, kind: Kind, today: date) -> dict[str, Any]:
    """Every value a document template may print, as text or lists of text."""
    org, consultation = facts.organization, facts.consultation
    document = facts.document(kind.key)
    day = document_day(facts, kind, document)
    on = day or today  # the day it speaks for: its date, or today for a draft not dated yet
    issuer = layout.issuer(org.name, org.superior_on(on), org.short_name)
    signer, drafter, reviewer = (
        facts.person("committee"),
        facts.person("legal_officer"),
        facts.person("front"),
    )
    if kind.signed_by == "committee":
        signing = layout.signing_block(
            (document.signer_title if document else "") or signer.position or "Chủ tịch",
            (document.signer_name if document else "") or signer.name,
            on_behalf_of=body_name(facts),
        )
    elif kind.signed_by == "legal_officer":
        signing = layout.signing_block(
            drafter.position or "Công chức Tư pháp - Hộ tịch", drafter.name
        )
    else:
        signing = layout.SigningBlock(
            mark=layout.vn_upper(f"Đại diện {org.name}"),
            position=layout.vn_upper(drafter.position),
            name=drafter.name,
        )
    recipients = layout.Recipients(addressees(org, kind.key, on), DRAFTING_UNIT)
    decision = facts.document("decision")
    title = consultation.title
    regulation_subject = title
    if fold(title).startswith("quy che "):
        rest = title[len("Quy chế ") :]
        regulation_subject = rest[:1].upper() + rest[1:]
    posted_from, posted_until = facts.posted_from, facts.posted_until
    return {
        # Decree 30/2020: the mandatory parts.
        "national_name": layout.NATIONAL_NAME,
        "motto": layout.MOTTO,
        "issuer_superior": issuer.superior,
        "issuer_name": issuer.name,
        "issuer_line_1": issuer.name_lines[0],
        "issuer_line_2": issuer.name_lines[1],
        "number_line": layout.number_line(
            document.number if document else None, kind.type, org.code
        ),
        "symbol": document.symbol if document else "",
        "date_line": layout.date_line(org.place_name, day, day.year if day else today.year),
        "heading": kind.heading,
        "subject": document.subject if document else kind.subject.format(title=title),
        "signing_mark": signing.mark,
        "signing_position": signing.position,
        "signer_name": signing.name,
        "recipients": recipients.lines,
        "draft": document is None,
        # The organization and the draft.
        "org_name": org.name,
        "org_short": org.short_name,
        "org_short_upper": layout.vn_upper(org.short_name),
        "body_name": body_name(facts),
        "superior_name": org.superior_on(on),
        "grounds": grounds.cited(org.code, kind.key, on),
        "title": title,
        "summary": consultation.summary,
        "audience": facts.audience,
        "article_count": len(facts.articles),
        "chapters": _chapters(facts),
        "regulation_subject": regulation_subject,
        # Postings and the comment window.
        "posting_places": facts.posting_places,
        "first_place": (facts.posting_places or [org.name])[0],
        "posted_from": dmy(posted_from),
        "posted_until": dmy(posted_until),
        "posting_days": facts.posting_days if facts.posting_days is not None else "…",
        "comment_deadline": facts.comment_deadline,
        "event_day_words": layout.vn_date_words(day) if day else "ngày … tháng … năm …",
        # People.
        "drafter_name": drafter.name,
        "drafter_position": drafter.position,
        "reviewer_name": reviewer.name,
        "reviewer_position": reviewer.position,
        "witness_title": layout.vn_upper(f"Đại diện Ủy ban MTTQ Việt Nam {org.short_name}"),
        # Opinions, from the synthesis report's figures; codes worded as consult.vocabulary says.
        "opinion_count": facts.opinion_count,
        "people_count": facts.people_count,
        "totals": facts.totals,
        "channel_counts": facts.channel_counts,
        "article_counts": facts.article_counts,
        "locality_counts": facts.locality_counts,
        "disposition_counts": facts.disposition_counts,
        "issues": facts.issues,
        "by_channel": [f"{label}: {n} ý kiến" for label, n in facts.by_channel],
        "by_disposition": [f"{label}: {n} ý kiến" for label, n in facts.by_disposition],
        "taken_up": facts.taken_up,
        "explained": facts.explained,
        "synthesis_summary": consultation.synthesis_summary,
        # The other documents.
        "plan_ref": reference("Kế hoạch", facts.document("plan"), facts),
        "report_ref": reference("Báo cáo", facts.document("synthesis_report"), facts),
        "decision_ref": reference("Quyết định", decision, facts),
        "attached_note": _attached_note(facts, decision),
        "draft_version": facts.draft_number,
        "draft_version_words": _draft_version_words(facts),
        "published_on": dmy(facts.published_on),
        "publication_places": facts.publication_places,
    }


def _attached_note(facts: Facts, decision: Document | None) -> str:
    """ "(Kèm theo Quyết định số 156/QĐ-UBND ngày 26 tháng 02 năm 2024 của …)"."""
    if decision is None:
        blank = "\u00a0" * 6
        return f"(Kèm theo Quyết định số {blank}/QĐ-{facts.organization.code} ngày {blank}của " + (
            f"{facts.organization.name})"
        )
    return (
        f"(Kèm theo Quyết định số {decision.symbol} {layout.vn_date_words(decision.issued_on)} "
        f"của {facts.organization.name})"
    )


def _draft_version_words(facts: Facts) -> str:
    """Which text the decision carries: "dự thảo lần 2, hoàn thiện ngày 25/03/2024 trên cơ sở
    tiếp thu ý kiến", or the posted draft unchanged."""
    if facts.draft_number <= 1 or facts.draft_revised_on is None:
        return "dự thảo lần 1, đã niêm yết lấy ý kiến, không sửa đổi"
    return (
        f"dự thảo lần {facts.draft_number}, hoàn thiện ngày {dmy(facts.draft_revised_on)} "
        "trên cơ sở tiếp thu ý kiến"
    )


def _chapters(facts: Facts) -> list[dict[str, Any]]:
    grouped: list[dict[str, Any]] = []
    for article in facts.articles:
        if not grouped or grouped[-1]["title"] != article.chapter:
            grouped.append({"title": article.chapter, "articles": []})
        heading = f"Điều {article.number}. {article.title}".rstrip(". ")
        grouped[-1]["articles"].append({"heading": heading, "text": article.text})
    return grouped


def fold_symbol(symbol: str) -> str:
    """A symbol as a file name: ``156/QĐ-UBND`` → ``156-QD-UBND``."""
    return fold(symbol).upper().replace("/", "-").replace(" ", "")


def filename(kind: Kind, document: Document | None, consultation_id: int) -> str:
    """``156-QD-UBND.docx``; a draft: ``du-thao-bien-ban-niem-yet-7.docx``."""
    if document is not None:
        return f"{fold_symbol(document.symbol)}.docx"
    return f"du-thao-{kind.template.split('-', 1)[1].removesuffix('.docx')}-{consultation_id}.docx"


def render_docx(facts: Facts, kind: Kind, today: date) -> Generated:
    template = DocxTemplate(str(TEMPLATES_DIR / kind.template))
    # Inputs are cleaned at the request; rows stored before that may still hold a NUL, which
    # XML cannot carry (python-docx: "All strings must be XML compatible").
    template.render(cleaned(context(facts, kind, today)), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    document = facts.document(kind.key)
    assert facts.consultation.id is not None
    return Generated(
        kind,
        document,
        filename(kind, document, facts.consultation.id),
        pages.numbered(buffer.getvalue()),
    )
