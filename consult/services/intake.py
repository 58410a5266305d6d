"""Receiving opinions: :func:`receive` for the citizens' API, :func:`submit` in a session for
the portal form and for staff typing in offline opinions; their receipts; the comment window.

Both ways in pass the same rules (:func:`_admit`) and the same write (:func:`_store`).
Whether a consultation accepts opinions is decided by its windows in the database
(``opens_at <= now < closes_at``), on every submission: a late opinion is refused even
when no scheduler is running.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import String, and_, bindparam
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.calendar import format_deadline, format_moment
from consult.db import Driver, Prepared, as_writer, driver, upsert
from consult.errors import Invalid, NotAllowedNow, NotFound
from consult.i18n import _, current_language
from consult.ledger import audit
from consult.models import Article, Comment, Consultation, Window
from consult.models.comment import CHANNELS
from consult.permissions import Can
from consult.services import clauses, consultations, resubmissions
from consult.text import fold

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
BODY_MAX = 5000


@dataclass(frozen=True)
class CommentInput:
    body: str
    author_name: str = ""
    locality: str = ""
    contact: str = ""
    article: str | None = None
    clause: str = ""
    """The clause (khoản) of the article, by its number; empty for the whole article."""
    channel: str = "online"
    represents: int = 1
    received_at: datetime | None = None
    """For an offline opinion: when it was received; default now."""
    meeting_id: int | None = None
    """The meeting the opinion was given at (a meeting sheet)."""
    entry_key: str | None = None
    """The sheet and row it was typed from: the same row sent again is stored once."""
    client: str = ""
    """A keyed hash of the sending client (online only): the same text from the same client
    within minutes is stored once (see :mod:`consult.services.resubmissions`)."""


_FROM_BASE32 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", RECEIPT_ALPHABET)


def new_receipt() -> str:
    """Eight characters of the receipt alphabet (40 random bits), as ``K7QM-4XPA``."""
    return receipt_of(secrets.token_bytes(5))


def receipt_of(five: bytes) -> str:
    """The receipt code that spells 40 bits (five bytes): ``K7QM-4XPA``."""
    code = base64.b32encode(five).decode().translate(_FROM_BASE32)
    return f"{code[:4]}-{code[4:]}"


_COMMENT_WINDOW = (
    select(Window)
    .where(
        col(Window.consultation_id) == bindparam("consultation_id"),
        col(Window.accepts_comments).is_(True),
    )
    .order_by(col(Window.opens_at))
    .limit(1)
)


def comment_window(session: Session, consultation_id: int) -> Window | None:
    return session.exec(_COMMENT_WINDOW, params={"consultation_id": consultation_id}).first()


def check_open(session: Session, consultation: Consultation, now: datetime) -> Window:
    """The open comment window, or :class:`NotAllowedNow` saying when it opens or closed."""
    assert consultation.id is not None
    window = comment_window(session, consultation.id)
    _check_window(window.opens_at if window else None, window.closes_at if window else None, now)
    assert window is not None
    return window


def check_open_or_none(
    session: Session, consultation: Consultation, now: datetime
) -> Window | None:
    try:
        return check_open(session, consultation, now)
    except NotAllowedNow:
        return None


def _check_window(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> None:
    """The rule itself: opinions are received while ``opens_at <= now < closes_at``."""
    if opens_at is None or closes_at is None:
        raise NotAllowedNow(_("This consultation is not open for opinions."))
    if now < opens_at:
        raise NotAllowedNow(
            _(
                "Opinions are accepted from %(moment)s (Vietnam time).",
                moment=format_moment(opens_at, lang=current_language()),
            )
        )
    if now >= closes_at:
        raise NotAllowedNow(
            _(
                "The comment window closed at %(moment)s (Vietnam time); "
                "opinions can no longer be received.",
                moment=format_deadline(closes_at, lang=current_language()),
            )
        )


def _validate(data: CommentInput) -> None:
    problems = {}
    if not data.body.strip():
        problems["body"] = _("Write your opinion.")
    elif len(data.body) > BODY_MAX:
        problems["body"] = _(
            "At most %(max)s characters (you wrote %(n)s); shorten it or send it in several parts.",
            max=BODY_MAX,
            n=len(data.body),
        )
    for name, value, limit in (
        ("clause", data.clause, 10),
        ("author_name", data.author_name, 120),
        ("locality", data.locality, 100),
        ("contact", data.contact, 200),
    ):
        if len(value) > limit:
            problems[name] = _("At most %(max)s characters.", max=limit)
    if data.channel not in CHANNELS:
        problems["channel"] = _("One of: %(values)s.", values=", ".join(CHANNELS))
    if data.represents < 1:
        problems["represents"] = _("At least 1.")
    if problems:
        raise Invalid(
            _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
        )


@dataclass(frozen=True, slots=True)
class Stored:
    """An opinion as stored: what its sender is told and what the next steps need."""

    id: int
    consultation_id: int
    receipt: str
    received_at: datetime


_INTAKE = Prepared(
    sa.select(
        col(Consultation.organization_id),
        col(Consultation.state),
        col(Window.opens_at),
        col(Window.closes_at),
        select(Article.id)
        .where(
            col(Article.consultation_id) == col(Consultation.id),
            col(Article.number) == bindparam("article", type_=String),
        )
        .scalar_subquery()
        .label("article_id"),
    )
    .select_from(Consultation)
    .outerjoin(
        Window,
        and_(
            col(Window.consultation_id) == col(Consultation.id),
            col(Window.accepts_comments).is_(True),
        ),
    )
    .where(col(Consultation.id) == bindparam("consultation_id"))
    .order_by(col(Window.opens_at))
    .limit(1)
)
"""Everything deciding on one opinion needs, in one query: who the consultation belongs to,
its state, its comment window and the id of the article commented on."""
# The statements of the intake path are compiled once and run on the driver's cursor
# (:class:`consult.db.Prepared`): they run for every opinion received.


def submit(
    session: Session,
    consultation_id: int,
    data: CommentInput,
    now: datetime,
    entered_by: Actor | None = None,
) -> Stored:
    """Store one opinion and give it a receipt, in the session's unit of work. The caller
    commits. ``entered_by``: the staff member typing in an opinion received offline."""
    row, facts = _admit(Driver.under(session.connection()), consultation_id, data, now, entered_by)
    # Everything above only reads: on SQLite the write lock is taken from here to the
    # caller's commit, so concurrent opinions queue for a few statements, not a whole request.
    as_writer(session)
    stored = _store(Driver.under(session.connection()), row, now)
    if entered_by is not None:
        audit.record(
            session,
            now=now,
            actor=entered_by,
            action="enter_opinion",
            organization_id=facts.organization_id,
            consultation_id=consultation_id,
            detail={
                "receipt": stored.receipt,
                "channel": data.channel,
                "received_at": row["received_at"].isoformat(),
            },
        )
    return stored


def receive(engine: Engine, consultation_id: int, data: CommentInput, now: datetime) -> Stored:
    """Store one opinion sent online, as a unit of work of its own, committed on return.

    The same rules as :func:`submit`, straight on a pooled driver connection instead of an
    ORM session: this is the path every citizen's opinion takes, so it does the least it
    can. One read, unlocked; then one INSERT and the commit under the write lock.
    """
    with driver(engine) as connection:
        row, _facts = _admit(connection, consultation_id, data, now, None)
        connection.begin_write()
        stored = _store(connection, row, now)
        connection.commit()
        return stored


def _admit(
    connection: Driver,
    consultation_id: int,
    data: CommentInput,
    now: datetime,
    entered_by: Actor | None,
) -> tuple[dict[str, Any], Any]:
    """Every rule an opinion must pass, checked with one read: the row to insert (with the
    key that recognises a resend, online only) and the facts read.

    Online (``entered_by`` is None) a draft consultation does not exist for the sender; an
    opinion typed in by staff counts from when it was received, not when it was typed.
    """
    _validate(data)
    article = None if data.article in (None, "") else str(data.article).strip()
    facts = _INTAKE.first(connection, {"consultation_id": consultation_id, "article": article})
    if facts is None or (entered_by is None and not consultations.is_public_state(facts.state)):
        raise NotFound(_("Consultation %(id)s does not exist.", id=consultation_id))
    if entered_by is not None:
        permissions.require(entered_by, Can.ENTER_OPINIONS, facts.organization_id)
    received_at = data.received_at or now
    if received_at > now:
        message = _("The date received cannot be in the future.")
        raise Invalid(message, fields={"received_at": message})
    _check_window(facts.opens_at, facts.closes_at, received_at)
    if article is not None and facts.article_id is None:
        message = _("The draft has no article %(number)s.", number=data.article)
        raise Invalid(message, fields={"article": message})
    clause = data.clause.strip()
    if clause:
        clauses.check(connection, facts.article_id, article, clause)
    row = {
        "consultation_id": consultation_id,
        "article_id": facts.article_id,
        "clause": clause,
        "meeting_id": data.meeting_id,
        "entry_key": data.entry_key,
        "body": data.body.strip(),
        "search_text": fold(data.body),
        "channel": data.channel,
        "locality": data.locality.strip(),
        "author_name": data.author_name.strip(),
        "contact": data.contact.strip(),
        "represents": data.represents,
        "receipt": new_receipt(),
        "received_at": received_at,
        "entered_by_id": entered_by.user_id if entered_by else None,
        "disposition": None,
        "reason": "",
        "response": "",
        "group_key": "",
        "reviewed_by_id": None,
        "reviewed_at": None,
        "proposed_disposition": None,
        "proposal_note": "",
        "proposed_by_id": None,
        "proposed_at": None,
        "resend_key": None,
    }
    if data.client and entered_by is None:
        row["resend_key"] = resubmissions.key_for(data.client, consultation_id, article, data.body)
    return row, facts


def _store(connection: Driver, row: dict[str, Any], now: datetime) -> Stored:
    """The write, in a write transaction: one INSERT, which stores nothing when the receipt
    code is taken (another is drawn) or the resend key is held by an opinion of the last
    minutes (whose receipt is given again)."""
    statement = _insert_statement(connection.dialect.name)
    for _attempt in range(5):
        inserted = statement.first(connection, row)
        if inserted is not None:
            return Stored(inserted.id, row["consultation_id"], row["receipt"], row["received_at"])
        if row["entry_key"]:
            entered = _ENTERED.first(connection, {"entry_key": row["entry_key"]})
            if entered is not None:
                return Stored(
                    entered.id, entered.consultation_id, entered.receipt, entered.received_at
                )
        if row["resend_key"]:
            already = resubmissions.earlier(connection, row["resend_key"], now)
            if already is not None:
                return Stored(
                    id=already.id,
                    consultation_id=already.consultation_id,
                    receipt=already.receipt,
                    received_at=already.received_at,
                )
        # The receipt code was taken (or a stale resend key was just cleared): draw again.
        row["receipt"] = new_receipt()
    raise RuntimeError("could not store the opinion: receipt codes keep colliding")


_ENTERED = Prepared(
    sa.select(
        col(Comment.id),
        col(Comment.consultation_id),
        col(Comment.receipt),
        col(Comment.received_at),
    ).where(col(Comment.entry_key) == bindparam("entry_key", type_=String))
)
"""The opinion typed in from a sheet's row, when that row was sent before."""

