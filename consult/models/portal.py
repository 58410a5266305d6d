"""What the citizens' portal keeps besides the opinion itself: :class:`ReceiptSubscription`,
"tell me by e-mail when the response is published". The address is erased once the e-mail
has gone out (or been given up). (The resend key that recognises an opinion sent twice is a
column of the opinion: :attr:`consult.models.Comment.resend_key`.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from consult.models.base import instant

SUBSCRIPTION_STATUSES = ("waiting", "sent", "failed")


class ReceiptSubscription(SQLModel, table=True):
    __table_args__ = (Index("ix_receiptsubscription_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", unique=True)
    email: str = Field(default="", max_length=200)
    """Erased once the e-mail is sent or given up."""
    language: str = Field(default="vi", max_length=5)
    status: str = Field(default="waiting", max_length=10)
    attempts: int = 0
    next_attempt_at: datetime | None = instant(nullable=True)
    last_error: str = ""
    created_at: datetime = instant()
    sent_at: datetime | None = instant(nullable=True)
