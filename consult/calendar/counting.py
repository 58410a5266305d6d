"""The legal calendar: counting periods as Vietnam's Civil Code 2015 does (Arts. 147–148).

- The first day of a period is not counted: a period that starts on the day of an event counts
  from the next day.
- A period in days ends at 24:00 of its last day.
- If the last day is a weekly rest day or a public holiday, the period ends at 24:00 of the next
  working day.

Weekly rest days are Saturday and Sunday (the state agencies' week), except the Saturdays the
government declares make-up working days. Public holidays, Tết and the compensatory or swapped
days off differ each year; they are data, one file per year in ``config/holidays/YYYY.yaml``
(or an announcement entered later), each naming its legal source. A year with neither is
computed from the Labour Code (:mod:`~consult.calendar.statutory`) and is **provisional**, as
are the parts of a file marked so: a deadline counted on a provisional day says it may move.
Past the covered years (a margin before the first year with data, a horizon after the last)
a date is refused with :class:`~consult.calendar.coverage.CalendarNotCovered`, a 422.

Instants are aware datetimes; the ends computed here are exclusive and in UTC: "24:00 on
19/02/2024" in Vietnam is ``2024-02-19T17:00:00Z``. No Flask, no database, no wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from consult.calendar.coverage import CalendarNotCovered, provisional_note, year_ranges
from consult.calendar.dates import require_aware, zone
from consult.calendar.holiday_files import (
    FILE_NAME,
    HolidayDataError,
    Origin,
    ProvisionalPeriod,
    YearData,
    load_year_file,
)
from consult.calendar.periods import Deadline, Holiday, checked_days, require_count, require_date
from consult.calendar.statutory import statutory_year

_ONE_DAY = timedelta(days=1)
# No real calendar has a year without a working day; past this, the data is wrong.
_MAX_SEARCH_DAYS = 366
_WEEKDAY_NAMES_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
PAST_YEARS = 1
"""Years computed before the first year with data (the law applies from 01/07/2023)."""
FUTURE_YEARS = 10
"""Years computed after the last year with data (2027 → through 2037)."""


class LegalCalendar:
    """Days off and working days of Vietnam's state agencies, and periods counted on them."""

    years: frozenset[int]
    """Every year the calendar can count in (announced, provisional and computed)."""
    provisional_years: frozenset[int]
    """Years whose data is wholly provisional (computed, or a file marked provisional)."""
    computed_years: frozenset[int]
    """Years with no data, computed from the Labour Code (a subset of the provisional ones)."""
    periods: tuple[ProvisionalPeriod, ...]
    """Provisional parts of otherwise announced years."""
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
        provisional_years: Iterable[int] = (),
        provisional_periods: Iterable[ProvisionalPeriod] = (),
        origins: Mapping[int, Origin] | None = None,
    ) -> None:
        """``working_saturdays`` are the make-up working days (a weekend day declared a working
        day in exchange for a day off); a mapping ``{date: name}`` keeps their names.
        ``covers_all_years`` is for :meth:`weekends_only`. Prefer :meth:`from_directory` or
        :meth:`merged`, which compute the years without data."""
        self.tz = tz or zone()
        self._all_years = covers_all_years
        self.years = (
            frozenset(range(MINYEAR, MAXYEAR + 1)) if covers_all_years else frozenset(years)
        )
        self.sources: dict[int, str] = dict(sources or {})
        self.origins: dict[int, Origin] = dict(origins or dict.fromkeys(self.sources, "file"))
        self.provisional_years = frozenset(provisional_years)
        self.computed_years = frozenset(y for y, o in self.origins.items() if o == "statutory")
        self.periods = tuple(provisional_periods)
        self._by_year: dict[int, YearData] | None = None
        self._inputs: tuple[YearData, ...] | None = None
        self._horizon = (PAST_YEARS, FUTURE_YEARS, True)
        outside = {*self.provisional_years, *(p.first.year for p in self.periods)} - self.years
        if outside:
            raise HolidayDataError(f"provisional years {sorted(outside)} are not covered")
        self._days_off, self._working_days = checked_days(days_off, working_saturdays, self.years)

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_directory(
        cls,
        path: Path,
        tz: ZoneInfo | None = None,
        *,
        announcements: Iterable[YearData] = (),
        statutory: bool = True,
        past_years: int = PAST_YEARS,
        future_years: int = FUTURE_YEARS,
    ) -> LegalCalendar:
        """Load every ``YYYY.yaml`` in ``path`` (see ``config/holidays/``), then
        ``announcements`` (entered later: each replaces its year's file), and compute the
        years around them (:meth:`merged`). ``statutory=False`` keeps the files' years only."""
        path = Path(path)
        if not path.is_dir():
            raise HolidayDataError(f"holiday data directory not found: {path}")
        files = sorted(p for p in path.iterdir() if FILE_NAME.match(p.name) and p.is_file())
        if not files:
            raise HolidayDataError(f"no holiday file (YYYY.yaml) in {path}")
        data = [load_year_file(file) for file in files]
        return cls.merged(
            [*data, *announcements],
            tz,
            statutory=statutory,
            past_years=past_years,
            future_years=future_years,
        )

    @classmethod
    def merged(
        cls,
        data: Iterable[YearData],
        tz: ZoneInfo | None = None,
        *,
        statutory: bool = True,
        past_years: int = PAST_YEARS,
        future_years: int = FUTURE_YEARS,
    ) -> LegalCalendar:
        """One calendar from years of data: a later item replaces an earlier one of the same
        year (the announcement entered wins over the file), and every year from
        ``past_years`` before the first to ``future_years`` after the last that has no data is
        computed from the Labour Code, provisional. Beyond that range nothing is covered."""
        given: dict[int, YearData] = {}
        for item in data:
            given[item.year] = item
        by_year = dict(given)
        if statutory and given:
            for year in range(min(given) - past_years, max(given) + future_years + 1):
                if year not in by_year:
                    by_year[year] = statutory_year(year)
        days_off: dict[date, str] = {}
        working: dict[date, str] = {}
        for item in by_year.values():
            days_off.update(item.days_off)
            working.update(item.working_days)
        calendar = cls(
            days_off,
            working,
            by_year,
            tz,
            sources={y: d.source for y, d in by_year.items()},
            provisional_years=[y for y, d in by_year.items() if d.provisional],
            provisional_periods=[p for d in by_year.values() for p in d.periods],
            origins={y: d.origin for y, d in by_year.items()},
        )
        calendar._by_year = by_year
        calendar._inputs = tuple(given.values())
        calendar._horizon = (past_years, future_years, statutory)
        return calendar

    def with_year(self, data: YearData) -> LegalCalendar:
        """This calendar with ``data`` replacing its year (an announcement entered)."""
        if self._inputs is None:
            raise TypeError("only a calendar built from year data (merged) can take a year")
        past, future, statutory = self._horizon
        return LegalCalendar.merged(
            [*self._inputs, data],
            self.tz,
            statutory=statutory,
            past_years=past,
            future_years=future,
        )

    @classmethod
    def weekends_only(cls, tz: ZoneInfo | None = None) -> LegalCalendar:
        """No holidays, only Saturdays and Sundays off; every year is covered (tests, drills)."""
        return cls({}, (), (), tz, covers_all_years=True)

    def year_data(self, year: int) -> YearData:
        """The data the calendar counts ``year`` on (its file, announcement or computation)."""
        if not (self._all_years or year in self.years):
            raise CalendarNotCovered(date(year, 1, 1), self.years)
        if self._by_year is not None:
            return self._by_year[year]
        return YearData(
            year,
            self.sources.get(year, ""),
            {d: n for d, n in self._days_off.items() if d.year == year},
            {d: n for d, n in self._working_days.items() if d.year == year},
            year in self.provisional_years,
            tuple(p for p in self.periods if p.first.year == year),
            self.origins.get(year, "file"),
        )

    # --- provisional days ------------------------------------------------------------------

    def is_provisional(self, d: date) -> bool:
        """Whether ``d``'s status may still change when the official calendar is announced."""
        self._check(d)
        return d.year in self.provisional_years or any(p.first <= d <= p.last for p in self.periods)

    def provisional_between(self, first: date, last: date) -> frozenset[int]:
        """The years with a provisional day from ``first`` to ``last`` (both included)."""
        require_date(first, "first")
        require_date(last, "last")
        if last < first:
            return frozenset()
        years = {y for y in self.provisional_years if first.year <= y <= last.year}
        years.update(p.first.year for p in self.periods if p.overlaps(first, last))
        return frozenset(years)

    def any_provisional(self, first: date, last: date) -> bool:
        """Whether any day from ``first`` to ``last`` (both included) is provisional."""
        return bool(self.provisional_between(first, last))

    def window_provisional_years(
        self, opens_at: datetime, closes_at: datetime, *, days: int | None = None
    ) -> frozenset[int]:
        """The provisional years a window ``[opens_at, closes_at)`` may rest on: the days a
        count of it looked at, through its last day. ``days``, for a window counted in
        calendar days, is its length: the count looked only from day ``days`` on (an
        extension only looks later); otherwise every day after the opening day."""
        first = self.local_date(opens_at) + timedelta(days=days or 1)
        last = self.local_date(closes_at - timedelta(microseconds=1))
        return self.provisional_between(first, last)

    def window_note(
        self, opens_at: datetime, closes_at: datetime, *, days: int | None = None
    ) -> str | None:
        """What a page shows beside a window's deadline counted on provisional days."""
        years = self.window_provisional_years(opens_at, closes_at, days=days)
        return provisional_note(years) if years else None

    # --- days ------------------------------------------------------------------------------

    def covers(self, d: date) -> bool:
        return self._all_years or d.year in self.years

    def _check(self, d: date) -> None:
        require_date(d)
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
        current = require_date(d)
        for _ in range(_MAX_SEARCH_DAYS):
            if not self.is_day_off(current):
                return current
            current = self._later(current, 1)
        raise HolidayDataError(f"no working day within {_MAX_SEARCH_DAYS} days of {d}")

    # --- periods ---------------------------------------------------------------------------

    def period_last_day(self, start: date, days: int) -> date:
        """The last day of a period of ``days`` calendar days that starts on ``start``.

        The start day is not counted (Civil Code Art. 147), so day ``days`` is
        ``start + days``; if that day is off, the period ends on the next working day
        (Art. 148)."""
        require_date(start, "start")
        require_count(days, "days")
        return self.next_working_day(self._later(start, days))

    def period_end(self, start: date, days: int) -> datetime:
        """The exclusive end (UTC) of that period: 24:00 Vietnam time of its last day."""
        return self.end_of_day(self.period_last_day(start, days))

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` not counted), e.g. "publish within
        5 working days after issue"."""
        current = require_date(start, "start")
        require_count(n, "n")
        counted = 0
        gap = 0
        while counted < n:
            current = self._later(current, 1)
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

    def deadline(self, start: date, n: int, *, working: bool = False) -> Deadline:
        """:meth:`period_end` (or, ``working``, :meth:`working_days_end`) and whether the count
        rested on provisional days: for calendar days, the days from day ``n`` to the last
        (the days before do not move the end); for working days, every day counted."""
        if working:
            last = self.add_working_days(start, n)
            looked_from = start + _ONE_DAY
        else:
            last = self.period_last_day(start, n)
            looked_from = start + timedelta(days=n)
        return Deadline(self.end_of_day(last), last, self.provisional_between(looked_from, last))

    # --- instants --------------------------------------------------------------------------

    def end_of_day(self, d: date) -> datetime:
        """24:00 of ``d`` in this calendar's zone (00:00 of the next day), as aware UTC."""
        require_date(d)
        return datetime.combine(self._later(d, 1), time(0), tzinfo=self.tz).astimezone(UTC)

    def _later(self, d: date, days: int) -> date:
        try:  # a count of a million days is bad input, not a crash
            return d + timedelta(days=days)
        except OverflowError:
            raise CalendarNotCovered(date.max, self.years) from None

    def start_of_day(self, d: date) -> datetime:
        """00:00 of ``d`` in this calendar's zone, as aware UTC."""
        require_date(d)
        return datetime.combine(d, time(0), tzinfo=self.tz).astimezone(UTC)

    def local_date(self, instant: datetime) -> date:
        """The Vietnam calendar date of an aware instant."""
        require_aware(instant)
        return instant.astimezone(self.tz).date()

    def __repr__(self) -> str:
        covered = "all years" if self._all_years else year_ranges(self.years)
        return (
            f"<LegalCalendar {covered}: {len(self._days_off)} days off, "
            f"{len(self._working_days)} make-up working days, tz={self.tz.key}>"
        )
