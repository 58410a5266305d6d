"""The reviewer's workbench: counts at a glance (opinions and the people they speak for, per
article, village, channel and status), the opinions a filter matches, and the articles the
opinions led to change. Answering them is :mod:`consult.services.answers`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine as Engine_
from sqlalchemy import func
from sqlmodel import Session, col, select

from consult.errors import Invalid
from consult.i18n import _
from consult.models import Article, AuditEvent, Comment, CommentChange
from consult.services import opinions

MAX_BULK = 5000


@dataclass(frozen=True)
class Tally:
    key: str | int | None
    opinions: int
    people: int
    open: int
    """Still without a disposition."""


@dataclass
class Glance:
    total: Tally
    by_article: list[Tally] = field(default_factory=list)
    by_locality: list[Tally] = field(default_factory=list)
    by_channel: list[Tally] = field(default_factory=list)
    by_disposition: list[Tally] = field(default_factory=list)


_SEEN: weakref.WeakKeyDictionary[Engine_, dict[int, tuple[tuple[Any, ...], Glance]]] = (
    weakref.WeakKeyDictionary()
)
"""Counts at a glance per database and consultation, with the data version they were computed
at: on a consultation of 100,000 opinions the four group-bys cost ~0.3-0.9 s, the version ~5 ms."""


def _version(session: Session, consultation_id: int) -> tuple[Any, ...]:
    """Changes whenever an opinion arrives (count, last id) or a disposition or group changes
    (each writes an audit entry for the consultation)."""
    count, last = session.exec(
        select(func.count(), func.max(Comment.id)).where(Comment.consultation_id == consultation_id)
    ).one()
    audited = session.exec(
        select(func.max(AuditEvent.id)).where(AuditEvent.consultation_id == consultation_id)
    ).one()
    return (count, last, audited)


def _tallies(rows: list[tuple[Any, ...]], index: int) -> list[Tally]:
    sums: dict[Any, list[int]] = {}
    for row in rows:
        entry = sums.setdefault(row[index], [0, 0, 0])
        entry[0] += row[4]
        entry[1] += row[5]
        entry[2] += row[4] if row[3] is None else 0
    return [Tally(key=k, opinions=n, people=p, open=o) for k, (n, p, o) in sums.items()]


def glance(session: Session, consultation_id: int) -> Glance:
    """Opinions and the people they speak for, per article, village, channel and status."""
    engine = session.get_bind()
    assert isinstance(engine, Engine_)
    version = _version(session, consultation_id)
    cached = _SEEN.setdefault(engine, {}).get(consultation_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    query = (
        select(  # type: ignore[call-overload]
            col(Comment.article_id),
            col(Comment.locality),
            col(Comment.channel),
            col(Comment.disposition),
            func.count(),
            func.sum(Comment.represents),
        )
        .where(Comment.consultation_id == consultation_id)
        .group_by(
            col(Comment.article_id),
            col(Comment.locality),
            col(Comment.channel),
            col(Comment.disposition),
        )
    )
    rows = [(a, loc, ch, d, int(n), int(p or 0)) for a, loc, ch, d, n, p in session.exec(query)]
    by_article = _tallies(rows, 0)
    result = Glance(
        total=Tally(
            key=None,
            opinions=sum(t.opinions for t in by_article),
            people=sum(t.people for t in by_article),
            open=sum(t.open for t in by_article),
        ),
        by_article=by_article,
        by_locality=sorted(_tallies(rows, 1), key=lambda t: str(t.key)),
        by_channel=_tallies(rows, 2),
        by_disposition=_tallies(rows, 3),
    )
    _SEEN[engine][consultation_id] = (version, result)
    return result


def matching_ids(session: Session, consultation_id: int, flt: opinions.CommentFilter) -> list[int]:
    """The ids of every opinion the filter matches (for "apply to all that match")."""
    query = opinions.filtered(consultation_id, flt).with_only_columns(col(Comment.id))
    return [int(i) for i in session.exec(query.limit(MAX_BULK + 1))]


def article_ids(session: Session, consultation_id: int, numbers: list[str]) -> list[int]:
    wanted = [n.strip() for n in numbers if n.strip()]
    if not wanted:
        return []
    found: dict[str, int | None] = {
        k: v
        for k, v in session.exec(
            select(Article.number, Article.id).where(
                Article.consultation_id == consultation_id, col(Article.number).in_(wanted)
            )
        )
    }
    missing = [n for n in wanted if n not in found]
    if missing:
        message = _("The draft has no article %(number)s.", number=", ".join(missing))
        raise Invalid(message, fields={"articles": message})
    return [int(found[n] or 0) for n in wanted]


def changed_articles(session: Session, comment_ids: list[int]) -> dict[int, list[str]]:
    """For each opinion, the numbers of the articles it led to change."""
    if not comment_ids:
        return {}
    query = (
        select(CommentChange.comment_id, Article.number)
        .join(Article, col(Article.id) == col(CommentChange.article_id))
        .where(col(CommentChange.comment_id).in_(comment_ids))
        .order_by(col(Article.position), col(Article.id))
    )
    out: dict[int, list[str]] = {}
    for cid, number in session.exec(query):
        out.setdefault(cid, []).append(number)
    return out


def changes_in(session: Session, consultation_id: int) -> dict[int, list[str]]:
    """For every opinion of a consultation that changed articles, their numbers (one query)."""
    query = (
        select(CommentChange.comment_id, Article.number)
        .join(Article, col(Article.id) == col(CommentChange.article_id))
        .where(Article.consultation_id == consultation_id)
        .order_by(col(Article.position), col(Article.id))
    )
    out: dict[int, list[str]] = {}
    for cid, number in session.exec(query):
        out.setdefault(cid, []).append(number)
    return out
