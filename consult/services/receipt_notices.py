""" "Tell me by e-mail when the response is published" (a citizen's optional choice).

A :class:`ReceiptSubscription` waits until its opinion has a disposition *and* the responses
are public (the consultation has left the review stages: the synthesis was submitted). The
scheduler's pass then sends one e-mail with the receipt page's address, retried like staff
notices, and erases the address once it has gone out or been given up. No account, no other
use of the address.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session, col, select

from consult import mail
from consult.clock import ensure_utc
from consult.config import Settings
from consult.db import is_postgres, write_session
from consult.errors import Invalid
from consult.i18n import _
from consult.models import Comment, Consultation, ReceiptSubscription
from consult.services.notifications import MAX_ATTEMPTS, RETRY_DELAYS

if TYPE_CHECKING:
    from consult.services.intake import Stored
    from consult.workflow.engine import Engine

log = logging.getLogger(__name__)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CLAIM_LEASE = timedelta(minutes=10)
BATCH = 100


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
    existing = session.exec(
        select(ReceiptSubscription).where(ReceiptSubscription.comment_id == comment.id)
    ).first()
    if existing is not None:
        return existing
    subscription = ReceiptSubscription(
        comment_id=comment.id, email=address, language=language, created_at=now
    )
    session.add(subscription)
    return subscription


def is_subscribed(session: Session, comment_id: int) -> str:
    """``waiting``, ``sent``, ``failed``, or ``""`` when no e-mail was asked for."""
    status = session.exec(
        select(ReceiptSubscription.status).where(ReceiptSubscription.comment_id == comment_id)
    ).first()
    return status or ""


@dataclass(frozen=True)
class _Outgoing:
    id: int
    to: str
    receipt: str
    title: str
    language: str
    attempts: int


def message_text(receipt: str, title: str, link: str, language: str) -> tuple[str, str]:
    if language == "en":
        return (
            f"Your opinion {receipt} has been answered",
            f"The commune has published its response to your opinion (receipt {receipt}) on "
            f"the draft {title}.\nRead it here: {link}\n\n-- \nSent once, because you asked "
            "for it; your address has now been erased. Please do not reply.",
        )
    return (
        f"Ý kiến mã {receipt} đã được trả lời",
        f"Ủy ban nhân dân xã đã công khai nội dung tiếp thu, giải trình đối với ý kiến của bạn "
        f"(mã {receipt}) về dự thảo {title}.\nXem tại: {link}\n\n-- \nThư gửi một lần theo yêu "
        "cầu của bạn; địa chỉ thư điện tử của bạn đã được xóa. Xin đừng trả lời thư này.",
    )


def deliver(
    db: DbEngine, engine: Engine, settings: Settings, now: datetime, *, limit: int = BATCH
) -> int:
    """Send the e-mails whose response is now public; return how many went out."""
    now = ensure_utc(now)
    if not mail.enabled(settings):
        return 0  # kept waiting: the citizen asked, and e-mail may be configured later
    claimed = _claim(db, engine, now, limit)
    if not claimed:
        return 0
    outcomes: dict[int, Exception | None] = {}
    base = settings.base_url.rstrip("/")
    try:
        with mail.Mailer(settings) as mailer:
            for item in claimed:
                subject, body = message_text(
                    item.receipt, item.title, f"{base}/receipts/{item.receipt}", item.language
                )
                message = mail.compose(
                    settings,
                    to=item.to,
                    subject=subject,
                    body=body,
                    sent_at=now,
                    message_id=f"consult-receipt-{item.id}",
                )
                try:
                    mailer.send(message)
                    outcomes[item.id] = None
                except (smtplib.SMTPException, OSError) as exc:
                    outcomes[item.id] = exc
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("SMTP server %s:%s: %s", settings.smtp_host, settings.smtp_port, exc)
        for item in claimed:
            outcomes.setdefault(item.id, exc)
    return _record(db, claimed, outcomes, now)


def _claim(db: DbEngine, engine: Engine, now: datetime, limit: int) -> list[_Outgoing]:
    with write_session(db) as session:
        query = (
            select(ReceiptSubscription, Comment.receipt, Consultation)
            .join(Comment, col(Comment.id) == col(ReceiptSubscription.comment_id))
            .join(Consultation, col(Consultation.id) == col(Comment.consultation_id))
            .where(
                col(ReceiptSubscription.status) == "waiting",
                (col(ReceiptSubscription.next_attempt_at).is_(None))
                | (col(ReceiptSubscription.next_attempt_at) <= now),
                col(Comment.disposition).is_not(None),
                col(Consultation.state) != "draft",
            )
            .order_by(col(ReceiptSubscription.id))
            .limit(limit)
        )
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True, of=ReceiptSubscription)
        claimed: list[_Outgoing] = []
        for subscription, receipt, consultation in session.exec(query).all():
            stage = engine.definition_of(session, consultation).stage(consultation.state)
            if stage.review:  # responses are not public before the synthesis
                continue
            assert subscription.id is not None
            claimed.append(
                _Outgoing(
                    subscription.id,
                    subscription.email,
                    receipt,
                    consultation.title,
                    subscription.language,
                    subscription.attempts,
                )
            )
        if claimed:
            session.execute(
                update(ReceiptSubscription)
                .where(col(ReceiptSubscription.id).in_([c.id for c in claimed]))
                .values(next_attempt_at=now + CLAIM_LEASE)
            )
    return claimed


def _record(
    db: DbEngine, claimed: list[_Outgoing], outcomes: dict[int, Exception | None], now: datetime
) -> int:
    sent = 0
    with write_session(db) as session:
        for item in claimed:
            exc = outcomes.get(item.id)
            attempts = item.attempts + 1
            if exc is None:
                values = {"status": "sent", "sent_at": now, "email": "", "last_error": ""}
                sent += 1
            elif attempts >= MAX_ATTEMPTS:
                values = {"status": "failed", "email": "", "last_error": str(exc)[:1000]}
                log.warning("receipt e-mail %s given up: %s", item.id, exc)
            else:
                values = {
                    "next_attempt_at": now + RETRY_DELAYS[attempts - 1],
                    "last_error": str(exc)[:1000],
                }
            session.execute(
                update(ReceiptSubscription)
                .where(col(ReceiptSubscription.id) == item.id)
                .values(attempts=attempts, **values)
            )
    return sent
