""" "Tell me by e-mail when the response is published" (a citizen's optional choice).

A :class:`ReceiptSubscription` waits until its opinion has a disposition *and* the responses
are public (the consultation has left the review stages: the synthesis was submitted). It is
then a mailbox of the outbox like the staff notices: one e-mail with the receipt page's
address, claimed, sent and retried by :mod:`consult.services.notifications.outbox`, and the
address is erased once it has gone out or been given up. No account, no other use of the
address. While e-mail is not configured, subscriptions keep waiting: the citizen asked.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session, col

from consult.config import Settings
from consult.errors import Invalid
from consult.i18n import _
from consult.models import Comment, Consultation, ReceiptSubscription
from consult.services.consultations import is_public_state
from consult.services.notifications import outbox, texts

if TYPE_CHECKING:
    from consult.services.intake import Stored
    from consult.workflow.engine import Engine

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(contact: str) -> str:
    """The contact as an e-mail address, or :class:`Invalid` on the contact field."""
    address = contact.strip()
    if not EMAIL.match(address) or len(address) > 200:
        message = _(
            "To be told by e-mail, write your e-mail address in this field "
            "(for example: ten@example.vn)."
        )
        raise Invalid(message, fields={"contact": message})
    return address


def subscribe(
    session: Session, comment: Comment | Stored, contact: str, now: datetime, language: str = "vi"
) -> ReceiptSubscription:
    """Remember the wish (once per opinion: a resent duplicate changes nothing)."""
    assert comment.id is not None
    address = email_address(contact)
    existing = (
        session.execute(
            select(ReceiptSubscription).where(col(ReceiptSubscription.comment_id) == comment.id)
        )
        .scalars()
        .first()
    )
    if existing is not None:
        return existing
    subscription = ReceiptSubscription(
        comment_id=comment.id, email=address, language=language, created_at=now
    )
    session.add(subscription)
    return subscription


def is_subscribed(session: Session, comment_id: int) -> str:
    """``waiting``, ``sent``, ``failed``, or ``""`` when no e-mail was asked for."""
    status = (
        session.execute(
            select(col(ReceiptSubscription.status)).where(
                col(ReceiptSubscription.comment_id) == comment_id
            )
        )
        .scalars()
        .first()
    )
    return status or ""


def _answered(due: ColumnElement[bool], *columns: Any) -> Select:
    """``columns`` of the due subscriptions whose opinion has a disposition."""
    return (
        select(*columns)
        .select_from(ReceiptSubscription)
        .join(Comment, col(Comment.id) == col(ReceiptSubscription.comment_id))
        .join(Consultation, col(Consultation.id) == col(Comment.consultation_id))
        .where(due, col(Comment.disposition).is_not(None))
    )


class ReceiptMail(outbox.Mailbox):
    name = "receipt"
    table = ReceiptSubscription
    status = "status"
    waiting = "waiting"
    when_done = {"email": ""}

    def __init__(self, engine: Engine, base_url: str) -> None:
        self.engine = engine
        self.base_url = base_url.rstrip("/")

    def candidates(self, session: Session, due: ColumnElement[bool]) -> Select:
        # Whether a stage makes the responses public is its definition's to say; asking it
        # per (definition, stage) first lets SQL leave out the subscriptions still under
        # review, so that they never fill the claimed batch and crowd out those ready to go.
        stages = session.execute(
            _answered(due, col(Consultation.workflow_hash), col(Consultation.state)).distinct()
        ).all()
        public = [
            and_(col(Consultation.workflow_hash) == h, col(Consultation.state) == s)
            for h, s in stages
            if is_public_state(s) and not self.engine.catalog.pinned(session, h).stage(s).review
        ]
        return _answered(
            due,
            col(ReceiptSubscription.id),
            col(ReceiptSubscription.email),
            col(ReceiptSubscription.language),
            col(ReceiptSubscription.attempts),
            col(Comment.receipt),
            col(Consultation.title),
        ).where(or_(*public) if public else false())

    def letters(self, rows: outbox.Rows) -> tuple[list[outbox.Letter], list[int]]:
        letters = []
        for sid, address, language, attempts, receipt, title in rows:
            link = f"{self.base_url}/receipts/{receipt}"
            subject, body = texts.receipt_answered_text(receipt, title, link, language)
            letters.append(outbox.Letter(sid, address, subject, body, attempts))
        return letters, []


def deliver(
    db: DbEngine, engine: Engine, settings: Settings, now: datetime, *, limit: int = outbox.BATCH
) -> int:
    """Send the e-mails whose response is now public; return how many went out."""
    mailbox = ReceiptMail(engine, settings.base_url)
    return outbox.deliver(db, settings, mailbox, now, limit=limit).sent
