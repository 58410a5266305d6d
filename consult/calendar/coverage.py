"""What the calendar covers, what it refuses, and what a deadline on provisional days says."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from consult.calendar.dates import dmy
from consult.errors import Invalid
from consult.i18n import _


def N_(msgid: str) -> str:
    """Marks a message for extraction (Babel's ``N_``); it is translated when used."""
    return msgid


NOT_COVERED = N_(
    "Date %(date)s is outside the legal calendar (%(years)s): no deadline can be counted on "
    "that day. Check the date and the number of days; to count in %(year)s, add "
    "config/holidays/%(year)s.yaml with that year's announced days off."
)
MAY_MOVE = N_(
    "May move when the official holiday calendar for %(years)s is announced (counted for now "
    "on the statutory holidays); it will not move earlier."
)


def year_ranges(years: Iterable[int]) -> str:
    """``[2024, 2025, 2026, 2027]`` → ``"2024–2027"``; gaps give ``"2024–2025, 2027"``."""
    ordered = sorted(set(years))
    if not ordered:
        return "-"
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


def _in_language_then_english(msgid: str, **variables: object) -> str:
    """The user's language (Vietnamese by default), then the English, as the calendar's
    messages have always read; English alone where the two are the same."""
    english = msgid % variables
    translated = _(msgid, **variables)
    return english if translated == english else f"{translated} / {english}"


class CalendarNotCovered(Invalid):
    """A date falls outside the years the legal calendar covers (announced or computed).

    A domain error, answered 422 like any invalid input: no state of the consultation makes
    such a date countable (409 "not now" would promise it could be later), and the user's fix
    is to correct the date or the number of days. ``field`` names the input at fault when the
    caller knows it (:meth:`for_field`). The message names the date, the covered years and what
    to do, in the user's language and then in English, e.g. ``Ngày 05/01/2040 nằm ngoài lịch
    pháp lý (2023–2037) … / Date 05/01/2040 is outside the legal calendar (2023–2037) …``.
    """

    code = "calendar_not_covered"

    def __init__(self, day: date, years: Iterable[int], field: str = "") -> None:
        self.day = day
        self.years = frozenset(years)
        message = _in_language_then_english(
            NOT_COVERED, date=dmy(day), years=year_ranges(self.years), year=day.year
        )
        super().__init__(message, fields={field: message} if field else None)

    def for_field(self, field: str) -> CalendarNotCovered:
        """The same refusal, attached to the input that led to the date (``comment_days``)."""
        return CalendarNotCovered(self.day, self.years, field)


def provisional_note(years: Iterable[int]) -> str:
    """What a deadline counted on provisional days says beside it: that it may move."""
    return _(MAY_MOVE, years=year_ranges(years))
