"""The statutory holidays of a year with no announced data, computed (always provisional).

Labour Code 2019 (Bộ luật Lao động 2019) Art. 112: Tết Dương lịch (1/1); Tết Âm lịch, 5 days
whose placement the government fixes each year; Giỗ Tổ Hùng Vương (10/3 lunar); Ngày Chiến
thắng (30/4); Ngày Quốc tế Lao động (1/5); Quốc khánh (2/9) and one day before or after it,
also fixed by the government. Art. 111(3): a holiday on a weekly rest day is made up on the
next working day.

The lunar dates and the government's usual choices (which 5 days of Tết, which day beside
2/9, the days made up) come from the well-kept ``holidays`` library (``holidays.Vietnam``).
What it cannot know — the swaps of working days each year's notice announces, and so the
make-up Saturdays — is why every computed year is **provisional**: a deadline counted on it
says it may move, and moves (later, never earlier) when the notice is entered.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

from consult.calendar.holiday_files import YearData

_PROVISIONAL = " (dự kiến)"
NOT_YET_STATUTORY = ("Ngày Văn hóa Việt Nam",)
"""Days the library lists that Art. 112 does not (yet) make a day off. Ngày Văn hóa Việt Nam
(24/11, Resolution 80-NQ/TW) is meant to become one, which needs an amendment of Art. 112;
``config/holidays/2026.yaml`` leaves it out for that reason, and so do the computed years. Drop
it from this tuple once the amendment is in force (and add it to the files)."""


def library_version() -> str:
    return str(holidays.__version__)


def library_days(year: int) -> dict[date, str]:
    """Every day off the library computes for ``year``, with its Vietnamese name."""
    computed = holidays.country_holidays("VN", years=year, language="vi")
    return {day: str(name) for day, name in computed.items() if day.year == year}


def anchor_days(year: int) -> dict[date, str]:
    """The days Art. 112 names outright, which every year's calendar lists: 1/1, mùng 1 Tết,
    Giỗ Tổ Hùng Vương (10/3 lunar), 30/4, 1/5 and 2/9 (the other Tết days and the day beside
    2/9 are the government's choice)."""
    computed = holidays.country_holidays("VN", years=year, language="vi")
    lunar = {
        name: computed.get_named(name, lookup="exact")
        for name in ("Tết Nguyên Đán", "Ngày Giỗ Tổ Hùng Vương")
    }
    days = {
        date(year, 1, 1): "Tết Dương lịch",
        date(year, 4, 30): "Ngày Chiến thắng",
        date(year, 5, 1): "Ngày Quốc tế Lao động",
        date(year, 9, 2): "Quốc khánh",
    }
    days.update({found[0]: name for name, found in lunar.items() if found})
    return dict(sorted(days.items()))


@lru_cache(maxsize=256)
def statutory_year(year: int) -> YearData:
    """The Art. 112 days off of ``year`` (with the Art. 111(3) made-up days), provisional."""
    days_off: dict[date, str] = {}
    for day, names in sorted(library_days(year).items()):
        kept = [n for n in names.split("; ") if not n.startswith(NOT_YET_STATUTORY)]
        if kept:
            days_off[day] = "; ".join(kept) + _PROVISIONAL
    source = (
        f"[Dự kiến, chỉ theo luật] Bộ luật Lao động 2019, Điều 111 khoản 3 và Điều 112. Chưa "
        f"có thông báo của Chính phủ về lịch nghỉ năm {year} trong hệ thống: các ngày Tết Âm "
        f"lịch, Giỗ Tổ Hùng Vương (10/3 âm lịch), ngày liền kề Quốc khánh và các ngày nghỉ bù "
        f"được tính bằng thư viện holidays {library_version()} (holidays.Vietnam); chưa có "
        f"ngày hoán đổi, làm bù. Khi có thông báo, nhập lịch nghỉ năm {year} vào hệ thống "
        f"hoặc bổ sung config/holidays/{year}.yaml; hạn đang chạy được tính lại, không bị rút "
        f"ngắn."
    )
    # cached and shared by every calendar built in the process: read-only
    days = MappingProxyType(days_off)
    return YearData(year, source, days, {}, provisional=True, origin="statutory")
