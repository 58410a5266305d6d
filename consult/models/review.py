"""The review of opinions: links to the articles they changed, scans of paper opinions,
duplicate fingerprints and the synthesis report (báo cáo tổng hợp, tiếp thu, giải trình)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from consult.models.base import instant, json_column


class CommentChange(SQLModel, table=True):
    """An accepted opinion and an article of the draft it led to change."""

    __table_args__ = (UniqueConstraint("comment_id", "article_id"),)
    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", index=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    unchanged_reason: str = ""
    """Why the article's text stays as posted although the opinion was taken up (it was
    already satisfied, or is taken up in the implementation): needed before signing."""


class CommentScan(SQLModel, table=True):
    """A scan or photo of a paper opinion, stored under ``instance/uploads/``; staff only."""

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", index=True)
    stored_name: str = Field(max_length=120)
    """The file's name in the uploads folder (random, never the uploader's)."""
    original_name: str = Field(default="", max_length=200)
    media_type: str = Field(max_length=40)
    size: int
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = instant()


class SynthesisReport(SQLModel, table=True):
    """The synthesis report of a consultation as generated from the data, approved (numbered
    BC in the register) and posted for citizens (Art. 13(2)). Where it is in that lifecycle is
    the ``synthesis_report`` track of the consultation (``Consultation.tracks``), moved by the
    definition's steps."""

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", unique=True)
    figures: dict[str, Any] = json_column(default_factory=dict)
    """The report's data as generated: what the signer approves is exactly this."""
    digest: str = Field(default="", max_length=64)
    generated_at: datetime = instant()
    generated_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = instant(nullable=True)
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    document_id: int | None = Field(default=None, foreign_key="document.id")
    published_on: date | None = None
    posting_ends_on: date | None = None
