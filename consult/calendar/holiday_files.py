"""The holiday files: ``config/holidays/YYYY.yaml``, one per year, each naming its source.

A file lists the year's days off (public holidays, Tết, the compensatory and swapped days) and
its make-up working days; anything malformed is a :class:`HolidayDataError` naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

FILE_NAME = re.compile(r"^(\d{4})\.yaml$")
_FILE_KEYS = frozenset({"year", "source", "days_off", "working_days"})
_ENTRY_KEYS = frozenset({"date", "name"})


class HolidayDataError(ValueError):
    """A holiday file (or the data given to a calendar) is malformed."""


def load_year_file(file: Path) -> tuple[int, str, dict[date, str], dict[date, str]]:
    def fail(message: str) -> HolidayDataError:
        return HolidayDataError(f"{file}: {message}")

    try:
        data: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise fail(f"cannot read the file: {exc}") from exc
    except ValueError as exc:  # PyYAML builds dates itself: 2024-02-30 fails here
        raise fail(f"cannot read the file: an impossible date? ({exc})") from exc
    if not isinstance(data, dict):
        raise fail("expected a mapping with the keys year, source, days_off[, working_days]")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(map(str, unknown))}; allowed: {sorted(_FILE_KEYS)}")
    match = FILE_NAME.match(file.name)
    assert match is not None  # from_directory only passes YYYY.yaml
    expected_year = int(match.group(1))
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise fail(f"'year' must be a whole number, got {year!r}")
    if year != expected_year:
        raise fail(f"'year' is {year} but the file is named {file.name}")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise fail("'source' must state the legal basis and notices the days come from")

    days_off = _load_entries(data.get("days_off"), "days_off", year, fail, required=True)
    working = _load_entries(data.get("working_days"), "working_days", year, fail, required=False)
    for day in working:
        if day.weekday() < 5:
            raise fail(
                f"working_days entry {day.isoformat()} is a {day.strftime('%A')}: "
                "a make-up working day must be a Saturday or Sunday"
            )
        if day in days_off:
            raise fail(f"{day.isoformat()} is listed both in days_off and in working_days")
    return year, source.strip(), days_off, working


def _load_entries(
    raw: Any, key: str, year: int, fail: Callable[[str], HolidayDataError], *, required: bool
) -> dict[date, str]:
    if raw is None:
        if required:
            raise fail(f"'{key}' is missing: list the days off as {{date: YYYY-MM-DD, name: …}}")
        return {}
    if not isinstance(raw, list):
        raise fail(f"'{key}' must be a list of {{date: YYYY-MM-DD, name: …}} entries")
    entries: dict[date, str] = {}
    for index, entry in enumerate(raw):
        where = f"{key}[{index}]"
        if not isinstance(entry, dict):
            raise fail(f"{where} must be a mapping {{date: YYYY-MM-DD, name: …}}, got {entry!r}")
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise fail(f"{where} has unknown keys {sorted(map(str, unknown))}")
        day = _parse_day(entry.get("date"))
        if day is None:
            raise fail(
                f"{where}: 'date' must be a date written YYYY-MM-DD, got {entry.get('date')!r}"
            )
        where = f"{where} ({day.isoformat()})"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(f"{where}: 'name' must be a non-empty text")
        if day.year != year:
            raise fail(f"{where}: the date is not in {year}")
        if day in entries:
            raise fail(f"{where}: the date is listed twice")
        entries[day] = name.strip()
    return entries


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