_COMMENTS = Comment.__table__  # type: ignore[attr-defined]
_ROW = tuple(column.name for column in _COMMENTS.columns if column.name != "id")
"""The columns an opinion is inserted with: all but the id."""


@cache
def _insert_statement(dialect: str) -> Prepared:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id``, built once per dialect: the
    conflicts are a receipt code already given or a resend key already held."""
    insert = upsert(dialect)
    return Prepared(
        insert(Comment)
        .values({name: bindparam(name, type_=_COMMENTS.c[name].type) for name in _ROW})
        .on_conflict_do_nothing()
        .returning(col(Comment.id))
    )


def validate(data: CommentInput) -> None:
    """Check lengths and fields without storing anything (the portal's preview step)."""
    _validate(data)


def by_receipt(session: Session, receipt: str) -> Comment:
    code = receipt.strip().upper()
    if len(code) == 8:
        code = f"{code[:4]}-{code[4:]}"
    comment = session.exec(select(Comment).where(Comment.receipt == code)).first()
    if comment is None:
        raise NotFound(
            _("No opinion has the receipt %(receipt)s; check the code.", receipt=receipt)
        )
    return comment


def status_of(comment: Comment) -> str:
    """``received`` until reviewed, then ``answered`` once there is a disposition."""
    return "answered" if comment.disposition else "received"
