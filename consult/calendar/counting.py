"""The legal calendar: counting periods as Vietnam's Civil Code 2015 does (Arts. 147–148).

- The first day of a period is not counted: a period that starts on the day of an event counts
  from the next day.
- A period in days ends at 24:00 of its last day.
- If the last day is a weekly rest day or a public holiday, the period ends at 24:00 of the next
  working day.

Weekly rest days are Saturday and Sunday (the state agencies' week), except the Saturdays the
government declares make-up working days. Public holidays, Tết and the compensatory or swapped
days off differ each year; they are data, one file per year in ``config/holidays/YYYY.yaml``,
each naming its legal source.

Instants are aware datetimes; the ends computed here are exclusive and in UTC: "24:00 on
19/02/2024" in Vietnam is ``2024-02-19T17:00:00Z``. This module is pure: no Flask, no database,
no wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from consult.calendar.dates import dmy, require_aware, zone
from consult.calendar.holiday_files import FILE_NAME, HolidayDataError, load_year_file

_ONE_DAY = timedelta(days=1)
# No real calendar has a year without a working day; past this, the data is wrong.
_MAX_SEARCH_DAYS = 366
_WEEKDAY_NAMES_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _year_ranges(years: Iterable[int]) -> str:
    """``[2024, 2025, 2026, 2027]`` → ``"2024–2027"``; gaps give ``"2024–2025, 2027"``."""
    ordered = sorted(set(years))
    if not ordered:
        return "không có năm nào / none"
    parts: list[str] = []
    first = last = ordered[0]
    for year in ordered[1:]:
        if year == last + 1:
            last = year
            continue
        parts.append(str(first) if first == last else f"{first}–{last}")
        first = last = year
    parts.append(str(first) if first == last else f"{first}–{last}")
    return ", ".join(parts)


def _require_date(d: date, what: str = "d") -> date:
    # datetime is a subclass of date: passing an instant where a calendar day is meant is a bug
    # (which day? in which zone?). Use LegalCalendar.local_date() first.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(
            f"{what} must be a date, not {type(d).__name__}; "
            "convert an instant with LegalCalendar.local_date()"
        )
    return d


class CalendarNotCovered(ValueError):
    """A date falls outside the years the holiday data covers.

    The message names the date and the covered years, in Vietnamese then English, e.g.
    ``Ngày 05/01/2031 nằm ngoài dữ liệu ngày nghỉ lễ (2024–2027); bổ sung
    config/holidays/2031.yaml. / Date 05/01/2031 is outside the holiday data (2024–2027);
    add config/holidays/2031.yaml.``
    """

    def __init__(self, day: date, years: Iterable[int]) -> None:
        self.day = day
        self.years = frozenset(years)
        covered = _year_ranges(self.years)
        file = f"config/holidays/{day.year}.yaml"
        super().__init__(
            f"Ngày {dmy(day)} nằm ngoài dữ liệu ngày nghỉ lễ ({covered}); bổ sung {file}. / "
            f"Date {dmy(day)} is outside the holiday data ({covered}); add {file}."
        )


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


class LegalCalendar:
    """Days off and working days of Vietnam's state agencies, and periods counted on them."""

    years: frozenset[int]
    tz: ZoneInfo

    def __init__(
        self,
        days_off: Mapping[date, str],
        working_saturdays: Iterable[date],
        years: Iterable[int],
        tz: ZoneInfo | None = None,
        *,
        sources: Mapping[int, str] | None = None,
        covers_all_years: bool = False,
    ) -> None:
        """``working_saturdays`` are the make-up working days (a weekend day declared a working
        day in exchange for a day off); a mapping ``{date: name}`` keeps their names.
        ``covers_all_years`` is for :meth:`weekends_only`."""
        self.tz = tz or zone()
        self._all_years = covers_all_years
        self.years = (
            frozenset(range(MINYEAR, MAXYEAR + 1)) if covers_all_years else frozenset(years)
        )
        self.sources: dict[int, str] = dict(sources or {})
        self._days_off: dict[date, str] = {}
        for day, name in days_off.items():
            _require_date(day, "a day off")
            if day.year not in self.years:
                raise HolidayDataError(
                    f"day off {day.isoformat()} ({name}) is outside the covered years "
                    f"({_year_ranges(self.years)})"
                )
            self._days_off[day] = str(name)
        names = working_saturdays if isinstance(working_saturdays, Mapping) else None
        self._working_days: dict[date, str] = {}
        for day in working_saturdays:
            _require_date(day, "a make-up working day")
            if day.weekday() < 5:
                raise HolidayDataError(
                    f"make-up working day {day.isoformat()} is a "
                    f"{day.strftime('%A')}: only a Saturday or Sunday can be declared one"
                )
            if day in self._days_off:
                raise HolidayDataError(
                    f"{day.isoformat()} is both a day off and a make-up working day"
                )
            if day.year not in self.years:
                raise HolidayDataError(
                    f"make-up working day {day.isoformat()} is outside the covered years "
                    f"({_year_ranges(self.years)})"
                )
            self._working_days[day] = str(names[day]) if names is not None else "Ngày làm bù"

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_directory(cls, path: Path, tz: ZoneInfo | None = None) -> LegalCalendar:
        """Load every ``YYYY.yaml`` in ``path`` (see ``config/holidays/``)."""
        path = Path(path)
        if not path.is_dir():
            raise HolidayDataError(f"holiday data directory not found: {path}")
        files = sorted(p for p in path.iterdir() if FILE_NAME.match(p.name) and p.is_file())
        if not files:
            raise HolidayDataError(f"no holiday file (YYYY.yaml) in {path}")
        days_off: dict[date, str] = {}
        working: dict[date, str] = {}
        sources: dict[int, str] = {}
        for file in files:
            year, source, file_days_off, file_working = load_year_file(file)
            sources[year] = source
            days_off.update(file_days_off)
            working.update(file_working)
        return cls(days_off, working, sources.keys(), tz, sources=sources)

    @classmethod
    def weekends_only(cls, tz: ZoneInfo | None = None) -> LegalCalendar:
        """No holidays, only Saturdays and Sundays off; every year is covered (tests, drills)."""
        return cls({}, (), (), tz, covers_all_years=True)

    # --- days ------------------------------------------------------------------------------

    def covers(self, d: date) -> bool:
        return self._all_years or d.year in self.years

    def _check(self, d: date) -> None:
        _require_date(d)
        if not self.covers(d):
            raise CalendarNotCovered(d, self.years)

    def is_day_off(self, d: date) -> bool:
        """Saturday or Sunday (unless a declared make-up working day), or a listed day off."""
        self._check(d)
        if d in self._days_off:
            return True
        if d in self._working_days:
            return False
        return d.weekday() >= 5

    def is_working_day(self, d: date) -> bool:
        return not self.is_day_off(d)

    def day_off_name(self, d: date) -> str | None:
        """Why ``d`` is a day off (the holiday's name, or the weekly rest day), else ``None``."""
        self._check(d)
        if d in self._days_off:
            return self._days_off[d]
        if d in self._working_days or d.weekday() < 5:
            return None
        return f"{_WEEKDAY_NAMES_VI[d.weekday()]} (nghỉ hằng tuần)"

    def working_day_name(self, d: date) -> str | None:
        """The name of a declared make-up working day, else ``None``."""
        self._check(d)
        return self._working_days.get(d)

    def holidays(self, year: int) -> list[Holiday]:
        """The listed days off of ``year`` (not the ordinary weekends), in date order."""
        if not (self._all_years or year in self.years):
            raise CalendarNotCovered(date(year, 1, 1), self.years)
        return [Holiday(d, n) for d, n in sorted(self._days_off.items()) if d.year == year]

    def make_up_days(self, year: int) -> list[Holiday]:
        """The declared make-up working days of ``year``, in date order."""
        if not (self._all_years or year in self.years):
            raise CalendarNotCovered(date(year, 1, 1), self.years)
        return [Holiday(d, n) for d, n in sorted(self._working_days.items()) if d.year == year]

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        current = _require_date(d)
        for _ in range(_MAX_SEARCH_DAYS):
            if not self.is_day_off(current):
                return current
            current += _ONE_DAY
        raise HolidayDataError(f"no working day within {_MAX_SEARCH_DAYS} days of {d}")

    # --- periods ---------------------------------------------------------------------------

    def period_last_day(self, start: date, days: int) -> date:
        """The last day of a period of ``days`` calendar days that starts on ``start``.

        The start day is not counted (Civil Code Art. 147), so day ``days`` is
        ``start + days``; if that day is off, the period ends on the next working day
        (Art. 148)."""
        _require_date(start, "start")
        _require_count(days, "days")
        return self.next_working_day(start + timedelta(days=days))

    def period_end(self, start: date, days: int) -> datetime:
        """The exclusive end (UTC) of that period: 24:00 Vietnam time of its last day."""
        return self.end_of_day(self.period_last_day(start, days))

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` not counted), e.g. "publish within
        5 working days after issue"."""
        current = _require_date(start, "start")
        _require_count(n, "n")
        counted = 0
        gap = 0
        while counted < n:
            current += _ONE_DAY
            if self.is_day_off(current):
                gap += 1
                if gap >= _MAX_SEARCH_DAYS:
                    raise HolidayDataError(
                        f"no working day within {_MAX_SEARCH_DAYS} days after {current}"
                    )
            else:
                counted += 1
                gap = 0
        return current

    def working_days_end(self, start: date, n: int) -> datetime:
        """The exclusive end (UTC) of a period of ``n`` working days after ``start``."""
        return self.end_of_day(self.add_working_days(start, n))

    # --- instants --------------------------------------------------------------------------

    def end_of_day(self, d: date) -> datetime:
        """24:00 of ``d`` in this calendar's zone (00:00 of the next day), as aware UTC."""
        _require_date(d)
        return datetime.combine(d + _ONE_DAY, time(0), tzinfo=self.tz).astimezone(UTC)

    def start_of_day(self, d: date) -> datetime:
        """00:00 of ``d`` in this calendar's zone, as aware UTC."""
        _require_date(d)
        return datetime.combine(d, time(0), tzinfo=self.tz).astimezone(UTC)

    def local_date(self, instant: datetime) -> date:
        """The Vietnam calendar date of an aware instant."""
        require_aware(instant)
        return instant.astimezone(self.tz).date()

    def __repr__(self) -> str:
        covered = "all years" if self._all_years else _year_ranges(self.years)
        return (
            f"<LegalCalendar {covered}: {len(self._days_off)} days off, "
            f"{len(self._working_days)} make-up working days, tz={self.tz.key}>"
        )


def _require_count(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{what} must be at least 1, got {value}")
