"""Staff notices by e-mail: the ``notification`` table as a mailbox of the outbox.

A notice queued for e-mail is ``pending``. When its turn comes, it goes to the user's
current address, unless the user has since lost it, been deactivated or turned e-mail off for
the kind: then it is no longer wanted (``none``) and stays an in-app notice only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session, col

from consult.config import Settings
from consult.models import Notification, NotificationPreference, User
from consult.services.notifications import outbox, texts


class StaffMail(outbox.Mailbox):
    name = "notification"
    table = Notification
    status = "email_status"
    waiting = "pending"
    dropped = "none"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def candidates(self, session: Session, due: ColumnElement[bool]) -> Select:
        return (
            select(
                col(Notification.id),
                col(Notification.subject),
                col(Notification.body),
                col(Notification.link),
                col(Notification.attempts),
                col(User.email),
                col(User.is_active),
                col(NotificationPreference.email),
            )
            .join(User, col(User.id) == col(Notification.user_id))
            .outerjoin(
                NotificationPreference,
                and_(
                    col(NotificationPreference.user_id) == col(Notification.user_id),
                    col(NotificationPreference.kind) == col(Notification.kind),
                ),
            )
            .where(due)
        )

    def letters(self, rows: outbox.Rows) -> tuple[list[outbox.Letter], list[int]]:
        letters: list[outbox.Letter] = []
        unwanted: list[int] = []
        for nid, subject, body, link, attempts, address, active, wants in rows:
            if not address.strip() or not active or wants is False:
                unwanted.append(nid)
                continue
            text = texts.staff_email_body(body, self.base_url + link)
            letters.append(outbox.Letter(nid, address.strip(), subject, text, attempts))
        return letters, unwanted


def deliver(
    db: DbEngine, settings: Settings, now: datetime, *, limit: int = outbox.BATCH
) -> outbox.DeliveryReport:
    """Send the staff notices' e-mails that are due at ``now`` (at most ``limit``), each once."""
    return outbox.deliver(db, settings, StaffMail(settings.base_url), now, limit=limit)
