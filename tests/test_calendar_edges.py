"""The legal calendar at its edges: years it does not cover, empty ranges, names of days off."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from consult.calendar import CalendarNotCovered, HolidayDataError, LegalCalendar

HOLIDAYS_DIR = Path(__file__).parent.parent / "config" / "holidays"
CAL = LegalCalendar.from_directory(HOLIDAYS_DIR)
OUTSIDE = max(CAL.years) + 1


def test_a_provisional_year_the_calendar_does_not_cover_is_refused() -> None:
    with pytest.raises(HolidayDataError, match=r"provisional years \[2031\] are not covered"):
        LegalCalendar({}, (), [2030], provisional_years=[2031])


def test_only_a_calendar_built_from_year_data_takes_an_announced_year() -> None:
    plain = LegalCalendar({}, (), [2024])
    with pytest.raises(TypeError, match="only a calendar built from year data"):
        plain.with_year(CAL.year_data(2024))


@pytest.mark.parametrize("ask", ["year_data", "holidays", "make_up_days"])
def test_a_year_outside_the_calendar_is_not_covered(ask: str) -> None:
    with pytest.raises(CalendarNotCovered):
        getattr(CAL, ask)(OUTSIDE)


def test_a_calendar_not_merged_still_gives_its_year_data() -> None:
    plain = LegalCalendar(
        {date(2024, 9, 2): "Quốc khánh"}, {date(2024, 9, 7): "Làm bù"}, [2024], sources={2024: "f"}
    )
    data = plain.year_data(2024)
    assert data.days_off == {date(2024, 9, 2): "Quốc khánh"}
    assert data.working_days == {date(2024, 9, 7): "Làm bù"}
    assert data.source == "f" and not data.provisional


def test_an_empty_range_has_no_provisional_year() -> None:
    assert CAL.provisional_between(date(2024, 5, 2), date(2024, 5, 1)) == frozenset()


def test_the_names_of_days_off_and_of_working_days() -> None:
    cal = LegalCalendar({date(2024, 9, 2): "Quốc khánh"}, {date(2024, 9, 7): "Làm bù"}, [2024])
    assert cal.day_off_name(date(2024, 9, 2)) == "Quốc khánh"
    assert cal.day_off_name(date(2024, 9, 8)) == "Chủ nhật (nghỉ hằng tuần)"
    assert cal.day_off_name(date(2024, 9, 7)) is None  # the make-up Saturday is worked
    assert cal.day_off_name(date(2024, 9, 3)) is None  # an ordinary Tuesday
    assert cal.working_day_name(date(2024, 9, 7)) == "Làm bù"
    assert cal.is_working_day(date(2024, 9, 7)) and not cal.is_working_day(date(2024, 9, 2))


def test_a_count_past_the_last_representable_day_is_not_covered_not_a_crash() -> None:
    every_year = LegalCalendar.weekends_only()
    with pytest.raises(CalendarNotCovered):
        every_year.period_end(date(9999, 12, 1), 1_000_000)


def test_the_calendar_describes_itself() -> None:
    text = repr(LegalCalendar({date(2024, 9, 2): "Quốc khánh"}, (), [2024]))
    assert "2024" in text and "1 days off" in text and "Asia/Ho_Chi_Minh" in text
    assert "all years" in repr(LegalCalendar.weekends_only())
