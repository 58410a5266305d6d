"""Reading the opinions of a consultation: filters (with or without Vietnamese diacritics),
sorting, pages and counts, as the review table, the API and the exports ask them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from consult.models import Article, Comment
from consult.text import fold


@dataclass(frozen=True)
class CommentFilter:
    disposition: str | None = None
    article: str | None = None
    locality: str | None = None
    channel: str | None = None
    q: str | None = None
    anonymous: bool | None = None
    """``True``: anonymous opinions only; ``False``: named ones only."""
    group: str | None = None


SORTS = {
    "received": (col(Comment.received_at), col(Comment.id)),
    "-received": (col(Comment.received_at).desc(), col(Comment.id).desc()),
    "article": (col(Comment.article_id), col(Comment.received_at), col(Comment.id)),
    "locality": (col(Comment.locality), col(Comment.received_at), col(Comment.id)),
    "-represents": (col(Comment.represents).desc(), col(Comment.id)),
}
"""The orders the review table offers; ``received`` (oldest first) is the default."""


def search(
    session: Session,
    consultation_id: int,
    flt: CommentFilter,
    *,
    page: int = 1,
    per_page: int = 50,
    sort: str = "received",
) -> tuple[list[Comment], int]:
    query = filtered(consultation_id, flt)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(*SORTS.get(sort, SORTS["received"]))
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), int(total)


def filtered(consultation_id: int, flt: CommentFilter) -> Any:
    """The query of one consultation's opinions that match ``flt`` (unordered)."""
    query = select(Comment).where(Comment.consultation_id == consultation_id)
    if flt.disposition == "none":
        query = query.where(col(Comment.disposition).is_(None))
    elif flt.disposition:
        query = query.where(Comment.disposition == flt.disposition)
    if flt.article == "general":
        query = query.where(col(Comment.article_id).is_(None))
    elif flt.article:
        query = query.join(Article, col(Article.id) == col(Comment.article_id)).where(
            Article.number == flt.article
        )
    if flt.locality:
        query = query.where(Comment.locality == flt.locality)
    if flt.channel:
        query = query.where(Comment.channel == flt.channel)
    if flt.q and fold(flt.q):
        for word in fold(flt.q).split():
            query = query.where(col(Comment.search_text).contains(word, autoescape=True))
    if flt.anonymous is True:
        query = query.where(func.trim(col(Comment.author_name)) == "")
    elif flt.anonymous is False:
        query = query.where(func.trim(col(Comment.author_name)) != "")
    if flt.group:
        query = query.where(Comment.group_key == flt.group)
    return query


def count(session: Session, consultation_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Comment)
            .where(Comment.consultation_id == consultation_id)
        ).one()
    )
