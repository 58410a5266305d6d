"""The legal calendar and the way dates are written, for every layer.

- :mod:`~consult.calendar.counting`: periods counted as the Civil Code does, on the days off
  of each year (:class:`LegalCalendar`);
- :mod:`~consult.calendar.holiday_files`: the yearly holiday data in ``config/holidays/``;
- :mod:`~consult.calendar.dates`: the one formatter of dates, instants and deadlines, in the
  installation's zone (``CONSULT_TIMEZONE``).
"""

from consult.calendar.counting import CalendarNotCovered, Holiday, LegalCalendar
from consult.calendar.dates import (
    VN_TZ,
    days_left,
    dmy,
    format_deadline,
    format_moment,
    hm_dmy,
    local_date,
    use_zone,
    zone,
)
from consult.calendar.holiday_files import HolidayDataError

__all__ = [
    "VN_TZ",
    "CalendarNotCovered",
    "Holiday",
    "HolidayDataError",
    "LegalCalendar",
    "days_left",
    "dmy",
    "format_deadline",
    "format_moment",
    "hm_dmy",
    "local_date",
    "use_zone",
    "zone",
]
