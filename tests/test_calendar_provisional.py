"""A calendar that never runs out: the years without data are computed from the Labour Code
(Art. 112) with the ``holidays`` library, marked provisional, and say so on every deadline;
the announced data wins for its year; past the covered years a date is a 422, never a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import holidays
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.calendar import (
    CalendarNotCovered,
    HolidayDataError,
    LegalCalendar,
    ProvisionalPeriod,
    YearData,
    statutory_year,
)
from consult.calendar.holiday_files import load_year_file
from consult.errors import Invalid

HOLIDAYS_DIR = Path(__file__).parent.parent / "config" / "holidays"
CAL = LegalCalendar.from_directory(HOLIDAYS_DIR)
FILES = {int(p.stem): p for p in HOLIDAYS_DIR.glob("[0-9][0-9][0-9][0-9].yaml")}
COMPUTED = sorted(CAL.computed_years)
# The data as it stood with no notice for 2028 (the files up to 2027): the deadlines below rest
# on 2028 and 2029 computed, whatever files are added later.
BEFORE_2028 = LegalCalendar.merged(
    [load_year_file(p) for y, p in sorted(FILES.items()) if y <= 2027]
)


def library(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="en_US")


def named(year: int, name: str) -> list[date]:
    found = library(year).get_named(name, lookup="exact")
    assert found, (year, name)  # the library still names it so: otherwise this test is void
    return sorted(found)


# --- every year 2024–2035 has the Labour Code's holidays -------------------------------------


@pytest.mark.parametrize("year", range(2024, 2036))
def test_every_year_through_2035_has_art_112_holidays_where_the_library_puts_them(
    year: int,
) -> None:
    assert year in CAL.years
    tet = named(year, "Lunar New Year")[0]  # mùng 1 Tết, from the lunar calendar
    hung_kings = named(year, "Hung Kings' Commemoration Day")[0]  # 10/3 lunar
    assert date(year, 1, 21) <= tet <= date(year, 2, 20)
    assert date(year, 3, 20) <= hung_kings <= date(year, 4, 30)
    fixed = [date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)]
    assert named(year, "Liberation Day/Reunification Day") == [fixed[1]]
    assert named(year, "International Labor Day") == [fixed[2]]
    for day in [tet, hung_kings, *fixed]:
        assert CAL.is_day_off(day), (year, day)
        assert CAL.day_off_name(day), (year, day)
    listed = {h.day for h in CAL.holidays(year)}
    assert {tet, hung_kings, *fixed} <= listed
    if year in CAL.computed_years:
        # Exactly the library's days (bar the Art. 112 decision below), each marked provisional.
        assert set(named(year, "National Day")) <= listed  # 2/9 and the day beside it
        lunar_new_year = {d for d, n in library(year).items() if "Lunar New Year" in n or "29" in n}
        assert len(lunar_new_year) >= 5 and lunar_new_year <= listed
        assert all(CAL.is_provisional(d) for d in listed)
        assert all(h.name.endswith("(dự kiến)") for h in CAL.holidays(year))
        assert CAL.origins[year] == "statutory"


def test_the_range_covers_2035_and_refuses_beyond_it_with_a_domain_error() -> None:
    assert set(range(2024, 2036)) <= CAL.years
    first, last = min(CAL.years), max(CAL.years)
    assert CAL.years == frozenset(range(first, last + 1))  # no hole
    assert first == min(FILES) - 1 and last == max(FILES) + 10  # follows the data
    for outside in (date(first - 1, 12, 31), date(last + 1, 1, 1), date(2020, 1, 1)):
        with pytest.raises(CalendarNotCovered) as info:
            CAL.period_end(outside - timedelta(days=20), 20)
        assert isinstance(info.value, Invalid) and info.value.status == 422
        assert outside.strftime("%d/%m/%Y") in info.value.message
    refused = CalendarNotCovered(date(2040, 1, 5), CAL.years).for_field("comment_days")
    assert list(refused.fields) == ["comment_days"]


def test_a_computed_year_is_provisional_and_names_its_source() -> None:
    year = COMPUTED[len(COMPUTED) // 2]
    assert year in CAL.provisional_years and year not in FILES
    source = CAL.sources[year]
    assert "Dự kiến" in source and "Điều 112" in source and "holidays" in source
    assert f"config/holidays/{year}.yaml" in source
    assert CAL.is_provisional(date(year, 6, 15))
    assert CAL.make_up_days(year) == []  # the library cannot know the swaps


def test_the_cultural_day_is_not_a_day_off_until_article_112_makes_it_one() -> None:
    # The library lists 24/11 (Ngày Văn hóa Việt Nam, Resolution 80-NQ/TW) from 2026; the
    # Labour Code does not yet, and the 2026 file leaves it out, so the computed years do too.
    year = next(y for y in COMPUTED if date(y, 11, 24).weekday() < 5 and y > max(FILES))
    assert date(year, 11, 24) in library(year)
    assert not CAL.is_day_off(date(year, 11, 24))


# --- announced data wins -----------------------------------------------------------------------


def test_each_file_says_what_is_provisional_and_the_calendar_agrees() -> None:
    for year, path in FILES.items():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert CAL.origins[year] == "file"
        assert (year in CAL.provisional_years) is bool(data.get("provisional", False))
        for period in data.get("provisional_periods") or []:
            assert CAL.is_provisional(period["from"]) and CAL.is_provisional(period["to"])
        if not data.get("provisional") and not data.get("provisional_periods"):
            assert not CAL.any_provisional(date(year, 1, 1), date(year, 12, 31))


def test_a_file_wins_over_the_library_for_its_year(tmp_path: Path) -> None:
    # 2026 swapped Friday 02/01 for Saturday 10/01; the library knows only 01/01.
    assert date(2026, 1, 2) not in library(2026)
    assert CAL.is_day_off(date(2026, 1, 2)) and not CAL.is_day_off(date(2026, 1, 10))
    # The same year entered later wins over the file: Tết 2027 one day later than the file.
    days = {date(2027, 2, 5) + timedelta(days=i): "Tết" for i in range(7)}
    entered = YearData(2027, "Thông báo thử", days, {}, origin="announcement")
    new = CAL.with_year(entered)
    assert not new.is_day_off(date(2027, 2, 4)) and new.is_day_off(date(2027, 2, 11))
    assert CAL.is_day_off(date(2027, 2, 4))  # the old calendar is unchanged
    assert new.origins[2027] == "announcement" and 2027 not in new.provisional_years
    assert not new.is_provisional(date(2027, 6, 15))
    assert new.years == CAL.years


def test_the_horizon_follows_the_data() -> None:
    single = YearData(2030, "x", {date(2030, 1, 1): "Tết Dương lịch"})
    cal = LegalCalendar.merged([single])
    assert cal.years == frozenset(range(2029, 2041))
    assert cal.provisional_years == cal.years - {2030}
    assert cal.is_day_off(named(2035, "Lunar New Year")[0])
    with pytest.raises(CalendarNotCovered):
        cal.is_day_off(date(2041, 1, 2))
    assert LegalCalendar.merged([single], statutory=False).years == frozenset({2030})


# --- deadlines that rest on provisional days -------------------------------------------------


def test_a_thirty_day_posting_from_02_12_2027_reaches_2028_and_says_it_may_move() -> None:
    counted = BEFORE_2028.deadline(date(2027, 12, 2), 30)
    # day 30 is Sat 01/01/2028 (Tết Dương lịch), made up on Mon 03/01: the end is Tue 04/01
    assert counted.last_day == date(2028, 1, 4)
    assert counted.end == datetime(2028, 1, 4, 17, 0, tzinfo=UTC)
    assert counted.end == BEFORE_2028.period_end(date(2027, 12, 2), 30)
    assert counted.provisional and counted.provisional_years == frozenset({2028})
    note = counted.note()
    assert note is not None and "2028" in note and "will not move earlier" in note


def test_working_days_in_2029_are_counted_on_the_statutory_days() -> None:
    # Thu 26/04/2029: Fri 27, (weekend), Mon 30/04 and Tue 01/05 off, then 02, 03, 04, 07/05.
    counted = BEFORE_2028.deadline(date(2029, 4, 26), 5, working=True)
    assert counted.last_day == date(2029, 5, 7)
    assert counted.end == BEFORE_2028.working_days_end(date(2029, 4, 26), 5)
    assert counted.provisional_years == frozenset({2029})


def test_the_domain_md_examples_rest_on_announced_days() -> None:
    assert not CAL.deadline(date(2024, 1, 30), 20).provisional
    assert CAL.deadline(date(2024, 1, 30), 20).last_day == date(2024, 2, 19)
    assert CAL.deadline(date(2024, 3, 4), 20).last_day == date(2024, 3, 25)
    assert CAL.deadline(date(2024, 3, 4), 20).note() is None


def test_a_window_says_whether_it_rests_on_provisional_days() -> None:
    period = ProvisionalPeriod(date(2030, 4, 20), date(2030, 5, 5), "30/4: no swap known")
    announced = YearData(2030, "x", {date(2030, 4, 30): "30/4"}, periods=(period,))
    cal = LegalCalendar.merged([announced], past_years=0, future_years=1)
    assert cal.any_provisional(date(2030, 5, 5), date(2030, 5, 9))
    assert not cal.any_provisional(date(2030, 5, 6), date(2030, 12, 31))
    assert cal.any_provisional(date(2030, 12, 31), date(2031, 1, 1))  # 2031 is computed
    assert not cal.is_provisional(date(2030, 6, 1)) and cal.is_provisional(date(2030, 4, 30))
    # day 20 of a period from 10/04 is 30/04, provisional; from 20/05 it rests on none
    assert cal.deadline(date(2030, 4, 10), 20).provisional_years == frozenset({2030})
    assert not cal.deadline(date(2030, 5, 20), 20).provisional
    # the window as stored: from the day after it opens through its last day
    opens = cal.start_of_day(date(2030, 6, 1))
    assert cal.window_note(opens, cal.end_of_day(date(2030, 6, 30))) is None
    late = cal.window_note(opens, cal.end_of_day(date(2031, 1, 2)))
    assert late is not None and "2031" in late


starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 10, 31))


@settings(max_examples=300, deadline=None)
@given(start=starts, days=st.integers(min_value=1, max_value=60), working=st.booleans())
def test_deadline_flag_matches_the_days_the_count_looked_at(
    start: date, days: int, working: bool
) -> None:
    counted = CAL.deadline(start, days, working=working)
    assert not CAL.is_day_off(counted.last_day)
    looked_from = start + timedelta(days=1 if working else days)
    looked = [
        looked_from + timedelta(days=i) for i in range((counted.last_day - looked_from).days + 1)
    ]
    assert counted.provisional == any(CAL.is_provisional(d) for d in looked)
    assert counted.provisional_years == frozenset(d.year for d in looked if CAL.is_provisional(d))


# --- the data's shape --------------------------------------------------------------------------

GOOD = """\
year: 2030
source: "test"
provisional: false
provisional_periods:
  - {from: 2030-04-25, to: 2030-05-05, why: "no swap known"}
