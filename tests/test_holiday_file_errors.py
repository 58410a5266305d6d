"""A year's holiday file (``config/holidays/YYYY.yaml``) written wrong: the calendar refuses to
load and the message names the file and the entry to fix, for each kind of mistake an
operator makes when adding next year's days off."""

from __future__ import annotations

from pathlib import Path

import pytest

from consult.calendar import HolidayDataError, LegalCalendar

YEAR = """\
year: 2030
source: "Thông báo của Bộ Lao động - Thương binh và Xã hội"
days_off:
  - {date: 2030-01-01, name: "Tết Dương lịch"}
  - {date: 2030-01-07, name: "Nghỉ bù"}
working_days:
  - {date: 2030-01-05, name: "Làm bù"}
"""


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("year: 2030", "year: '2030'", "'year' must be a whole number, got '2030'"),
        ("year: 2030", "year: true", "'year' must be a whole number, got True"),
        (
            '2030-01-07, name: "Nghỉ bù"',
            '2030-01-05, name: "Nghỉ bù"',
            "2030-01-05 is listed both in days_off and in working_days",
        ),
        (
            'days_off:\n  - {date: 2030-01-01, name: "Tết Dương lịch"}\n'
            '  - {date: 2030-01-07, name: "Nghỉ bù"}\n',
            "days_off: 2030-01-01\n",
            "'days_off' must be a list of {date: YYYY-MM-DD, name: …} entries",
        ),
        (
            '  - {date: 2030-01-01, name: "Tết Dương lịch"}',
            "  - 2030-01-01 Tết Dương lịch",
            "days_off[0] must be a mapping {date: YYYY-MM-DD, name: …}",
        ),
        (
            '{date: 2030-01-07, name: "Nghỉ bù"}',
            '{date: 2030-01-07, name: "Nghỉ bù", paid: true}',
            "days_off[1] has unknown keys ['paid']",
        ),
        ("{date: 2030-01-07,", "{date: 20300107,", "days_off[1]"),
        (
            "working_days:",
            "provisional_periods: 2030-04-25\nworking_days:",
            "'provisional_periods' must be a list of {from: YYYY-MM-DD, to: YYYY-MM-DD, why: …}",
        ),
        (
            "working_days:",
            "provisional_periods:\n  - {from: 25/04/2030, to: 2030-05-05, why: x}\nworking_days:",
            "provisional_periods[0]: 'from' and 'to' must be dates written YYYY-MM-DD",
        ),
    ],
)
def test_a_mistake_in_a_year_file_names_the_file_and_the_entry(
    tmp_path: Path, old: str, new: str, fragment: str
) -> None:
    assert old in YEAR
    (tmp_path / "2030.yaml").write_text(YEAR.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(HolidayDataError) as refused:
        LegalCalendar.from_directory(tmp_path, statutory=False)
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / '2030.yaml'}: ")
    assert fragment in message
