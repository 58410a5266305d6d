"""The holiday data of one year: ``config/holidays/YYYY.yaml``, or the same shape entered later.

A year lists its days off (public holidays, Tết, the compensatory and swapped days) and its
make-up working days, and names its source. It says whether it is **provisional**: the whole
year (``provisional: true``, the statutory days only, no government notice yet), or some
periods of it (``provisional_periods``, e.g. the weeks around a holiday whose swap is not
announced). Anything malformed is a :class:`HolidayDataError` naming the file (or the
announcement) and the entry.

The same parser reads a file and an announcement an administrator enters
(:func:`parse_year`), so both have one shape::

    year: 2028
    source: "Thông báo …/TB-BNV ngày … của Bộ Nội vụ"
    provisional: false                    # optional, default false
    provisional_periods:                  # optional
      - {from: 2028-04-25, to: 2028-05-06, why: "30/4 - 1/5: chưa có thông báo hoán đổi"}
    days_off:
      - {date: 2028-01-24, name: "Tết Nguyên đán Mậu Thân (29 tháng Chạp)"}
    working_days:                         # optional: make-up Saturdays or Sundays
      - {date: 2028-02-12, name: "Làm bù cho …"}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

FILE_NAME = re.compile(r"^(\d{4})\.yaml$")
_FILE_KEYS = frozenset(
    {"year", "source", "provisional", "provisional_periods", "days_off", "working_days"}
)
_ENTRY_KEYS = frozenset({"date", "name"})
_PERIOD_KEYS = frozenset({"from", "to", "why"})

Origin = Literal["file", "announcement", "statutory"]
"""Where a year's data comes from: a file in ``config/holidays/``, an announcement entered by
an administrator, or the Labour Code's days computed for a year with neither."""


class HolidayDataError(ValueError):
    """A holiday file (or the data given to a calendar) is malformed.

    ``field`` names the entry (``days_off[2]``) when one is at fault; ``problem`` is the
    message without the file's name."""

    def __init__(self, message: str, *, field: str = "", problem: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.problem = problem or message


@dataclass(frozen=True)
class ProvisionalPeriod:
    """Days of an otherwise announced year that may still change (inclusive)."""

    first: date
    last: date
    why: str

    def overlaps(self, first: date, last: date) -> bool:
        return self.first <= last and first <= self.last


@dataclass(frozen=True)
class YearData:
    """The days off and make-up working days of one year, with their source."""

    year: int
    source: str
    days_off: Mapping[date, str]
    working_days: Mapping[date, str] = field(default_factory=dict)
    provisional: bool = False
    """The whole year is provisional: any of its days may still change."""
    periods: tuple[ProvisionalPeriod, ...] = ()
    """Provisional parts of a year that is otherwise announced."""
    origin: Origin = "file"

    def as_mapping(self) -> dict[str, Any]:
        """The year in the file's shape, dates written YYYY-MM-DD (JSON, the database)."""
        return {
            "year": self.year,
            "source": self.source,
            "provisional": self.provisional,
            "provisional_periods": [
                {"from": p.first.isoformat(), "to": p.last.isoformat(), "why": p.why}
                for p in self.periods
            ],
            "days_off": [
                {"date": d.isoformat(), "name": n} for d, n in sorted(self.days_off.items())
            ],
            "working_days": [
                {"date": d.isoformat(), "name": n} for d, n in sorted(self.working_days.items())
            ],
        }


def load_year_file(file: Path) -> YearData:
    """Read and check one ``YYYY.yaml``; its name must match its ``year``."""
    try:
        data: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise HolidayDataError(f"{file}: cannot read the file: {exc}") from exc
    except ValueError as exc:  # PyYAML builds dates itself: 2024-02-30 fails here
        raise HolidayDataError(
            f"{file}: cannot read the file: an impossible date? ({exc})"
        ) from exc
    match = FILE_NAME.match(file.name)
    assert match is not None  # from_directory only passes YYYY.yaml
    return parse_year(
        data, where=str(file), expected_year=int(match.group(1)), named=file.name, origin="file"
    )


def parse_year(
    data: Any,
    *,
    where: str,
    expected_year: int | None = None,
    named: str = "",
    origin: Origin = "file",
) -> YearData:
    """Check one year's data (a file's content, or an announcement as JSON).

    ``where`` prefixes every message (the file, or "announcement 2028"); ``expected_year`` is
    the year the file's name or the request's path gives."""

    def fail(message: str, at: str = "") -> HolidayDataError:
        return HolidayDataError(f"{where}: {message}", field=at, problem=message)

    if not isinstance(data, dict):
        raise fail("expected a mapping with the keys year, source, days_off[, working_days]")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(map(str, unknown))}; allowed: {sorted(_FILE_KEYS)}")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise fail(f"'year' must be a whole number, got {year!r}", "year")
    if expected_year is not None and year != expected_year:
        named = named or str(expected_year)
        raise fail(f"'year' is {year} but the file is named {named}", "year")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise fail("'source' must state the legal basis and notices the days come from", "source")
    provisional = data.get("provisional", False)
    if not isinstance(provisional, bool):
        raise fail(f"'provisional' must be true or false, got {provisional!r}", "provisional")

    days_off = _load_entries(data.get("days_off"), "days_off", year, fail, required=True)
    working = _load_entries(data.get("working_days"), "working_days", year, fail, required=False)
    for day in working:
        if day.weekday() < 5:
            raise fail(
                f"working_days entry {day.isoformat()} is a {day.strftime('%A')}: "
                "a make-up working day must be a Saturday or Sunday",
                "working_days",
            )
        if day in days_off:
            raise fail(
                f"{day.isoformat()} is listed both in days_off and in working_days",
                "working_days",
            )
    periods = _load_periods(data.get("provisional_periods"), year, fail)
    return YearData(year, source.strip(), days_off, working, provisional, periods, origin)


