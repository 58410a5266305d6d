"""How many opinions a consultation has: one home for the counts that the public pages, the
lists and the reviewer's counts at a glance show, flat in the number of opinions.

The counts are a summary kept in the database (:class:`~consult.models.OpinionCount`: per
consultation, one row per article, village, channel and disposition, with the opinions, the
people they speak for and those still open) of every opinion up to a mark
(:class:`~consult.models.OpinionCountMark`), plus a live ``GROUP BY`` over only the opinions
newer than the mark (``id > counted_to``, a range of the primary key). So a new opinion shows
on the next view, and a view costs the summary's few rows and the short tail, whatever the
total.

Receiving an opinion writes nothing here: a counter row per article updated by every
opinion would make every citizen's ``POST`` queue on that row. Instead :func:`refresh`, run
by the scheduler's pass, folds the tail into the summary, in batches of at most
:data:`BATCH` opinions per transaction.

An opinion is never deleted or moved to another article, village or channel; its
disposition changes (a reviewer's answer). :func:`changing` wraps those writes: an opinion
already in the summary is taken out of its old disposition and counted in the new one, in
the same transaction.

On PostgreSQL ids are drawn before commit, so an opinion may commit after one with a larger
id. A pass reads the newest id, then the transactions holding the lock an ``INSERT`` into
``comment`` takes before drawing its id (``RowExclusiveLock``, held to commit): an opinion
under that id not committed yet is theirs. With none, the newest id is settled; else it waits
as ``pending_to`` (with them in ``waiting_for``) and is used at a later pass once none of
them runs any more. No late opinion falls below the mark uncounted; a long transaction
writing opinions only delays the folding (the tail, counted live, is longer meanwhile). On
SQLite writers take turns, so the newest id is settled at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, literal, select, text, union_all
from sqlmodel import Session

from consult.db import Driver, Prepared, upsert, write_session
from consult.models import Comment, OpinionCount, OpinionCountMark

BATCH = 200_000
"""At most this many opinions folded into the summary per transaction."""

DIMENSIONS = ("article", "locality", "channel", "disposition")

_C = Comment.__table__  # type: ignore[attr-defined]
_S = OpinionCount.__table__  # type: ignore[attr-defined]
_M = OpinionCountMark.__table__  # type: ignore[attr-defined]
_GROUP = (_C.c.consultation_id, _C.c.article_id, _C.c.locality, _C.c.channel, _C.c.disposition)
_TALLY = (func.count(), func.coalesce(func.sum(_C.c.represents), 0))


def _grouped(*where: Any) -> Any:
    """The opinions ``where`` selects, counted per consultation, article, village, channel and
    disposition: the rows :func:`_add` takes."""
    return select(*_GROUP, *_TALLY).where(*where).group_by(*_GROUP)


_of_consultation = _C.c.consultation_id + 0
"""The consultation of an opinion in the tail's filter, as an expression no index serves: the
tail is read by a range of the primary key (``id > mark``), never through an index by
consultation, which would visit every opinion of the consultation."""

Buckets = dict[str, dict[Any, list[int]]]
"""dimension → value → [opinions, people, open]"""

MARK = select(_M.c.counted_to).where(_M.c.id == 1).scalar_subquery()
"""How far the summary has counted, as a subquery (0 when it has not started)."""


def _key(dimension: str, value: Any) -> str:
    return "" if value is None else str(value)


def _value(dimension: str, key: str) -> Any:
    if dimension == "article":
        return int(key) if key else None
    if dimension == "disposition":
        return key or None
    return key


def _add(buckets: dict[int, Buckets], rows: Iterable[Any], sign: int = 1) -> None:
    """Add grouped rows ``(consultation, article, locality, channel, disposition, n, people)``
    to each dimension of their consultation's buckets."""
    for cid, article, locality, channel, disposition, n, people in rows:
        mine = buckets.setdefault(cid, {d: {} for d in DIMENSIONS})
        values = (article, locality, channel, disposition)
        for dimension, value in zip(DIMENSIONS, values, strict=True):
            entry = mine[dimension].setdefault(value, [0, 0, 0])
            entry[0] += sign * int(n)
            entry[1] += sign * int(people or 0)
            entry[2] += sign * int(n) if disposition is None else 0


def _store(connection: Connection | Session, buckets: dict[int, Buckets]) -> None:
    """Add ``buckets`` to the summary rows (created as needed)."""
    rows = [
        {
            "consultation_id": cid,
            "dimension": dimension,
            "key": _key(dimension, value),
            "opinions": n,
            "people": people,
            "open": open_,
        }
        for cid, mine in buckets.items()
        for dimension, values in mine.items()
        for value, (n, people, open_) in values.items()
        if n or people or open_
    ]
    if not rows:
        return
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    insert = upsert(bind.dialect.name)(_S)
    statement = insert.on_conflict_do_update(
        index_elements=["consultation_id", "dimension", "key"],
        set_={
            "opinions": _S.c.opinions + insert.excluded.opinions,
            "people": _S.c.people + insert.excluded.people,
            "open": _S.c.open + insert.excluded.open,
        },
    )
    connection.execute(statement, rows)


