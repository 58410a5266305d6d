"""The synthesis report (báo cáo tổng hợp, tiếp thu, giải trình ý kiến), from the data.

Its lifecycle is the ``synthesis_report`` track of the workflow definition (generate →
approve → publish, with their roles, guards and the BC record in ``workflows/*.yaml``), taken
through the engine like any step. This module provides what those steps do: the figures
computed from the opinions and kept as generated (``compile_synthesis``), the check that they
still match the data when approved (``synthesis_up_to_date``), the approved report linked to
its number in the register (``approve_synthesis``) and its posting for citizens at the posting
places for the window the step opens (``post_synthesis``, Law 10/2022 Art. 13(2)).

Opinions are counted twice over, honestly: as opinions received and as the people or
households they speak for; a group of copies answered once is one issue with its count.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from consult.errors import NotFound
from consult.i18n import _
from consult.models import (
    Article,
    Comment,
    CommentChange,
    Consultation,
    Document,
    PostingRecord,
    SynthesisReport,
)
from consult.services import consultations
from consult.services.review import glance
from consult.workflow.context import ActionContext
from consult.workflow.registry import effect, guard
from consult.workflow.windows import last_day

TRACK = "synthesis_report"
"""The definitions' name for the report's track (its states: none, draft, approved, published)."""


def _rows(tallies: list[Any], label: Any) -> list[dict[str, Any]]:
    return [
        {"key": label(t.key), "opinions": t.opinions, "people": t.people, "open": t.open}
        for t in tallies
    ]


def compute(session: Session, consultation: Consultation) -> dict[str, Any]:
    """Every figure and issue of the report, computed from the opinions as they are now."""
    assert consultation.id is not None
    cid = consultation.id
    articles = consultations.articles(session, cid)
    numbers = {a.id: a.number for a in articles}
    titles = {a.number: a.title for a in articles}
    order = {a.number: i for i, a in enumerate(articles)}
    seen = glance(session, cid)
    by_article = sorted(
        _rows(seen.by_article, lambda k: numbers.get(k, "") if k is not None else ""),
        key=lambda r: (r["key"] != "", order.get(r["key"], 10**6)),
    )
    anonymous, offline = session.exec(
        select(
            func.count().filter(func.trim(col(Comment.author_name)) == ""),
            func.count().filter(col(Comment.channel) != "online"),
        ).where(Comment.consultation_id == cid)
    ).one()
    issues = _issues(session, cid, numbers)
    issues.sort(
        key=lambda i: (
            i["article"] != "",
            order.get(i["article"], 10**6),
            -i["opinions"],
            -i["people"],
            i["disposition"],
            i["group"],
            i["reason"],
            i["response"],
            i["sample"],
        )
    )
    grouped = [i for i in issues if i["group"]]
    return {
        "title": consultation.title,
        "articles": titles,
        "totals": {
            "opinions": seen.total.opinions,
            "people": seen.total.people,
            "open": seen.total.open,
            "anonymous": int(anonymous or 0),
            "offline": int(offline or 0),
            "issues": len(issues),
            "groups": len({i["group"] for i in grouped}),
            "grouped_opinions": sum(i["opinions"] for i in grouped),
        },
        "by_channel": sorted(
            _rows(seen.by_channel, lambda k: k or ""), key=lambda r: (-r["opinions"], r["key"])
        ),
        "by_locality": sorted(_rows(seen.by_locality, lambda k: k or ""), key=lambda r: r["key"]),
        "by_article": by_article,
        "by_disposition": sorted(
            _rows(seen.by_disposition, lambda k: k or "none"), key=lambda r: r["key"]
        ),
        "issues": issues,
    }


def _issues(session: Session, cid: int, numbers: dict[int, str]) -> list[dict[str, Any]]:
    """Opinions answered alike (same article or group, disposition, reason and response)
    form one issue; an opinion answered on its own is an issue by itself."""
    # A group answered once is one issue, whatever articles its copies named.
    article_key = case((col(Comment.group_key) != "", None), else_=col(Comment.article_id))
    query = (
        select(  # type: ignore[call-overload]
            func.min(Comment.article_id),
            col(Comment.group_key),
            col(Comment.disposition),
            col(Comment.reason),
            col(Comment.response),
            func.count(),
            func.sum(Comment.represents),
            func.min(Comment.id),
        )
        .where(Comment.consultation_id == cid)
        .group_by(
            article_key,
            col(Comment.group_key),
            col(Comment.disposition),
            col(Comment.reason),
            col(Comment.response),
        )
    )
    raw = list(session.exec(query))
    firsts = [int(r[7]) for r in raw]
    bodies: dict[int, str] = {}
    changed: dict[int, list[str]] = {}
    for start in range(0, len(firsts), 500):
        chunk = firsts[start : start + 500]
        bodies.update(
            (int(i or 0), b)
            for i, b in session.exec(
                select(col(Comment.id), col(Comment.body)).where(col(Comment.id).in_(chunk))
            )
        )
        links = session.exec(
            select(CommentChange.comment_id, Article.number)
            .join(Article, col(Article.id) == col(CommentChange.article_id))
            .where(col(CommentChange.comment_id).in_(chunk))
            .order_by(col(Article.position))
        )
        for comment_id, number in links:
            changed.setdefault(comment_id, []).append(number)
    return [
        {
            "article": numbers.get(article_id, "") if article_id is not None else "",
            "group": group_key,
            "disposition": disposition or "none",
            "reason": reason,
            "response": response,
            "opinions": int(n),
            "people": int(people or 0),
            "sample": bodies.get(int(first), ""),
            "changed": changed.get(int(first), []),
        }
        for article_id, group_key, disposition, reason, response, n, people, first in raw
    ]


def digest(figures: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Report:
    """The report as generated, and where it is in its lifecycle (the track's state)."""

    status: str
    figures: dict[str, Any]
    digest: str
    generated_at: datetime
    approved_at: datetime | None
    document_id: int | None
    published_on: date | None
    posting_ends_on: date | None


def status_of(consultation: Consultation) -> str:
    return consultation.tracks.get(TRACK, "none")


def _row(session: Session, consultation_id: int) -> SynthesisReport | None:
    query = select(SynthesisReport).where(SynthesisReport.consultation_id == consultation_id)
    return session.exec(query).first()


def current(session: Session, consultation_id: int) -> Report | None:
    row = _row(session, consultation_id)
    consultation = session.get(Consultation, consultation_id)
    if row is None or consultation is None:
        return None
    return Report(
        status=status_of(consultation),
        figures=row.figures,
        digest=row.digest,
        generated_at=row.generated_at,
        approved_at=row.approved_at,
        document_id=row.document_id,
        published_on=row.published_on,
        posting_ends_on=row.posting_ends_on,
    )


def is_stale(session: Session, consultation: Consultation, report: Report | None) -> bool:
    """A draft report whose figures no longer match the data (generate it again)."""
    return (
        report is not None
        and report.status == "draft"
        and digest(compute(session, consultation)) != report.digest
    )


def published(session: Session, consultation_id: int) -> Report:
    """The report as citizens may read it: published ones only."""
    report = current(session, consultation_id)
    if report is None or report.status != "published":
        raise NotFound(_("The synthesis report of this consultation is not published yet."))
    return report


def postings(session: Session, consultation_id: int) -> list[PostingRecord]:
    query = select(PostingRecord).where(
        PostingRecord.consultation_id == consultation_id, PostingRecord.what == "synthesis"
    )
    return list(session.exec(query.order_by(col(PostingRecord.id))))


def document_of(session: Session, report: Report) -> Document | None:
    return session.get(Document, report.document_id) if report.document_id else None


# --- the steps the definitions name ---------------------------------------------------------


@effect("compile_synthesis")
def compile_synthesis(ctx: ActionContext) -> None:
    """Compute the report from the data and keep it as generated. Generated while opinions may
    still come in, it is a working draft, marked as such, that cannot be approved."""
    figures = compute(ctx.session, ctx.consultation)
    if any(w.accepts_comments and ctx.now < w.closes_at for w in ctx.windows()):
        figures["working_draft"] = True
    report = _row(ctx.session, ctx.consultation_id) or SynthesisReport(
        consultation_id=ctx.consultation_id, generated_at=ctx.now
    )
    report.figures = figures
    report.digest = digest(figures)
    report.generated_at = ctx.now
    report.generated_by_id = ctx.actor.user_id
    ctx.session.add(report)
    ctx.notes.update(digest=report.digest, totals=figures["totals"])


@guard("synthesis_up_to_date")
def synthesis_up_to_date(ctx: ActionContext) -> str | None:
    """What is approved is exactly what was generated, and still what the data says."""
    report = _row(ctx.session, ctx.consultation_id)
    if report is None:
        return _("The reviewer has not generated the synthesis report yet.")
    if report.figures.get("working_draft"):
        return _(
            "This report is a working draft, generated while the comment window was open: "
            "generate it again now that the window has closed."
        )
    if digest(compute(ctx.session, ctx.consultation)) != report.digest:
        return _(
            "Opinions or dispositions changed after the report was generated; "
            "the reviewer must generate it again."
        )
    return None


@effect("approve_synthesis")
def approve_synthesis(ctx: ActionContext) -> None:
    """The approved report is the document the step numbered (BC)."""
    report = _row(ctx.session, ctx.consultation_id)
    assert report is not None  # synthesis_up_to_date guards this step
    report.approved_at = ctx.now
    report.approved_by_id = ctx.actor.user_id
    report.document_id = ctx.documents[0].id if ctx.documents else None
    ctx.session.add(report)
    ctx.notes.update(digest=report.digest)


@effect("post_synthesis")
def post_synthesis(ctx: ActionContext) -> None:
    """Post the approved report for citizens at the step's places, for the window it opens."""
    report = _row(ctx.session, ctx.consultation_id)
    assert report is not None
    today = ctx.today
    opened = [
        w
        for w in ctx.windows()
        if w.name in {s.name for s in ctx.definition.windows_opened_by(ctx.action.name)}
    ]
    ends_on = last_day(ctx.calendar, opened[0]) if opened else None
    places = ctx.payload.get("places") or []
    for place in places:
        ctx.session.add(
            PostingRecord(
                consultation_id=ctx.consultation_id,
                document_id=report.document_id,
                what="synthesis",
                place=place,
                starts_on=today,
                ends_on=ends_on,
                recorded_by_id=ctx.actor.user_id,
                created_at=ctx.now,
            )
        )
    document = ctx.session.get(Document, report.document_id) if report.document_id else None
    if document is not None:
        document.published_on = today
        ctx.session.add(document)
    report.published_on = today
    report.posting_ends_on = ends_on
    ctx.session.add(report)
    ctx.notes.update(
        places=places,
        posted_from=today.isoformat(),
        posted_until=ends_on.isoformat() if ends_on else None,
    )
