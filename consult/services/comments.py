"""Opinions: submitting (online or entered by staff), receipts, reviewing.

Whether a consultation accepts opinions is decided by its windows in the database
(``opens_at <= now < closes_at``), on every submission: a late opinion is refused even
when no scheduler is running.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select

from consult.actor import Actor
from consult.db import ensure_writer
from consult.errors import Forbidden, Invalid, NotAllowedNow, NotFound
from consult.i18n import _, current_language
from consult.models import Article, Comment, Consultation, Window
from consult.models.comment import CHANNELS, DISPOSITIONS
from consult.services import audit, resubmissions
from consult.text import fold
from consult.workflow.calendar import format_deadline, format_moment

if TYPE_CHECKING:
    from consult.workflow.engine import Engine

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
REVIEW_ROLES = ("reviewer",)
READ_ROLES = ("reviewer", "council", "signer", "drafter", "clerk", "admin")
ENTRY_ROLES = ("drafter", "reviewer")
"""Who types in opinions received on paper, at meetings, in the box or through the Front."""
BODY_MAX = 5000


@dataclass(frozen=True)
class CommentInput:
    body: str
    author_name: str = ""
    locality: str = ""
    contact: str = ""
    article: str | None = None
    channel: str = "online"
    represents: int = 1
    received_at: datetime | None = None
    """For an offline opinion: when it was received; default now."""
    client: str = ""
    """A keyed hash of the sending client (online only): the same text from the same client
    within minutes is stored once (see :mod:`consult.services.resubmissions`)."""


def new_receipt() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
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
_ARTICLE_ID = select(Article.id).where(
    col(Article.consultation_id) == bindparam("consultation_id"),
    col(Article.number) == bindparam("number"),
)
# Statements built once: they run on every opinion received.


def comment_window(session: Session, consultation_id: int) -> Window | None:
    return session.exec(_COMMENT_WINDOW, params={"consultation_id": consultation_id}).first()


def check_open(session: Session, consultation: Consultation, now: datetime) -> Window:
    """The open comment window, or :class:`NotAllowedNow` saying when it opens or closed."""
    assert consultation.id is not None
    window = comment_window(session, consultation.id)
    if window is None:
        raise NotAllowedNow(_("This consultation is not open for opinions."))
    if now < window.opens_at:
        raise NotAllowedNow(
            _(
                "Opinions are accepted from %(moment)s (Vietnam time).",
                moment=format_moment(window.opens_at, lang=current_language()),
            )
        )
    if now >= window.closes_at:
        raise NotAllowedNow(
            _(
                "The comment window closed at %(moment)s (Vietnam time); "
                "opinions can no longer be received.",
                moment=format_deadline(window.closes_at, lang=current_language()),
            )
        )
    return window


def check_open_or_none(
    session: Session, consultation: Consultation, now: datetime
) -> Window | None:
    try:
        return check_open(session, consultation, now)
    except NotAllowedNow:
        return None


def _article_id(session: Session, consultation_id: int, number: str | None) -> int | None:
    if number in (None, ""):
        return None
    article_id = (
        session.connection()
        .execute(_ARTICLE_ID, {"consultation_id": consultation_id, "number": str(number).strip()})
        .scalar()
    )
    if article_id is None:
        message = _("The draft has no article %(number)s.", number=number)
        raise Invalid(message, fields={"article": message})
    return article_id


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


def submit(
    session: Session,
    consultation_id: int,
    data: CommentInput,
    now: datetime,
    entered_by: Actor | None = None,
) -> Comment:
    """Store one opinion and give it a receipt. The caller commits."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(_("Consultation %(id)s does not exist.", id=consultation_id))
    if entered_by is not None and not entered_by.has_role(
        consultation.organization_id, *ENTRY_ROLES
    ):
        raise Forbidden(
            _("Only the legal officer or the Fatherland Front can enter opinions received offline.")
        )
    _validate(data)
    received_at = data.received_at or now
    if received_at > now:
        message = _("The date received cannot be in the future.")
        raise Invalid(message, fields={"received_at": message})
    # An opinion typed in by staff counts from when it was received, not when it was typed.
    check_open(session, consultation, received_at)
    comment = Comment(
        consultation_id=consultation_id,
        article_id=_article_id(session, consultation_id, data.article),
        body=data.body.strip(),
        search_text=fold(data.body),
        channel=data.channel,
        locality=data.locality.strip(),
        author_name=data.author_name.strip(),
        contact=data.contact.strip(),
        represents=data.represents,
        receipt=new_receipt(),
        received_at=received_at,
        entered_by_id=entered_by.user_id if entered_by else None,
    )
    duplicate_key = ""
    if data.client and entered_by is None:
        duplicate_key = resubmissions.key_for(data.client, consultation_id, data.article, data.body)
    # Everything above only reads: on SQLite the write lock is taken from here to the
    # caller's commit, so concurrent opinions queue for a few statements, not a whole request.
    ensure_writer(session)
    if duplicate_key:
        already = resubmissions.earlier(session, duplicate_key, now)
        if already is not None:
            return already
    _insert(session, comment)
    if duplicate_key:
        assert comment.id is not None
        resubmissions.remember(session, duplicate_key, comment.id, now)
    if entered_by is not None:
        audit.record(
            session,
            now=now,
            actor=entered_by,
            action="enter_opinion",
            organization_id=consultation.organization_id,
            consultation_id=consultation_id,
            detail={
                "receipt": comment.receipt,
                "channel": comment.channel,
                "received_at": received_at.isoformat(),
            },
        )
    return comment