def _load_entries(
    raw: Any, key: str, year: int, fail: Callable[..., HolidayDataError], *, required: bool
) -> dict[date, str]:
    if raw is None:
        if required:
            raise fail(
                f"'{key}' is missing: list the days off as {{date: YYYY-MM-DD, name: …}}", key
            )
        return {}
    if not isinstance(raw, list):
        raise fail(f"'{key}' must be a list of {{date: YYYY-MM-DD, name: …}} entries", key)
    entries: dict[date, str] = {}
    for index, entry in enumerate(raw):
        at = where = f"{key}[{index}]"
        if not isinstance(entry, dict):
            raise fail(
                f"{where} must be a mapping {{date: YYYY-MM-DD, name: …}}, got {entry!r}", at
            )
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise fail(f"{where} has unknown keys {sorted(map(str, unknown))}", at)
        day = _parse_day(entry.get("date"))
        if day is None:
            raise fail(
                f"{where}: 'date' must be a date written YYYY-MM-DD, got {entry.get('date')!r}",
                at,
            )
        where = f"{where} ({day.isoformat()})"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(f"{where}: 'name' must be a non-empty text", at)
        if day.year != year:
            raise fail(f"{where}: the date is not in {year}", at)
        if day in entries:
            raise fail(f"{where}: the date is listed twice", at)
        entries[day] = name.strip()
    return entries


def _load_periods(
    raw: Any, year: int, fail: Callable[..., HolidayDataError]
) -> tuple[ProvisionalPeriod, ...]:
    if raw is None:
        return ()
    key = "provisional_periods"
    if not isinstance(raw, list):
        raise fail(f"'{key}' must be a list of {{from: YYYY-MM-DD, to: YYYY-MM-DD, why: …}}", key)
    periods: list[ProvisionalPeriod] = []
    for index, entry in enumerate(raw):
        at = f"{key}[{index}]"
        if not isinstance(entry, dict) or set(entry) != _PERIOD_KEYS:
            raise fail(f"{at} must be a mapping with exactly the keys from, to, why", at)
        first, last = _parse_day(entry["from"]), _parse_day(entry["to"])
        if first is None or last is None:
            raise fail(f"{at}: 'from' and 'to' must be dates written YYYY-MM-DD", at)
        if first > last or first.year != year or last.year != year:
            raise fail(f"{at}: from {first} to {last} must be in {year}, in order", at)
        why = entry["why"]
        if not isinstance(why, str) or not why.strip():
            raise fail(f"{at}: 'why' must say what is not announced yet", at)
        periods.append(ProvisionalPeriod(first, last, why.strip()))
    return tuple(periods)


def _parse_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
