"""The legal calendar and the way dates are written, for every layer.

- :mod:`~consult.calendar.counting`: periods counted as the Civil Code does, on the days off
  of each year (:class:`LegalCalendar`);
- :mod:`~consult.calendar.holiday_files`: the yearly holiday data in ``config/holidays/`` (and
  the same shape for an announcement entered later, :class:`YearData`);
- :mod:`~consult.calendar.statutory`: the Labour Code's days of a year with no data, computed
  with the ``holidays`` library and provisional;
- :mod:`~consult.calendar.coverage`: the refusal of a date the calendar does not cover (a 422)
  and the "may move" note of a deadline counted on provisional days;
- :mod:`~consult.calendar.dates`: the one formatter of dates, instants and deadlines, in the
  installation's zone (``CONSULT_TIMEZONE``).
"""

from consult.calendar.counting import FUTURE_YEARS, PAST_YEARS, LegalCalendar
from consult.calendar.coverage import CalendarNotCovered, provisional_note, year_ranges
from consult.calendar.dates import (
    VN_TZ,
    days_left,
    dmy,
    format_deadline,
    format_moment,
    hm_dmy,
    local_date,
    parse_dmy,
    use_zone,
    zone,
)
from consult.calendar.holiday_files import (
    HolidayDataError,
    ProvisionalPeriod,
    YearData,
    parse_year,
)
from consult.calendar.periods import Deadline, Holiday
from consult.calendar.statutory import anchor_days, statutory_year

__all__ = [
    "FUTURE_YEARS",
    "PAST_YEARS",
    "VN_TZ",
    "CalendarNotCovered",
    "Deadline",
    "Holiday",
    "HolidayDataError",
    "LegalCalendar",
    "ProvisionalPeriod",
    "YearData",
    "anchor_days",
    "days_left",
    "dmy",
    "format_deadline",
    "format_moment",
    "hm_dmy",
    "local_date",
    "parse_dmy",
    "parse_year",
    "provisional_note",
    "statutory_year",
    "use_zone",
    "year_ranges",
    "zone",
]
