"""The reviewer's workbench: counts at a glance (opinions and the people they speak for, per
article, village, channel and status), the opinions a filter matches, and the articles the
opinions led to change. Answering them is :mod:`consult.services.answers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from consult.errors import Invalid
from consult.i18n import _
from consult.models import Article, Comment, CommentChange
from consult.services import counts, opinions

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


def _tallies(found: dict[Any, list[int]]) -> list[Tally]:
    return [Tally(key=k, opinions=n, people=p, open=o) for k, (n, p, o) in found.items()]


def glance(session: Session, consultation_id: int) -> Glance:
    """Opinions and the people they speak for, per article, village, channel and status:
    from the counts kept (:mod:`consult.services.counts`), flat in the number of opinions."""
    found = counts.buckets(session, consultation_id)
    by_article = _tallies(found["article"])
    return Glance(
        total=Tally(
            key=None,
            opinions=sum(t.opinions for t in by_article),
            people=sum(t.people for t in by_article),
            open=sum(t.open for t in by_article),
        ),
        by_article=by_article,
        by_locality=sorted(_tallies(found["locality"]), key=lambda t: str(t.key)),
        by_channel=_tallies(found["channel"]),
        by_disposition=_tallies(found["disposition"]),
    )


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
