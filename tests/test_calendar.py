"""The legal calendar: Civil Code 2015 Arts. 147–148 day counting on Vietnam's holiday data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.calendar import (
    VN_TZ,
    CalendarNotCovered,
    Holiday,
    HolidayDataError,
    LegalCalendar,
    days_left,
    format_deadline,
    year_ranges,
)
from consult.errors import ConsultError
from tests.helpers import vn_local

HOLIDAYS_DIR = Path(__file__).parent.parent / "config" / "holidays"
CAL = LegalCalendar.from_directory(HOLIDAYS_DIR)
# The years with a file, read from the folder: adding next year's file breaks nothing here.
FILE_YEARS = frozenset(int(p.stem) for p in HOLIDAYS_DIR.glob("[0-9][0-9][0-9][0-9].yaml"))
FIRST, LAST = min(CAL.years), max(CAL.years)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the DOMAIN.md examples --------------------------------------------------------------------


def test_posted_30_01_2024_twenty_days_ends_monday_19_02_despite_tet() -> None:
    assert CAL.period_last_day(date(2024, 1, 30), 20) == date(2024, 2, 19)
    end = CAL.period_end(date(2024, 1, 30), 20)
    assert end == utc(2024, 2, 19, 17, 0)
    assert end.tzinfo is UTC
    assert format_deadline(end) == "24:00 ngày 19/02/2024"


def test_posted_04_03_2024_day_twenty_is_sunday_moves_to_monday() -> None:
    assert date(2024, 3, 24).weekday() == 6
    assert CAL.period_last_day(date(2024, 3, 4), 20) == date(2024, 3, 25)
    assert CAL.period_end(date(2024, 3, 4), 20) == utc(2024, 3, 25, 17, 0)


def test_the_first_day_is_not_counted() -> None:
    # Monday + 1 day is Tuesday; the window ends at 24:00 Tuesday.
    assert CAL.period_last_day(date(2024, 3, 4), 1) == date(2024, 3, 5)


# --- holidays ----------------------------------------------------------------------------------


def test_last_day_inside_tet_2024_moves_to_thursday_15_02() -> None:
    for day in range(8, 15):
        assert CAL.is_day_off(date(2024, 2, day)), day
    assert not CAL.is_day_off(date(2024, 2, 7))
    assert not CAL.is_day_off(date(2024, 2, 15))
    # 01/02 + 10 days = Sun 11/02 (mùng 2 Tết)
    assert CAL.period_last_day(date(2024, 2, 1), 10) == date(2024, 2, 15)
    # 29/01 + 10 days = Thu 08/02 (29 tháng Chạp, a weekday off)
    assert CAL.period_last_day(date(2024, 1, 29), 10) == date(2024, 2, 15)


def test_last_day_on_saturday_27_04_2024_moves_past_the_break_to_02_05() -> None:
    start = date(2024, 4, 27) - timedelta(days=20)
    assert CAL.period_last_day(start, 20) == date(2024, 5, 2)
    assert CAL.day_off_name(date(2024, 4, 29)) is not None  # swapped Monday
    assert "Chiến thắng" in (CAL.day_off_name(date(2024, 4, 30)) or "")


def test_make_up_saturday_counts_as_working() -> None:
    saturday = date(2024, 5, 4)
    assert saturday.weekday() == 5
    assert not CAL.is_day_off(saturday)
    assert CAL.day_off_name(saturday) is None
    assert CAL.working_day_name(saturday)
    start = saturday - timedelta(days=20)
    assert CAL.period_last_day(start, 20) == saturday
    # an ordinary Saturday is off
    assert CAL.is_day_off(date(2024, 5, 11))
    assert CAL.day_off_name(date(2024, 5, 11)) == "Thứ Bảy (nghỉ hằng tuần)"


def test_other_years_key_days() -> None:
    # 2025: Tết 25/01–02/02, swap 02/05 ↔ Sat 26/04, National Day 30/08–02/09
    assert all(CAL.is_day_off(date(2025, 1, 25) + timedelta(days=i)) for i in range(9))
    assert CAL.is_day_off(date(2025, 5, 2))
    assert not CAL.is_day_off(date(2025, 4, 26))
    assert CAL.is_day_off(date(2025, 9, 1)) and CAL.is_day_off(date(2025, 9, 2))
    assert not CAL.is_day_off(date(2025, 9, 3))
    # 2026: Tết 14/02–22/02, Tết Dương lịch swap, National Day swap
    assert all(CAL.is_day_off(date(2026, 2, 14) + timedelta(days=i)) for i in range(9))
    assert CAL.is_day_off(date(2026, 1, 2)) and not CAL.is_day_off(date(2026, 1, 10))
    assert CAL.is_day_off(date(2026, 8, 31)) and not CAL.is_day_off(date(2026, 8, 22))
    # 2027: Tết around Sat 06/02
    assert CAL.is_day_off(date(2027, 2, 8))


def test_every_file_names_its_source_and_each_year_has_its_fixed_holidays() -> None:
    assert {y for y, origin in CAL.origins.items() if origin == "file"} == FILE_YEARS
    assert CAL.years >= FILE_YEARS
    for year in FILE_YEARS:
        assert CAL.sources[year].strip()
        days = {h.day for h in CAL.holidays(year)}
        for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
            assert date(year, month, day) in days, (year, month, day)
        tet_days = [h for h in CAL.holidays(year) if "Tết Nguyên đán" in h.name]
        assert len(tet_days) >= 5
        assert all(isinstance(h, Holiday) and h.name for h in CAL.holidays(year))
    for year in FILE_YEARS:
        for h in CAL.make_up_days(year):
            assert h.day.weekday() == 5


# --- working days ------------------------------------------------------------------------------


def test_publish_within_five_working_days_after_issue() -> None:
    # QĐ 156/QĐ-UBND of Mon 26/02/2024: 27, 28, 29/02, 01/03, (weekend), 04/03
    assert CAL.add_working_days(date(2024, 2, 26), 5) == date(2024, 3, 4)
    assert CAL.working_days_end(date(2024, 2, 26), 5) == utc(2024, 3, 4, 17, 0)


def test_working_days_spanning_tet() -> None:
    # Tue 06/02/2024: 07/02, then Tết 08–14/02, then 15, 16, 19, 20/02
    assert CAL.add_working_days(date(2024, 2, 6), 5) == date(2024, 2, 20)


def test_working_days_across_the_make_up_saturday() -> None:
    # Fri 26/04/2024: Tết-like break 27/04–01/05, then Thu 02, Fri 03, Sat 04 (make-up)
    assert CAL.add_working_days(date(2024, 4, 26), 3) == date(2024, 5, 4)


def test_next_working_day() -> None:
    assert CAL.next_working_day(date(2024, 2, 19)) == date(2024, 2, 19)
    assert CAL.next_working_day(date(2024, 2, 10)) == date(2024, 2, 15)


def test_counts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CAL.period_last_day(date(2024, 3, 4), 0)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2024, 3, 4), -1)


def test_datetime_is_not_a_day() -> None:
    with pytest.raises(TypeError):
        CAL.is_day_off(utc(2024, 3, 4))


# --- coverage ----------------------------------------------------------------------------------


def test_date_outside_the_calendar_is_a_domain_error_in_vietnamese_then_english(
    app: Flask,
) -> None:
    beyond = date(LAST + 1, 1, 5)
    shown = f"05/01/{LAST + 1}"
    covered = year_ranges(CAL.years)
    with app.test_request_context("/?lang=vi"), pytest.raises(CalendarNotCovered) as info:
        CAL.is_day_off(beyond)
    message = str(info.value)
    assert message.startswith(f"Ngày {shown} nằm ngoài lịch tính thời hạn ({covered})")
    assert f"config/holidays/{LAST + 1}.yaml" in message.split(" / ")[0]
    assert f" / Date {shown} is outside the legal calendar ({covered})" in message
    assert isinstance(info.value, ConsultError)
    assert not isinstance(info.value, ValueError)
    assert info.value.status == 422
    assert info.value.code == "calendar_not_covered"
    assert info.value.day == beyond
    with app.test_request_context("/?lang=en"), pytest.raises(CalendarNotCovered) as info:
        CAL.is_day_off(beyond)
    assert str(info.value).startswith(f"Date {shown} is outside the legal calendar")
    assert "Ngày" not in str(info.value)


def test_period_running_past_the_calendar_raises() -> None:
    with pytest.raises(CalendarNotCovered):
        CAL.period_end(date(LAST, 12, 20), 20)
    with pytest.raises(CalendarNotCovered):
        CAL.day_off_name(date(FIRST - 1, 12, 31))


def test_weekends_only_covers_every_year() -> None:
    cal = LegalCalendar.weekends_only()
    assert cal.is_day_off(date(2031, 1, 5))  # Sunday
    assert not cal.is_day_off(date(2024, 2, 12))  # Tết, but no holidays here
    assert cal.period_last_day(date(2040, 1, 2), 20) == date(2040, 1, 23)
    assert cal.add_working_days(date(2031, 1, 3), 1) == date(2031, 1, 6)


def test_constructor_validates_its_data() -> None:
    with pytest.raises(HolidayDataError):
        LegalCalendar({date(2030, 1, 1): "x"}, (), [2024])
    with pytest.raises(HolidayDataError):
        LegalCalendar({}, [date(2024, 5, 6)], [2024])  # a Monday
    with pytest.raises(HolidayDataError):
        LegalCalendar({date(2024, 5, 4): "x"}, [date(2024, 5, 4)], [2024])
    cal = LegalCalendar({date(2024, 5, 6): "x"}, [date(2024, 5, 4)], [2024])
    assert cal.is_day_off(date(2024, 5, 6)) and not cal.is_day_off(date(2024, 5, 4))


# --- holiday files -----------------------------------------------------------------------------

GOOD = """\
year: 2030
source: "test"
days_off:
  - {date: 2030-01-01, name: "Tết Dương lịch"}
