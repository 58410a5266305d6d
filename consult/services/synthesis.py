"""The synthesis report (báo cáo tổng hợp, tiếp thu, giải trình ý kiến), from the data.

The reviewer generates it (its figures are stored as generated), the Chairman approves it
(numbered BC in the register, audited), the records office publishes it: posted 30 days at the
posting places (Law 10/2022 Art. 13(2)). Opinions are counted twice over, honestly: as
opinions received and as the people or households they speak for; a group of copies answered
once is one issue with its count.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.calendar import LegalCalendar
from consult.errors import Forbidden, NotAllowedNow, NotFound
from consult.i18n import _
from consult.ledger import audit, register
from consult.models import (
    Article,
    Comment,
    CommentChange,
    Consultation,
    Document,
    Organization,
    PostingRecord,
    SynthesisReport,
)
from consult.services import comments, consultations, organizations
from consult.services.review import glance

GENERATE_ROLES = tuple(permissions.TABLE[permissions.Can.REVIEW_OPINIONS])
APPROVE_ROLES = (permissions.SIGNER,)
PUBLISH_ROLES = (permissions.CLERK,)
POSTING_DAYS = 30
"""Posting of the synthesis and explanation: 30 consecutive days (Art. 11(11), 13(2))."""
BASIS = "Luật 10/2022/QH15, Điều 13(2)"
DOC_TYPE = "BC"
SUBJECT = "Tổng hợp, tiếp thu, giải trình ý kiến đối với dự thảo {title}"


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


def current(session: Session, consultation_id: int) -> SynthesisReport | None:
    query = select(SynthesisReport).where(SynthesisReport.consultation_id == consultation_id)
    return session.exec(query).first()


def check_not_approved(session: Session, consultation: Consultation) -> None:
    """Once the Chairman has approved the report, the dispositions it reports are final."""
    assert consultation.id is not None
    report = current(session, consultation.id)
    if report is not None and report.status != "draft":
        raise NotAllowedNow(
            _("The synthesis report was approved; its dispositions can no longer change.")
        )


def _require(consultation: Consultation, actor: Actor, roles: tuple[str, ...], why: str) -> None:
    if not actor.has_role(consultation.organization_id, *roles):
        raise Forbidden(why)


def generate(
    session: Session, consultation: Consultation, actor: Actor, now: datetime
) -> SynthesisReport:
    """Compute the report from the data and keep it as generated (the reviewer)."""
    _require(
        consultation,
        actor,
        GENERATE_ROLES,
        _("Only the Fatherland Front reviewer can generate the synthesis report."),
    )
    check_not_approved(session, consultation)
    figures = compute(session, consultation)
    assert consultation.id is not None
    report = current(session, consultation.id) or SynthesisReport(
        consultation_id=consultation.id, generated_at=now
    )
    report.figures = figures
    report.digest = digest(figures)
    report.generated_at = now
    report.generated_by_id = actor.user_id
    session.add(report)
    session.flush()
    audit.record(
        session,
        now=now,
        actor=actor,
        action="generate_synthesis",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={"digest": report.digest, "totals": figures["totals"]},
    )
    return report


def approve(
    session: Session,
    consultation: Consultation,
    actor: Actor,
    now: datetime,
    today: date,
) -> SynthesisReport:
    """The Chairman approves the report as generated; it is numbered BC in the register."""
    _require(
        consultation,
        actor,
        APPROVE_ROLES,
        _("Only the Chairman (signer) can approve the synthesis report."),
    )
    assert consultation.id is not None
    report = current(session, consultation.id)
    if report is None:
        raise NotAllowedNow(_("The reviewer has not generated the synthesis report yet."))
    if report.status != "draft":
        raise NotAllowedNow(_("The synthesis report is already approved."))
    window = comments.comment_window(session, consultation.id)
    if window is not None and now < window.closes_at:
        raise NotAllowedNow(
            _("The comment window is still open; the report can be approved only after it ends.")
        )
    figures = compute(session, consultation)
    if digest(figures) != report.digest:
        raise NotAllowedNow(
            _(
                "Opinions or dispositions changed after the report was generated; "
                "the reviewer must generate it again."
            )
        )
    if figures["totals"]["open"]:
        raise NotAllowedNow(
            _(
                "%(count)s opinion(s) have no disposition yet: give each one a disposition first.",
                count=figures["totals"]["open"],
            )
        )
    organization = session.get(Organization, consultation.organization_id)
    assert organization is not None
    document = register.record(
        session,
        organization,
        doc_type=DOC_TYPE,
        issued_on=today,
        subject=SUBJECT.format(title=consultation.title),
        now=now,
        consultation_id=consultation.id,
        signer_name=actor.full_name or actor.username,
        signer_title=actor.title,
        action="approve_synthesis",
    )
    report.status = "approved"
    report.approved_at = now
    report.approved_by_id = actor.user_id
    report.document_id = document.id
    session.add(report)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="approve_synthesis",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={"digest": report.digest, "symbol": document.symbol},
    )
    return report


def publish(
    session: Session,
    consultation: Consultation,
    actor: Actor,
    now: datetime,
    calendar: LegalCalendar,
    places: list[str] | None = None,
) -> SynthesisReport:
    """Post the approved report for citizens for 30 days at the posting places."""
    _require(
        consultation,
        actor,
        PUBLISH_ROLES,
        _("Only the records office (clerk) can publish the synthesis report."),
    )
    assert consultation.id is not None
    report = current(session, consultation.id)
    if report is None or report.status == "draft":
        raise NotAllowedNow(_("The Chairman has not approved the synthesis report yet."))
    if report.status == "published":
        raise NotAllowedNow(_("The synthesis report is already published."))
    organization = session.get(Organization, consultation.organization_id)
    assert organization is not None
    today = calendar.local_date(now)
    ends_on = calendar.period_last_day(today, POSTING_DAYS)
    chosen = places or organizations.posting_place_names(organization)
    for place in chosen:
        session.add(
            PostingRecord(
                consultation_id=consultation.id,
                document_id=report.document_id,
                what="synthesis",
                place=place,
                starts_on=today,
                ends_on=ends_on,
                recorded_by_id=actor.user_id,
                created_at=now,
            )
        )
    if report.document_id is not None:
        document = session.get(Document, report.document_id)
        if document is not None:
            document.published_on = today
            session.add(document)
    report.status = "published"
    report.published_on = today
    report.posting_ends_on = ends_on
    session.add(report)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="publish_synthesis",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={"places": chosen, "from": today.isoformat(), "to": ends_on.isoformat()},
    )
    return report


def published(session: Session, consultation_id: int) -> SynthesisReport:
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


def document_of(session: Session, report: SynthesisReport) -> Document | None:
    return session.get(Document, report.document_id) if report.document_id else None
