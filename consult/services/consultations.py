"""Reading consultations: lists, drafts, documents, windows, postings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.errors import NotFound
from consult.i18n import _
from consult.models import (
    Article,
    ArticleText,
    AuditEvent,
    Comment,
    Consultation,
    Document,
    DraftVersion,
    PostingRecord,
    Window,
)
from consult.permissions import Can


@dataclass(frozen=True)
class ArticleView:
    id: int
    number: str
    chapter: str
    title: str
    text: str


def for_staff(
    session: Session,
    consultation_id: int,
    actor: Actor,
    capability: Can = Can.READ_STAFF_FILE,
) -> Consultation:
    """The consultation, for a staff member who has ``capability`` in its organization:
    :class:`~consult.errors.NotFound` if there is none, else
    :class:`~consult.errors.Forbidden` with the capability's message."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None or consultation.deleted_at is not None:
        raise NotFound(_("Consultation %(id)s does not exist.", id=consultation_id))
    permissions.require_on(actor, capability, consultation)
    return consultation


def listing(
    session: Session,
    *,
    state: str | None = None,
    workflow: str | None = None,
    public_only: bool = False,
    organization_id: int | None = None,
) -> list[Consultation]:
    query = select(Consultation).where(col(Consultation.deleted_at).is_(None))
    if state:
        query = query.where(Consultation.state == state)
    if workflow:
        query = query.where(Consultation.workflow_id == workflow)
    if organization_id is not None:
        query = query.where(Consultation.organization_id == organization_id)
    if public_only:
        query = query.where(col(Consultation.state) != "draft")
    return list(
        session.exec(
            query.order_by(col(Consultation.created_at).desc(), col(Consultation.id).desc())
        )
    )


def is_public(consultation: Consultation) -> bool:
    """A draft in preparation is internal; from posting on, the consultation is public."""
    return is_public_state(consultation.state)


def is_public_state(state: str) -> bool:
    return state != "draft"


def latest_draft(session: Session, consultation_id: int) -> DraftVersion | None:
    query = select(DraftVersion).where(DraftVersion.consultation_id == consultation_id)
    return session.exec(query.order_by(col(DraftVersion.number).desc())).first()


def articles(
    session: Session, consultation_id: int, draft: DraftVersion | None = None
) -> list[ArticleView]:
    draft = draft or latest_draft(session, consultation_id)
    if draft is None:
        return []
    query = (
        select(Article, ArticleText)
        .join(ArticleText, col(ArticleText.article_id) == col(Article.id))
        .where(Article.consultation_id == consultation_id, ArticleText.draft_version_id == draft.id)
        .order_by(col(Article.position), col(Article.id))
    )
    return [
        ArticleView(id=a.id or 0, number=a.number, chapter=t.chapter, title=t.title, text=t.text)
        for a, t in session.exec(query)
    ]


def chapters(articles: list[ArticleView]) -> list[tuple[str, list[ArticleView]]]:
    """Consecutive articles grouped under their chapter, in the draft's order."""
    grouped: list[tuple[str, list[ArticleView]]] = []
    for article in articles:
        if not grouped or grouped[-1][0] != article.chapter:
            grouped.append((article.chapter, []))
        grouped[-1][1].append(article)
    return grouped


def documents(session: Session, consultation_id: int, *, published_only: bool) -> list[Document]:
    query = select(Document).where(Document.consultation_id == consultation_id)
    if published_only:
        query = query.where(col(Document.published_on).is_not(None))
    return list(session.exec(query.order_by(col(Document.issued_on), col(Document.number))))


def windows(session: Session, consultation_id: int) -> list[Window]:
    query = select(Window).where(Window.consultation_id == consultation_id)
    return list(session.exec(query.order_by(col(Window.opens_at))))


def postings(session: Session, consultation_id: int) -> list[PostingRecord]:
    query = select(PostingRecord).where(PostingRecord.consultation_id == consultation_id)
    return list(session.exec(query.order_by(col(PostingRecord.starts_on), col(PostingRecord.id))))


def comment_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    query = (
        select(Comment.consultation_id, func.count())
        .where(col(Comment.consultation_id).in_(ids))
        .group_by(col(Comment.consultation_id))
    )
    return {cid: int(n) for cid, n in session.exec(query)}


def counts_by_article(session: Session, consultation_id: int) -> dict[int | None, int]:
    query = (
        select(Comment.article_id, func.count())
        .where(Comment.consultation_id == consultation_id)
        .group_by(col(Comment.article_id))
    )
    return {aid: int(n) for aid, n in session.exec(query)}


def public_version(session: Session, consultation_id: int, now: datetime) -> tuple[Any, ...]:
    """What the public page of a consultation shows changes only when this changes: one
    query of primary-key and single-row lookups, however many opinions there are.

    The consultation's row version and state (every workflow step and answer bumps the
    version), the newest opinion anywhere (a new one changes the counts), the newest audit
    entry anywhere (every staff action writes one: documents, dispositions, windows,
    calendars), and where ``now`` stands against the comment window (it opens and closes by
    the clock, with no write).
    """
    window = (
        select(Window.opens_at, Window.closes_at)
        .where(
            col(Window.consultation_id) == consultation_id, col(Window.accepts_comments).is_(True)
        )
        .order_by(col(Window.opens_at))
        .limit(1)
        .subquery()
    )
    row = session.exec(
        select(  # type: ignore[call-overload]
            col(Consultation.version),
            col(Consultation.state),
            select(func.max(Comment.id)).scalar_subquery(),
            select(func.max(AuditEvent.id)).scalar_subquery(),
            select(window.c.opens_at).scalar_subquery(),
            select(window.c.closes_at).scalar_subquery(),
        ).where(col(Consultation.id) == consultation_id)
    ).first()
    if row is None:
        return ()
    version, state, last_opinion, last_entry, opens_at, closes_at = row
    phase = sum(1 for moment in (opens_at, closes_at) if moment is not None and now >= moment)
    return (version, state, last_opinion, last_entry, phase)