working_days:
  - {date: 2030-01-05, name: "make-up"}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_loads_a_minimal_directory(tmp_path: Path) -> None:
    write(tmp_path, "2030.yaml", GOOD)
    write(tmp_path, "README.md", "not a year file")
    cal = LegalCalendar.from_directory(tmp_path, statutory=False)
    assert cal.years == frozenset({2030})
    assert cal.day_off_name(date(2030, 1, 1)) == "Tết Dương lịch"
    assert not cal.is_day_off(date(2030, 1, 5))
    assert cal.sources == {2030: "test"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("year: 2030\nsource: x\ndays_off: [\n", "cannot read"),
        ("- 1\n- 2\n", "expected a mapping"),
        (GOOD.replace("year: 2030", "year: 2031"), "named 2030.yaml"),
        (GOOD.replace('source: "test"', 'source: ""'), "'source'"),
        (GOOD.replace("2030-01-01", "2030-02-30"), "impossible date"),
        (GOOD.replace("2030-01-01", "'2030-02-30'"), "days_off[0]"),
        (GOOD.replace("2030-01-01", "2030-01-01 10:00:00"), "days_off[0]"),
        (GOOD.replace("2030-01-01", "2029-12-31"), "days_off[0] (2029-12-31)"),
        (GOOD.replace('name: "Tết Dương lịch"', "name: ''"), "'name'"),
        (GOOD.replace("2030-01-05", "2030-01-07"), "Saturday or Sunday"),
        (GOOD.replace("working_days:", "workdays:"), "unknown keys"),
        (GOOD + '  - {date: 2030-01-05, name: "again"}\n', "listed twice"),
        ("year: 2030\nsource: x\n", "'days_off' is missing"),
    ],
)
def test_malformed_file_names_the_file_and_entry(tmp_path: Path, text: str, fragment: str) -> None:
    write(tmp_path, "2030.yaml", text)
    with pytest.raises(HolidayDataError) as info:
        LegalCalendar.from_directory(tmp_path)
    message = str(info.value)
    assert "2030.yaml" in message
    assert fragment in message


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(HolidayDataError, match="no holiday file"):
        LegalCalendar.from_directory(tmp_path)
    with pytest.raises(HolidayDataError, match="not found"):
        LegalCalendar.from_directory(tmp_path / "nope")


