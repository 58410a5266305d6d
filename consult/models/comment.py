"""An opinion (ý kiến góp ý): online, on paper, at a meeting or gathered by the Front."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from consult.models.base import instant
from consult.vocabulary import CHANNELS, DISPOSITIONS

__all__ = ["CHANNELS", "DISPOSITIONS", "Comment", "OpinionCount", "OpinionCountMark"]


class Comment(SQLModel, table=True):
    __table_args__ = (
        Index("ix_comment_consultation_received", "consultation_id", "received_at"),
        Index(
            "ix_comment_resend",
            "resend_key",
            unique=True,
            sqlite_where=text("resend_key IS NOT NULL"),
            postgresql_where=text("resend_key IS NOT NULL"),
        ),
        Index(
            "ix_comment_entry_key",
            "entry_key",
            unique=True,
            sqlite_where=text("entry_key IS NOT NULL"),
            postgresql_where=text("entry_key IS NOT NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id")
    article_id: int | None = Field(default=None, foreign_key="article.id")
    """``None`` for a general opinion on the whole draft."""
    clause: str = Field(default="", max_length=10)
    """The clause (khoản) of the article commented on, by its number; empty for the article
    as a whole."""
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    """The meeting (village meeting, dialogue conference…) where the opinion was given."""
    entry_key: str | None = Field(default=None, max_length=80)
    """For an opinion typed in from a sheet: the sheet's key and the row, so the same sheet
    sent again stores nothing twice. Unique while set."""
    body: str
    search_text: str = ""
    """The body lower-cased and without diacritics, so "cong khai" finds "công khai"."""
    channel: str = Field(default="online", max_length=20)
    locality: str = Field(default="", max_length=100)
    author_name: str = Field(default="", max_length=120)
    """Empty for an anonymous opinion. Personal data: staff only (Law 10/2022 Art. 9(2))."""
    contact: str = Field(default="", max_length=200)
    represents: int = 1
    """How many people or households this opinion speaks for."""
    receipt: str = Field(unique=True, max_length=20)
    received_at: datetime = instant()
    entered_by_id: int | None = Field(default=None, foreign_key="user.id")
    """The staff member who typed in an offline opinion."""
    disposition: str | None = Field(default=None, max_length=20)
    reason: str = ""
    response: str = ""
    group_key: str = Field(default="", max_length=64)
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = instant(nullable=True)
    proposed_disposition: str | None = Field(default=None, max_length=20)
    """A disposition proposed by a role the definition lets propose (the Front, Art. 28), for
    the role that disposes to take or not."""
    proposal_note: str = ""
    proposed_by_id: int | None = None
    """The user who proposed it (no foreign key: users are deactivated, never deleted)."""
    proposed_at: datetime | None = instant(nullable=True)
    resend_key: str | None = Field(default=None, max_length=64)
    """For a few minutes after an online opinion arrives: a keyed hash of its sender, the
    consultation, the article and the text, so the same opinion sent again (a double tap, a
    resend on a slow connection) gets the same receipt instead of a second row. Unique while
    set; cleared after :data:`consult.services.resubmissions.RESEND_WINDOW`."""

    @property
    def is_anonymous(self) -> bool:
        return not self.author_name.strip()


class OpinionCount(SQLModel, table=True):
    """How many opinions a consultation has, per article, village, channel and disposition
    (each a *dimension*: one row per value), and the people they speak for, for every opinion
    up to :attr:`OpinionCountMark.counted_to`. Opinions newer than the mark are counted live
    (:mod:`consult.services.counts`), so the counts are exact however far behind the summary is.

    ``key`` is the value as text: the article's id (empty for the whole draft), the village,
    the channel, the disposition (empty for none yet)."""

    __tablename__ = "opinion_count"

    consultation_id: int = Field(foreign_key="consultation.id", primary_key=True)
    dimension: str = Field(primary_key=True, max_length=12)
    key: str = Field(primary_key=True, max_length=100)
    opinions: int = 0
    people: int = 0
    open: int = 0
    """Opinions still without a disposition."""


class OpinionCountMark(SQLModel, table=True):
    """The one row saying how far :class:`OpinionCount` has counted: every opinion with
    ``id <= counted_to``. On PostgreSQL the next mark waits in ``pending_to`` until the
    transactions that were writing opinions when it was read have ended (``waiting_for``,
    their virtual transaction ids), so no opinion that commits late under a smaller id is
    ever skipped."""

    __tablename__ = "opinion_count_mark"

    id: int = Field(default=1, primary_key=True)
    counted_to: int = 0
    pending_to: int | None = None
    waiting_for: str | None = None
