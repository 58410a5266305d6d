"""What a count gives: a holiday, a deadline (and whether it rests on provisional days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from consult.calendar.coverage import provisional_note


def require_date(d: date, what: str = "d") -> date:
    # datetime is a subclass of date: passing an instant where a calendar day is meant is a bug
    # (which day? in which zone?). Use LegalCalendar.local_date() first.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(
            f"{what} must be a date, not {type(d).__name__}; "
            "convert an instant with LegalCalendar.local_date()"
        )
    return d


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


@dataclass(frozen=True)
class Deadline:
    """The end of a counted period, and whether the count rested on provisional days."""

    end: datetime
    """Exclusive, UTC: 24:00 (Vietnam) of ``last_day``."""
    last_day: date
    provisional_years: frozenset[int]
    """The years whose provisional days the count looked at; empty when it rests on none."""

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    def note(self) -> str | None:
        """ "May move when the official calendar is announced", or ``None``."""
        return provisional_note(self.provisional_years) if self.provisional else None


def require_count(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{what} must be at least 1, got {value}")
