"""The reviewer's workbench: counts at a glance (opinions and the people they speak for, per
article, village, channel and status), the opinions a filter matches, and the articles the
opinions led to change. Answering them is :mod:`consult.services.answers`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine as Engine_
from sqlalchemy import func, text
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


_TAIL = 1000
"""How far below the last id an opinion may still commit after it (PostgreSQL hands out ids
before the commit): the count over the last ids catches it."""


def _version(session: Session, consultation_id: int) -> tuple[Any, ...]:
    """Changes whenever an opinion arrives or a disposition or group changes (each writes an
    audit entry for the consultation). Opinions are never deleted, so the last id and the
    count of the opinions among the last :data:`_TAIL` ids stand for the count, which costs
    seconds over millions of opinions."""
    mine = col(Comment.consultation_id) == consultation_id
    last = session.exec(select(func.max(Comment.id)).where(mine)).one() or 0
    recent = session.exec(select(func.count()).where(mine, col(Comment.id) > last - _TAIL)).one()
    audited = session.exec(
        select(func.max(AuditEvent.id)).where(AuditEvent.consultation_id == consultation_id)
    ).one()
    return (last, recent, audited)


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


COUNT_UP_TO = 1_000
"""The review table counts the matches of a filter up to here ("more than 1,000"), unless
the counts at a glance already know the number (no filter, or one of their columns)."""
SEARCH_WORK_MEM = "64MB"
"""PostgreSQL's ``work_mem`` for the review table's queries (that transaction only)."""
PAGE_UP_TO = 10_000
"""It pages through at most this many opinions in one order (a deeper page costs a walk over
every row before it: filter, search or sort instead), and no further than it counted."""


@dataclass(frozen=True)
class TablePage:
    rows: list[Comment]
    total: int
    exact: bool
    """``False``: more than :data:`COUNT_UP_TO` match, ``total`` is that bound."""
    glance: Glance
    page: int
    """The page shown: the one asked, or the last one that may be paged to."""
    pages: int
    """How many pages may be paged through: :attr:`pageable` opinions' worth."""
    pageable: int
    """How many opinions may be paged through in this order (at most :data:`PAGE_UP_TO`)."""

    @property
    def beyond(self) -> bool:
        """More match than may be paged through in this order."""
        return self.total > self.pageable or not self.exact


def table_page(
    session: Session,
    consultation_id: int,
    flt: opinions.CommentFilter,
    *,
    page: int,
    per_page: int,
    sort: str,
) -> TablePage:
    """One page of the review table with the counts at a glance. The number of matches comes
    from the glance when the filter is one of its columns (or none), else it is counted up to
    :data:`COUNT_UP_TO`."""
    seen = glance(session, consultation_id)
    known = _known_total(session, consultation_id, seen, flt)
    if session.get_bind().dialect.name == "postgresql":
        # Room for the bitmaps of the filters and the search: in the server's default 4 MB
        # those over millions of opinions turn lossy and every row of their pages is read.
        session.execute(text(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'"))
    if known is None:
        counted = opinions.count_matching(session, consultation_id, flt, up_to=COUNT_UP_TO)
    total = known if known is not None else min(counted, COUNT_UP_TO)
    pageable = min(total, PAGE_UP_TO)
    pages = max(-(-pageable // per_page), 1)
    page = min(page, pages)
    rows = opinions.page_of(session, consultation_id, flt, page=page, per_page=per_page, sort=sort)
    exact = known is not None or counted <= COUNT_UP_TO
    return TablePage(rows, total, exact, seen, page, pages, pageable)


def _known_total(
    session: Session, consultation_id: int, seen: Glance, flt: opinions.CommentFilter
) -> int | None:
    """The number of opinions ``flt`` matches when the glance has it: no filter, or only an
    article, a village, a channel or a status."""
    given = {k: v for k, v in vars(flt).items() if v is not None}
    if not given:
        return seen.total.opinions
    if len(given) > 1 or not ({"article", "locality", "channel", "disposition"} & set(given)):
        return None
    tallies, wanted = {
        "locality": lambda: (seen.by_locality, flt.locality),
        "channel": lambda: (seen.by_channel, flt.channel),
        "disposition": lambda: (
            seen.by_disposition,
            None if flt.disposition == "none" else flt.disposition,
        ),
        "article": lambda: (seen.by_article, _article_key(session, consultation_id, flt)),
    }[next(iter(given))]()
    if wanted == "":
        return None
    return sum(t.opinions for t in tallies if t.key == wanted)


def _article_key(
    session: Session, consultation_id: int, flt: opinions.CommentFilter
) -> int | str | None:
    """The glance's key of the article filtered on (``None``: general opinions; ``""``: no
    such article, let the query answer)."""
    if flt.article == "general":
        return None
    found = session.exec(
        select(Article.id).where(
            Article.consultation_id == consultation_id, Article.number == flt.article
        )
    ).first()
    return "" if found is None else int(found)


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
