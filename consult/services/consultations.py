"""Reading consultations: lists, drafts, documents, windows, postings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.calendar import local_date
from consult.db import Driver, Prepared
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
from consult.services import counts


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
    """Opinions per consultation (:mod:`consult.services.counts`)."""
    return counts.totals(session, ids)


def counts_by_article(session: Session, consultation_id: int) -> dict[int | None, int]:
    """Opinions per article (:mod:`consult.services.counts`)."""
    return counts.by_article(session, consultation_id)


class PublicVersion(NamedTuple):
    """What the public page of a consultation shows changes only when this changes."""

    version: int
    state: str
    last_opinion: int | None
    last_entry: int | None
    phase: int
    """How many of the comment window's ends ``now`` has passed (it opens and closes by the
    clock, with no write)."""
    day: date
    """Today in Vietnam (the days left in the window count down with no write)."""
    counted_to: int
    """How far the opinion counts kept have counted (:mod:`consult.services.counts`)."""

    @property
    def file(self) -> tuple[Any, ...]:
        """The part staff change: the consultation's row and state (every workflow step and
        answer bumps the version), the newest audit entry anywhere (every staff action
        writes one: documents, dispositions, windows, calendars) and the window's phase."""
        return (self.version, self.state, self.last_entry, self.phase)


def _public_version_statement() -> Prepared:
    window = (
        select(Window.opens_at, Window.closes_at)
        .where(
            col(Window.consultation_id) == bindparam("cid"),
            col(Window.accepts_comments).is_(True),
        )
        .order_by(col(Window.opens_at))
        .limit(1)
        .subquery()
    )
    return Prepared(
        select(  # type: ignore[call-overload]
            col(Consultation.version),
            col(Consultation.state),
            select(func.max(Comment.id)).scalar_subquery().label("last_opinion"),
            select(func.max(AuditEvent.id)).scalar_subquery().label("last_entry"),
            select(window.c.opens_at).scalar_subquery().label("opens_at"),
            select(window.c.closes_at).scalar_subquery().label("closes_at"),
            counts.MARK.label("counted_to"),
        ).where(col(Consultation.id) == bindparam("cid"), col(Consultation.deleted_at).is_(None))
    )


_PUBLIC_VERSION = _public_version_statement()


def public_version(connection: Driver, consultation_id: int, now: datetime) -> PublicVersion | None:
    """The :class:`PublicVersion` of a consultation (``None``: there is none): one statement
    of primary-key and single-row lookups, however many opinions there are."""
    row = _PUBLIC_VERSION.first(connection, {"cid": consultation_id})
    if row is None:
        return None
    phase = sum(1 for end in (row.opens_at, row.closes_at) if end is not None and now >= end)
    return PublicVersion(
        version=row.version,
        state=row.state,
        last_opinion=row.last_opinion,
        last_entry=row.last_entry,
        phase=phase,
        day=local_date(now),
        counted_to=int(row.counted_to or 0),
    )