# --- reading --------------------------------------------------------------------------------
#
# The summary and the mark are read in one statement (one snapshot: a pass of :func:`refresh`
# commits both at once), then the tail above that mark; or, when the caller knows the mark
# already, all three in one statement, read again in the rare case the mark moved meanwhile.

_MARK_ROW = "#mark"
"""The key the mark comes back under, beside the summary's rows (no article, village or
channel is called that)."""

_SUMMARY = select(_S.c.dimension, _S.c.key, _S.c.opinions, _S.c.people, _S.c.open).where(
    _S.c.consultation_id == bindparam("cid")
)
_WITH_MARK = union_all(
    _SUMMARY,
    select(
        literal(_MARK_ROW, _S.c.dimension.type),
        literal("", _S.c.key.type),
        _M.c.counted_to,
        literal(0),
        literal(0),
    ).where(_M.c.id == 1),
)
_TAIL = _grouped(_C.c.id > bindparam("mark"), _of_consultation == bindparam("cid"))
_ARTICLES = Prepared(
    union_all(
        select(_S.c.key, _S.c.opinions).where(
            _S.c.consultation_id == bindparam("cid"), _S.c.dimension == "article"
        ),
        select(literal(_MARK_ROW, _S.c.key.type), _M.c.counted_to).where(_M.c.id == 1),
        select(func.coalesce(func.cast(_C.c.article_id, _S.c.key.type), ""), func.count())
        .where(_C.c.id > bindparam("mark"), _of_consultation == bindparam("cid"))
        .group_by(_C.c.article_id),
    )
)


def mark(session: Session) -> int:
    """How far the summary has counted."""
    return int(session.execute(select(MARK)).scalar() or 0)


def by_article(
    connection: Session | Driver, consultation_id: int, counted_to: int | None = None
) -> dict[int | None, int]:
    """Opinions per article (``None``: on the whole draft) in one statement: the summary's
    rows, the mark and the tail above ``counted_to`` (the mark as the caller read it; again
    with the mark read if it has moved since)."""
    driver = (
        Driver.under(connection.connection()) if isinstance(connection, Session) else connection
    )
    guess = (
        mark(connection) if counted_to is None and isinstance(connection, Session) else counted_to
    )
    while True:
        params = {"cid": consultation_id, "mark": int(guess or 0)}
        found: dict[int | None, int] = {}
        seen = 0
        for key, n in _ARTICLES.rows(driver, params):
            if key == _MARK_ROW:
                seen = int(n)
                continue
            article = _value("article", key)
            found[article] = found.get(article, 0) + int(n)
        if seen == int(guess or 0):
            return {a: n for a, n in found.items() if n}
        guess = seen


def totals(session: Session, ids: list[int]) -> dict[int, int]:
    """Opinions per consultation."""
    if not ids:
        return {}
    summary = (
        select(_S.c.consultation_id, func.sum(_S.c.opinions))
        .where(_S.c.consultation_id.in_(ids), _S.c.dimension == "channel")
        .group_by(_S.c.consultation_id)
    )
    found: dict[int, int] = {}
    bound = 0
    for cid, n in session.execute(
        union_all(summary, select(literal(0), _M.c.counted_to).where(_M.c.id == 1))
    ):
        if cid == 0:
            bound = int(n or 0)
        else:
            found[cid] = int(n or 0)
    tail = (
        select(_C.c.consultation_id, func.count())
        .where(_C.c.id > bound, _of_consultation.in_(ids))
        .group_by(_C.c.consultation_id)
    )
    for cid, n in session.execute(tail):
        found[cid] = found.get(cid, 0) + int(n)
    return {cid: n for cid, n in found.items() if n}


def buckets(session: Session, consultation_id: int) -> Buckets:
    """Every dimension of one consultation: value → [opinions, people, open]."""
    found: dict[int, Buckets] = {consultation_id: {d: {} for d in DIMENSIONS}}
    mine = found[consultation_id]
    bound = 0
    for dimension, key, n, people, open_ in session.execute(_WITH_MARK, {"cid": consultation_id}):
        if dimension == _MARK_ROW:
            bound = int(n or 0)
        else:
            mine[dimension][_value(dimension, key)] = [int(n), int(people), int(open_)]
    _add(found, session.execute(_TAIL, {"cid": consultation_id, "mark": bound}))
    return {d: {v: e for v, e in values.items() if e[0]} for d, values in mine.items()}


