"""Notices to staff (thông báo, nhắc việc) and what each user chooses to receive.

A :class:`Notification` is at once the in-app notice on the staff desk and, when the user
wants it by e-mail, an entry of the outbox the scheduler delivers with retries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from consult.models.base import instant

EMAIL_STATUSES = ("none", "pending", "sent", "failed")
"""``none``: no e-mail wanted (or no address); ``pending``: waiting for its next attempt."""


class Notification(SQLModel, table=True):
    __table_args__ = (
        Index("ix_notification_outbox", "email_status", "next_attempt_at"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=40)
    """``reminder_3d``, ``window_closed``, ``publish_due``… (see consult.services.notifications)."""
    consultation_id: int | None = Field(default=None, foreign_key="consultation.id", index=True)
    subject: str = Field(max_length=500)
    body: str
    link: str = Field(default="", max_length=300)
    """A path in the staff desk, e.g. ``/staff/consultations/7``."""
    dedupe_key: str = Field(unique=True, max_length=200)
    """One row per event and user, e.g. ``window_closed:window:12:user:3``: queuing twice, or
    from two scheduler processes at once, inserts nothing the second time."""
    created_at: datetime = instant()
    email_status: str = Field(default="none", max_length=10)
    attempts: int = 0
    next_attempt_at: datetime | None = instant(nullable=True)
    """When a pending e-mail may be tried (again); also the lease of a claimed one."""
    last_error: str = ""
    sent_at: datetime | None = instant(nullable=True)
    read_at: datetime | None = instant(nullable=True)


class NotificationPreference(SQLModel, table=True):
    """A user's choice for one kind of notice; without a row, both channels are on."""

    __table_args__ = (UniqueConstraint("user_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=40)
    email: bool = True
    in_app: bool = True
