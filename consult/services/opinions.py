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
    count_up_to: int | None = None,
) -> tuple[list[Comment], int]:
    """One page of the opinions ``flt`` matches, and how many match. With ``count_up_to``
    the count stops there: a total above it means "more than ``count_up_to``" (counting
    millions of matches exactly costs seconds; the first that match cost milliseconds)."""
    total = count_matching(session, consultation_id, flt, up_to=count_up_to)
    return page_of(session, consultation_id, flt, page=page, per_page=per_page, sort=sort), total


def page_of(
    session: Session,
    consultation_id: int,
    flt: CommentFilter,
    *,
    page: int = 1,
    per_page: int = 50,
    sort: str = "received",
) -> list[Comment]:
    """One page of the opinions ``flt`` matches, in the order ``sort`` names."""
    query = filtered(consultation_id, flt).order_by(*SORTS.get(sort, SORTS["received"]))
    return list(session.exec(query.offset((page - 1) * per_page).limit(per_page)))


def count_matching(
    session: Session, consultation_id: int, flt: CommentFilter, *, up_to: int | None = None
) -> int:
    """How many opinions ``flt`` matches; with ``up_to``, at most ``up_to + 1``."""
    query = filtered(consultation_id, flt).with_only_columns(col(Comment.id))
    if up_to is not None:
        query = query.limit(up_to + 1)
    return int(session.exec(select(func.count()).select_from(query.subquery())).one())


def filtered(consultation_id: int, flt: CommentFilter) -> Any:
    """The query of one consultation's opinions that match ``flt`` (unordered)."""
    query = select(Comment).where(Comment.consultation_id == consultation_id)
    if flt.disposition == "none":
        query = query.where(col(Comment.disposition).is_(None))
    elif flt.disposition:
        query = query.where(Comment.disposition == flt.disposition)
    if flt.article == "general":
        query = query.where(col(Comment.article_id).is_(None))
    elif flt.article:  # the article's id first (numbers are unique in a consultation), so
        # the index on (consultation, article, received) serves the filter
        article_id = select(Article.id).where(
            Article.consultation_id == consultation_id, Article.number == flt.article
        )
        query = query.where(col(Comment.article_id) == article_id.scalar_subquery())
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
