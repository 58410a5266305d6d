"""Households (hộ gia đình) of a village, the register a commune keeps, and the ballots of
household votes (biểu quyết của hộ gia đình) with every answer received."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from consult.models.base import instant, json_column


class Household(SQLModel, table=True):
    """One household of a village, as the commune's register lists it: its head and address,
    nothing more (Law 10/2022/QH15 Art. 9(2): who gave an answer is never published)."""

    __table_args__ = (UniqueConstraint("organization_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    locality_id: int = Field(foreign_key="locality.id", index=True)
    code: str = Field(max_length=40)
    """The register's number of the household (mã hộ), unique in the commune."""
    head_name: str = Field(max_length=120)
    address: str = Field(default="", max_length=300)
    created_at: datetime = instant()


class Ballot(SQLModel, table=True):
    """One round of a household vote declared by a definition (``ballots:``): the village,
    how many households it counts over (the register's, fixed when it opens), when answers are
    accepted from, and once counted, the tally and the count minutes' particulars."""

    __table_args__ = (UniqueConstraint("consultation_id", "name", "round"),)
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    name: str = Field(max_length=60)
    round: int = 1
    locality_id: int = Field(foreign_key="locality.id")
    eligible: int
    """All the village's households when the ballot opened: the base of the threshold."""
    opens_at: datetime = instant()
    opened_at: datetime = instant()
    counted_at: datetime | None = instant(nullable=True)
    passed: bool | None = None
    tally: dict[str, object] = json_column(default_factory=dict)
    """The counted figures (:class:`consult.workflow.ballots.Tally` as a dict)."""
    minutes: dict[str, object] = json_column(default_factory=dict)
    """What the counting step recorded: team, witnesses, place, form…"""


class BallotAnswer(SQLModel, table=True):
    """An answer as received: every one is kept; the count takes one per household."""

    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(foreign_key="ballot.id", index=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    option: str = Field(max_length=30)
    channel: str = Field(max_length=20)
    voter_name: str = Field(default="", max_length=120)
    """Who answered for the household (online: full name, as Decree 59/2023 asks)."""
    note: str = Field(default="", max_length=2000)
    """The text of an «ý kiến khác»."""
    answered_at: datetime = instant()
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