days_off:
  - {date: 2030-01-01, name: "Tết Dương lịch"}
"""


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (GOOD.replace("provisional: false", "provisional: maybe"), "'provisional'"),
        (GOOD.replace("to: 2030-05-05", "to: 2030-04-01"), "provisional_periods[0]"),
        (GOOD.replace("to: 2030-05-05", "to: 2031-01-05"), "must be in 2030"),
        (GOOD.replace(', why: "no swap known"', ""), "exactly the keys from, to, why"),
        (GOOD.replace('why: "no swap known"', 'why: ""'), "'why'"),
    ],
)
def test_malformed_provisional_keys_name_the_file_and_entry(
    tmp_path: Path, text: str, fragment: str
) -> None:
    (tmp_path / "2030.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(HolidayDataError) as info:
        LegalCalendar.from_directory(tmp_path)
    assert "2030.yaml" in str(info.value) and fragment in str(info.value)


def test_a_year_round_trips_through_its_mapping(tmp_path: Path) -> None:
    (tmp_path / "2030.yaml").write_text(GOOD, encoding="utf-8")
    data = LegalCalendar.from_directory(tmp_path).year_data(2030)
    again = LegalCalendar.merged([statutory_year(2029)]).with_year(data).year_data(2030)
    assert again.as_mapping() == data.as_mapping()
    assert data.as_mapping()["provisional_periods"] == [
        {"from": "2030-04-25", "to": "2030-05-05", "why": "no swap known"}
    ]