# --- instants and rendering --------------------------------------------------------------------


def test_local_date() -> None:
    assert CAL.local_date(utc(2024, 2, 19, 16, 59)) == date(2024, 2, 19)
    assert CAL.local_date(utc(2024, 2, 19, 17, 0)) == date(2024, 2, 20)
    with pytest.raises(ValueError, match="naive"):
        CAL.local_date(datetime(2024, 2, 19, 12, 0))


def test_format_deadline() -> None:
    end = utc(2024, 2, 19, 17, 0)
    assert format_deadline(end) == "24:00 ngày 19/02/2024"
    assert format_deadline(end, lang="en") == "24:00 on 19/02/2024"
    assert format_deadline(vn_local(2024, 2, 19, 14, 30)) == "14:30 ngày 19/02/2024"
    assert format_deadline(utc(2024, 2, 19, 7, 30), lang="en") == "14:30 on 19/02/2024"
    # another zone renders the same Vietnam moment
    plus2 = timezone(timedelta(hours=2))
    assert format_deadline(datetime(2024, 2, 19, 19, 0, tzinfo=plus2)) == "24:00 ngày 19/02/2024"
    with pytest.raises(ValueError, match="naive"):
        format_deadline(datetime(2024, 2, 19, 17, 0))


def test_days_left() -> None:
    closes = CAL.period_end(date(2024, 1, 30), 20)  # 24:00 19/02/2024
    assert days_left(vn_local(2024, 2, 19, 8, 0), closes) == 1
    assert days_left(vn_local(2024, 2, 19, 23, 59), closes) == 1
    assert days_left(vn_local(2024, 2, 18, 0, 0), closes) == 2
    assert days_left(vn_local(2024, 1, 30, 9, 0), closes) == 21
    assert days_left(closes, closes) == 0
    assert days_left(closes + timedelta(days=3), closes) == 0
    # late evening UTC is already the next day in Vietnam
    assert days_left(utc(2024, 2, 18, 18, 0), closes) == 1
    # a window closing mid-day still counts its day
    assert days_left(vn_local(2024, 2, 19, 9, 0), vn_local(2024, 2, 19, 14, 30)) == 1
    with pytest.raises(ValueError, match="naive"):
        days_left(datetime(2024, 2, 19, 8, 0), closes)


