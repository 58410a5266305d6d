"""The reviewer's workbench: counts at a glance (opinions and the people they speak for, per
article, village, channel and status), the opinions a filter matches, and the articles the
opinions led to change. Answering them is :mod:`consult.services.answers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
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
