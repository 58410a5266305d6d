"""What a count gives and is made of: holidays, deadlines (and whether they rest on provisional
days), and the checks of the days a calendar is given."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from consult.calendar.coverage import provisional_note, year_ranges
from consult.calendar.holiday_files import HolidayDataError


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


def checked_days(
    days_off: Mapping[date, str], working_saturdays: Iterable[date], years: frozenset[int]
) -> tuple[dict[date, str], dict[date, str]]:
    """A calendar's days off and make-up working days, checked against each other and the
    covered years."""
    days: dict[date, str] = {}
    for day, name in days_off.items():
        require_date(day, "a day off")
        if day.year not in years:
            raise HolidayDataError(
                f"day off {day.isoformat()} ({name}) is outside the covered years "
                f"({year_ranges(years)})"
            )
        days[day] = str(name)
    names = working_saturdays if isinstance(working_saturdays, Mapping) else None
    working: dict[date, str] = {}
    for day in working_saturdays:
        require_date(day, "a make-up working day")
        if day.weekday() < 5:
            raise HolidayDataError(
                f"make-up working day {day.isoformat()} is a "
                f"{day.strftime('%A')}: only a Saturday or Sunday can be declared one"
            )
        if day in days:
            raise HolidayDataError(f"{day.isoformat()} is both a day off and a make-up working day")
        if day.year not in years:
            raise HolidayDataError(
                f"make-up working day {day.isoformat()} is outside the covered years "
                f"({year_ranges(years)})"
            )
        working[day] = str(names[day]) if names is not None else "Ngày làm bù"
    return days, working