# --- properties --------------------------------------------------------------------------------

# Starts in the years with a file, early enough that every period ends inside the calendar.
LAST_START = date(max(FILE_YEARS), 10, 31)
starts = st.dates(min_value=date(min(FILE_YEARS), 1, 1), max_value=LAST_START)
lengths = st.integers(min_value=1, max_value=60)


@settings(max_examples=300, deadline=None)
@given(start=starts, days=lengths)
def test_period_properties(start: date, days: int) -> None:
    last = CAL.period_last_day(start, days)
    assert last >= start + timedelta(days=days)
    assert not CAL.is_day_off(last)
    # everything strictly between day N and the last day is off (it moved no further)
    day = start + timedelta(days=days)
    while day < last:
        assert CAL.is_day_off(day)
        day += timedelta(days=1)
    end = CAL.period_end(start, days)
    assert end.tzinfo is UTC
    local = end.astimezone(VN_TZ)
    assert local.time() == time(0)
    assert local.date() == last + timedelta(days=1)
    assert CAL.local_date(end - timedelta(microseconds=1)) == last


@settings(max_examples=300, deadline=None)
@given(start=starts, days=st.integers(min_value=1, max_value=59))
def test_period_last_day_is_monotone(start: date, days: int) -> None:
    assert CAL.period_last_day(start, days) <= CAL.period_last_day(start, days + 1)
    next_start = start + timedelta(days=1)
    if next_start <= LAST_START:
        assert CAL.period_last_day(start, days) <= CAL.period_last_day(next_start, days)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=30))
def test_add_working_days_properties(start: date, n: int) -> None:
    result = CAL.add_working_days(start, n)
    assert result > start
    assert not CAL.is_day_off(result)
    working = sum(
        not CAL.is_day_off(start + timedelta(days=i)) for i in range(1, (result - start).days + 1)
    )
    assert working == n
    end = CAL.working_days_end(start, n)
    assert end.astimezone(VN_TZ).time() == time(0)
    assert CAL.local_date(end) == result + timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(
    start=starts,
    days=lengths,
    offset=st.integers(min_value=-3 * 24 * 3600, max_value=90 * 24 * 3600),
)
def test_days_left_counts_down_to_zero(start: date, days: int, offset: int) -> None:
    closes = CAL.period_end(start, days)
    now = CAL.start_of_day(start) + timedelta(seconds=offset)
    left = days_left(now, closes)
    if now >= closes:
        assert left == 0
    else:
        assert left >= 1
        assert CAL.local_date(now) + timedelta(days=left - 1) == CAL.period_last_day(start, days)


def test_other_time_zone_calendar() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    cal = LegalCalendar.weekends_only(tz=tokyo)
    assert cal.period_end(date(2024, 3, 4), 1) == utc(2024, 3, 5, 15, 0)
