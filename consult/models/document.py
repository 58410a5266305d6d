"""Documents (văn bản), the outgoing-document register and posting records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from consult.models.base import instant


class Document(SQLModel, table=True):
    """A numbered document of an organization: plan, minutes, report, decision, notice…

    Each row is also an entry of the register (sổ đăng ký văn bản đi): the number and symbol
    are unique per issuer and year.
    """

    __table_args__ = (
        UniqueConstraint("organization_id", "year", "symbol"),
        UniqueConstraint("organization_id", "year", "series", "number"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    consultation_id: int | None = Field(default=None, foreign_key="consultation.id", index=True)
    type: str = Field(max_length=10)
    """Type code of Decree 30/2020: KH, QĐ, BC, BB, TB, TTr…"""
    year: int
    series: str = Field(max_length=10)
    """The counter the number came from: ``*`` for the shared one, else the type code."""
    number: int
    symbol: str = Field(max_length=40)
    """``156/QĐ-UBND``."""
    subject: str = Field(default="", max_length=500)
    """Trích yếu: what the document is about."""
    issued_on: date
    signer_name: str = Field(default="", max_length=120)
    signer_title: str = Field(default="", max_length=120)
    file_path: str = Field(default="", max_length=300)
    action: str = Field(default="", max_length=60)
    """The workflow action that recorded it; empty when entered by hand."""
    recorded_by_hand: bool = False
    """Signed on paper outside consult and entered afterwards (the seed's history)."""
    published_on: date | None = None
    created_at: datetime = instant()
    kind: str = Field(default="", max_length=40)
    """Which document of the procedure it is (``posting_start``, ``synthesis_report``…; see
    :mod:`consult.documents.kinds`); empty when the type and action say it already."""


class RegisterCounter(SQLModel, table=True):
    """The last number given in one series of one organization in one year."""

    __table_args__ = (UniqueConstraint("organization_id", "year", "series"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    year: int
    series: str = Field(max_length=10)
    last_number: int = 0


class PostingRecord(SQLModel, table=True):
    """Where and from when to when a document was posted (niêm yết) or published."""

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    document_id: int | None = Field(default=None, foreign_key="document.id")
    what: str = Field(max_length=40)
    """``draft`` (the draft and plan), ``synthesis`` or ``decision``."""
    place: str = Field(max_length=200)
    starts_on: date
    ends_on: date | None = None
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = instant()


class SignedCopy(SQLModel, table=True):
    """The signed and stamped scan (PDF) of a document, uploaded by the records office.

    The newest copy of a document is its published version; its SHA-256 is shown beside it
    so anyone can check the file they downloaded.
    """

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    file_path: str = Field(max_length=300)
    """Relative to the instance folder: ``uploads/documents/<sha256>.pdf``."""
    sha256: str = Field(max_length=64)
    size: int
    original_name: str = Field(default="", max_length=200)
    uploaded_at: datetime = instant()
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
