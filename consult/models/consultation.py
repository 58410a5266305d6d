"""A consultation (đợt lấy ý kiến) on a draft regulation, its draft versions and its windows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from consult.models.base import instant, json_column


class Consultation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    workflow_id: str = Field(max_length=80)
    workflow_version: int
    workflow_hash: str = Field(max_length=64)
    """SHA-256 of the definition file the consultation was started with: the rules it runs under."""
    title: str = Field(max_length=300)
    summary: str = ""
    state: str = Field(max_length=40, index=True)
    version: int = 1
    """Bumped by every transition; the compare-and-set in the engine checks it."""
    created_at: datetime = instant()
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = instant()
    synthesis_summary: str = ""
    """The reviewer's summary when submitting the synthesis (tổng hợp, tiếp thu, giải trình)."""
    tracks: dict[str, str] = json_column(default_factory=dict)
    """The state of each of the definition's tracks that has moved (the synthesis report…);
    a track not named is in its initial state. Written only by the engine's compare-and-set."""
    deleted_at: datetime | None = instant(nullable=True)
    """Set when a draft never posted is deleted: it leaves every list and page, while the audit
    entries that name it stay (the log is append-only)."""


class WorkflowSnapshot(SQLModel, table=True):
    """The exact definition text a consultation started under, kept by its SHA-256.

    A definition file may change later; running consultations keep the rules they began with.
    """

    hash: str = Field(primary_key=True, max_length=64)
    workflow_id: str = Field(max_length=80)
    version: int
    source: str
    stored_at: datetime = instant()


class DraftVersion(SQLModel, table=True):
    """One version of the draft: the one posted, later the revised one."""

    __table_args__ = (UniqueConstraint("consultation_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    number: int = 1
    note: str = ""
    preamble: str = ""
    """Text of the draft before its first article (the title block, the grounds)."""
    pre_posting: bool = False
    """Saved before the draft was posted (edits of the working draft); the last such version is
    the text posted for comments, the later ones are revisions after the window."""
    created_at: datetime = instant()
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class Article(SQLModel, table=True):
    """An article (Điều) with an id that stays the same across draft versions."""

    __table_args__ = (UniqueConstraint("consultation_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    number: str = Field(max_length=20)
    """As printed in the draft: "2" for Điều 2."""
    position: int = 0


class ArticleText(SQLModel, table=True):
    """An article's title and text in one draft version."""

    __table_args__ = (UniqueConstraint("article_id", "draft_version_id"),)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    draft_version_id: int = Field(foreign_key="draftversion.id", index=True)
    chapter: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=300)
    text: str = ""


class Window(SQLModel, table=True):
    """A timed window of a consultation (thời hạn), an absolute UTC interval [opens_at, closes_at).

    The data, not the timer, decides: comments are accepted while ``opens_at <= now < closes_at``.
    ``closed_at`` records when the window's closing action was applied, exactly once.
    """

    __table_args__ = (
        UniqueConstraint("consultation_id", "name"),
        Index("ix_window_due", "closed_at", "closes_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    name: str = Field(max_length=60)
    opens_at: datetime = instant()
    closes_at: datetime = instant()
    duration: str = Field(max_length=20)
    """The duration as the definition or plan set it, e.g. ``20d`` or ``30s``."""
    on_close: str | None = Field(default=None, max_length=60)
    accepts_comments: bool = False
    basis: str = Field(default="", max_length=200)
    closed_at: datetime | None = instant(nullable=True)
