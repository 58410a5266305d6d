"""The holiday calendar of a year as an administrator entered it from the government's notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from consult.models.base import instant, json_column


class HolidayAnnouncement(SQLModel, table=True):
    """One year's days off and make-up working days, with their source (Thông báo …/TB-BNV).

    For its year it replaces ``config/holidays/YYYY.yaml`` and the days computed from the
    Labour Code. The shape is the file's (:mod:`consult.calendar.holiday_files`):
    ``days_off`` and ``working_days`` are lists of ``{"date": "YYYY-MM-DD", "name": …}``,
    ``provisional_periods`` of ``{"from", "to", "why"}``. Entering a year again replaces its
    row; the audit log keeps every version entered.
    """

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    source: str
    provisional: bool = False
    days_off: list[dict[str, Any]] = json_column(default_factory=list)
    working_days: list[dict[str, Any]] = json_column(default_factory=list)
    provisional_periods: list[dict[str, Any]] = json_column(default_factory=list)
    entered_by_id: int | None = Field(default=None, foreign_key="user.id")
    entered_at: datetime = instant()