# --- keeping the summary --------------------------------------------------------------------


def refresh(engine: Engine) -> int:
    """Fold the opinions newer than the mark into the summary; returns how many were
    folded. Safe from any number of processes at once (one folds, the others skip)."""
    folded, retried = 0, False
    while True:
        with write_session(engine) as session:
            done, more, soon = _fold(session.connection())
        folded += done
        if more:
            continue
        if soon and not retried:  # PostgreSQL: the mark just taken may be settled already
            retried = True
            continue
        return folded


def _fold(connection: Connection) -> tuple[int, bool, bool]:
    """One batch: how many opinions were folded, whether more are foldable now, and whether
    a mark was just taken above what is folded (PostgreSQL: foldable once settled)."""
    postgres = connection.dialect.name == "postgresql"
    locked = (
        select(_M.c.counted_to, _M.c.pending_to, _M.c.waiting_for)
        .where(_M.c.id == 1)
        .with_for_update(skip_locked=True)
    )
    row = connection.execute(locked).first()
    if row is None and connection.execute(select(MARK)).scalar() is None:
        connection.execute(
            upsert(connection.dialect.name)(_M).values(id=1).on_conflict_do_nothing()
        )
        row = connection.execute(locked).first()
    if row is None:  # another process is folding (PostgreSQL)
        return 0, False, False
    counted_to, pending_to, waiting_for = row
    newest = int(connection.execute(select(func.coalesce(func.max(_C.c.id), 0))).scalar() or 0)
    values: dict[str, Any] = {}
    if postgres:
        writing = _writers(connection)  # read after the newest id: see the module's docstring
        ready = pending_to is not None and not (set((waiting_for or "").split()) & writing)
        settled = max(counted_to, int(pending_to or 0)) if ready else counted_to
        if not writing:
            settled = newest
        if pending_to is None or ready or not writing:
            values = {"pending_to": newest, "waiting_for": " ".join(sorted(writing))}
    else:
        settled = newest
    upto = min(settled, counted_to + BATCH)
    done = 0
    if upto > counted_to:  # the tail's rows of every consultation, by a range of the key
        rows = connection.execute(_grouped(_C.c.id > counted_to, _C.c.id <= upto)).all()
        found: dict[int, Buckets] = {}
        _add(found, rows)
        _store(connection, found)
        done = sum(int(r[5]) for r in rows)
        values["counted_to"] = upto
    if values:
        connection.execute(_M.update().where(_M.c.id == 1).values(**values))
    return done, upto < settled, "pending_to" in values and newest > upto


def _writers(connection: Connection) -> set[str]:
    """The other transactions now holding the lock that writing opinions takes (taken before
    an id is drawn, held to the end): any opinion drawn before and not yet committed is
    theirs."""
    return set(
        connection.execute(
            text(
                "SELECT virtualtransaction FROM pg_locks WHERE locktype = 'relation' "
                "AND relation = CAST(:table AS regclass) AND mode = 'RowExclusiveLock' "
                "AND pid <> pg_backend_pid()"
            ),
            {"table": _C.name},
        ).scalars()
    )


@contextmanager
def changing(session: Session, comment_ids: list[int]) -> Iterator[None]:
    """Around a change of the disposition of ``comment_ids`` (the caller's writes, flushed at
    the end of the block): the ones the summary has counted are moved from their old
    disposition to the new one. The mark is read under a shared lock, so :func:`refresh`
    waits for this transaction (or this one for it) and no opinion is counted twice or
    missed."""
    counted_to = session.execute(
        select(_M.c.counted_to).where(_M.c.id == 1).with_for_update(read=True)
    ).scalar()
    ids = sorted(set(comment_ids))
    if not counted_to or not ids or ids[0] > counted_to:
        yield
        return
    counted = [i for i in ids if i <= counted_to]
    grouped = _grouped(_C.c.id.in_(bindparam("ids", expanding=True)))
    before = session.execute(grouped, {"ids": counted}).all()
    yield
    session.flush()
    after = session.execute(grouped, {"ids": counted}).all()
    found: dict[int, Buckets] = {}
    _add(found, before, sign=-1)
    _add(found, after)
    _store(session, found)


def rebuild(engine: Engine) -> None:
    """Count everything again from the opinions (a repair; :func:`refresh` keeps it after)."""
    with write_session(engine) as session:
        connection = session.connection()
        connection.execute(_S.delete())
        connection.execute(
            upsert(connection.dialect.name)(_M).values(id=1).on_conflict_do_nothing()
        )
        connection.execute(
            _M.update().where(_M.c.id == 1).values(counted_to=0, pending_to=None, waiting_for=None)
        )
    refresh(engine)