@cache
def _insert_statement(dialect: str) -> Any:
    """``INSERT … ON CONFLICT (receipt) DO NOTHING RETURNING id``, built once per dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(Comment)
        .on_conflict_do_nothing(index_elements=["receipt"])
        .returning(col(Comment.id))
    )


def _insert(session: Session, comment: Comment) -> None:
    """One INSERT; a receipt already taken (about one chance in 10^12) draws another code.
    ``ON CONFLICT DO NOTHING`` needs no savepoint. The row then joins the session as loaded."""
    statement = _insert_statement(session.get_bind().dialect.name)
    values = comment.model_dump(exclude={"id"})
    for _attempt in range(5):
        new_id = session.connection().execute(statement, values).scalar()
        if new_id is not None:
            comment.id = int(new_id)
            make_transient_to_detached(comment)
            session.add(comment)
            return
        comment.receipt = values["receipt"] = new_receipt()
    raise RuntimeError("could not draw a unique receipt code")


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


def require_reviewer(
    session: Session, engine: Engine, consultation: Consultation, actor: Actor
) -> None:
    """Only the Front's reviewer changes dispositions or groups, and only at a stage the
    definition marks ``review: true`` and before the synthesis report is approved."""
    if not actor.has_role(consultation.organization_id, *REVIEW_ROLES):
        raise Forbidden(_("Only the Fatherland Front reviewer can give dispositions."))
    stage = engine.definition_of(session, consultation).stage(consultation.state)
    if not stage.review:
        raise NotAllowedNow(
            _(
                "Dispositions can no longer change: the synthesis was submitted "
                "(stage «%(stage)s»).",
                stage=stage.title,
            )
        )
    from consult.services import synthesis  # the report module reads opinions: import late

    synthesis.check_not_approved(session, consultation)


def review(
    session: Session,
    engine: Engine,
    comment_id: int,
    actor: Actor,
    now: datetime,
    *,
    disposition: str,
    reason: str = "",
    response: str = "",
    group: str = "",
) -> Comment:
    """Give an opinion its disposition (tiếp thu / giải trình). The caller commits.

    Allowed from the moment an opinion arrives until the synthesis is submitted: at every
    stage the definition marks ``review: true``.
    """
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("Opinion %(id)s does not exist.", id=comment_id))
    consultation = session.get(Consultation, comment.consultation_id)
    assert consultation is not None
    require_reviewer(session, engine, consultation, actor)
    problems = {}
    if disposition not in DISPOSITIONS:
        problems["disposition"] = _("One of: %(values)s.", values=", ".join(DISPOSITIONS))
    if disposition == "not_accepted" and not reason.strip():
        problems["reason"] = _("Explain why the opinion is not taken up (giải trình).")
    if problems:
        raise Invalid(
            _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
        )
    comment.disposition = disposition
    comment.reason = reason.strip()
    comment.response = response.strip()
    comment.group_key = group.strip()
    comment.reviewed_by_id = actor.user_id
    comment.reviewed_at = now
    session.add(comment)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="review_comment",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={
            "comment": comment.id,
            "receipt": comment.receipt,
            "disposition": disposition,
            "reason": comment.reason,
            "response": comment.response,
            "group": comment.group_key,
        },
    )
    return comment


def count(session: Session, consultation_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Comment)
            .where(Comment.consultation_id == consultation_id)
        ).one()
    )
