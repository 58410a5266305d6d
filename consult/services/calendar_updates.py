"""The holiday calendar as it is announced, year by year: entering a year's official days off,
and counting the open windows again on them — their ends move later, never earlier.

A year's days come, in order of precedence, from the announcement an administrator entered
(:class:`~consult.models.HolidayAnnouncement`), from ``config/holidays/YYYY.yaml``, or from the
Labour Code computed and marked provisional (:mod:`consult.calendar.statutory`).

When a year is entered (:func:`announce_year`), every open window whose count looked at that
year is counted again as the engine counts it (its opening day and duration, then each
extension recorded in the audit log) on the new calendar; where the new end is later, the
window's ``closes_at`` (and the planned end of the postings that end with it) moves there, with
one audit entry per window moved. An end never moves earlier: a citizen who was told 24:00 on
11/01/2028 keeps that time even if the notice turns out to give fewer days off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.calendar import (
    HolidayDataError,
    LegalCalendar,
    YearData,
    anchor_days,
    dmy,
    format_deadline,
    parse_year,
    provisional_note,
    year_ranges,
)
from consult.errors import Forbidden, Invalid, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import Consultation, HolidayAnnouncement, PostingRecord, Window
from consult.workflow.duration import Duration

ANNOUNCE = "announce_holidays"
"""The audit action of entering a year's calendar."""
RECOMPUTE = "recompute_deadline"
"""The audit action of a window whose end moved with a new calendar."""
_ONE_US = timedelta(microseconds=1)


@dataclass(frozen=True)
class MovedWindow:
    window_id: int
    consultation_id: int
    name: str
    before: datetime
    after: datetime


@dataclass(frozen=True)
class Announced:
    """What entering a year did: the calendar to count on from now, and the windows moved."""

    calendar: LegalCalendar
    data: YearData
    moved: list[MovedWindow]


# --- reading ---------------------------------------------------------------------------------


def announcements(session: Session) -> list[YearData]:
    """The years entered by administrators, oldest year first."""
    rows = session.exec(select(HolidayAnnouncement).order_by(col(HolidayAnnouncement.year)))
    return [_year_of(row) for row in rows]


def load_calendar(
    session: Session, holidays_dir: Path, tz: ZoneInfo | None = None
) -> LegalCalendar:
    """The calendar to count on: the files, the announcements entered, the computed years."""
    return LegalCalendar.from_directory(holidays_dir, tz, announcements=announcements(session))


def announcements_stamp(session: Session) -> tuple[int, datetime | None]:
    """Changes whenever a year is entered: a process compares it to rebuild its calendar."""
    rows = session.exec(select(HolidayAnnouncement.entered_at)).all()
    return len(rows), max(rows, default=None)


def describe_year(calendar: LegalCalendar, year: int) -> dict[str, Any]:
    """A year as ``GET /holidays/{year}`` shows it: its days, source and whether provisional."""
    _known_year(year)
    data = calendar.year_data(year)
    return {**data.as_mapping(), "origin": data.origin}


def _known_year(year: int) -> None:
    """A calendar exists for the years a date can have; another is a 404, not a crash."""
    if not MINYEAR <= year <= MAXYEAR:
        raise NotFound(
            _(
                "There is no calendar for the year %(year)s: choose a year from %(first)s to "
                "%(last)s.",
                year=year,
                first=MINYEAR,
                last=MAXYEAR,
            )
        )


def window_note(calendar: LegalCalendar, window: Window) -> str | None:
    """ "May move when the official calendar is announced" beside a window's end, or ``None``
    when its count rests on announced days only (or is not a count of days at all)."""
    years = window_provisional_years(calendar, window)
    return provisional_note(years) if years else None


def window_provisional_years(calendar: LegalCalendar, window: Window) -> frozenset[int]:
    """The provisional years the count of ``window``'s end looked at (empty: none)."""
    try:
        duration = Duration.parse(window.duration)
    except ValueError:
        return frozenset()
    if not duration.is_calendar:
        return frozenset()
    days = duration.amount if duration.unit == "d" else None
    return calendar.window_provisional_years(window.opens_at, window.closes_at, days=days)


def _year_of(row: HolidayAnnouncement) -> YearData:
    return parse_year(
        {
            "year": row.year,
            "source": row.source,
            "provisional": row.provisional,
            "provisional_periods": row.provisional_periods,
            "days_off": row.days_off,
            "working_days": row.working_days,
        },
        where=f"announcement {row.year}",
        expected_year=row.year,
        origin="announcement",
    )


# --- entering a year -------------------------------------------------------------------------


def announce_year(
    session: Session,
    calendar: LegalCalendar,
    *,
    year: int,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
) -> Announced:
    """Enter (or enter again) the official calendar of ``year`` and move the open windows.

    ``data`` has the file's shape (``source``, ``days_off``, optional ``working_days``,
    ``provisional``, ``provisional_periods``; ``year`` may be left out). The caller swaps its
    calendar for the returned one once the transaction commits."""
    if not permissions.organizations_where(actor, permissions.Can.ADMINISTER):
        raise Forbidden(str(permissions.REFUSALS[permissions.Can.ADMINISTER]))
    _known_year(year)
    parsed = _checked(calendar, year, data)
    row = session.exec(select(HolidayAnnouncement).where(HolidayAnnouncement.year == year)).first()
    row = row or HolidayAnnouncement(year=year, source="", entered_at=now)
    stored = parsed.as_mapping()
    row.source = parsed.source
    row.provisional = parsed.provisional
    row.days_off = stored["days_off"]
    row.working_days = stored["working_days"]
    row.provisional_periods = stored["provisional_periods"]
    row.entered_by_id = actor.user_id
    row.entered_at = now
    session.add(row)
    session.flush()
    replaced = calendar.origins.get(year)
    new = calendar.with_year(parsed)
    audit.record(
        session,
        now=now,
        actor=actor,
        action=ANNOUNCE,
        detail={"year": year, "replaces": replaced, **stored},
    )
    moved = recompute_windows(session, new, year=year, actor=actor, now=now)
    return Announced(new, parsed, moved)


def _checked(calendar: LegalCalendar, year: int, data: Mapping[str, Any]) -> YearData:
    last = max(calendar.years) + 1
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= last:
        message = _(
            "The year must be between 2000 and %(last)s (the years the calendar covers, "
            "%(years)s, and the next one).",
            last=last,
            years=year_ranges(calendar.years),
        )
        raise Invalid(message, fields={"year": message})
    if not isinstance(data, Mapping):
        message = _("Send the year's calendar as an object with source and days_off.")
        raise Invalid(message, fields={"days_off": message})
    given = data.get("year", year)
    if given != year:
        message = _("The year in the body (%(given)s) is not %(year)s.", given=given, year=year)
        raise Invalid(message, fields={"year": message})
    try:
        parsed = parse_year(
            {**data, "year": year},
            where=f"announcement {year}",
            expected_year=year,
            origin="announcement",
        )
    except HolidayDataError as exc:
        message = _(
            "The holiday calendar of %(year)s cannot be entered: %(problem)s",
            year=year,
            problem=exc.problem,
        )
        raise Invalid(message, fields={exc.field.split("[")[0] or "days_off": message}) from exc
    missing = [f"{dmy(d)} ({n})" for d, n in anchor_days(year).items() if d not in parsed.days_off]
    if missing:
        message = _(
            "The holiday calendar of %(year)s lacks days the Labour Code makes holidays "
            "(Art. 112): %(days)s. List them under days_off, also when they fall on a weekend.",
            year=year,
            days=", ".join(missing),
        )
        raise Invalid(message, fields={"days_off": message})
    return parsed


# --- counting the open windows again -----------------------------------------------------------


def recompute_windows(
    session: Session, calendar: LegalCalendar, *, year: int, actor: Actor, now: datetime
) -> list[MovedWindow]:
    """Count every running window that touches ``year`` again on ``calendar``; move each end
    that comes out later (never earlier) and record one audit entry per window moved.

    A running window is one not closed whose end is still ahead: a window already over keeps
    its end (the time cannot be given back; its audit entries show how it was counted)."""
    year_starts = calendar.start_of_day(date(year, 1, 1))
    year_ends = calendar.start_of_day(date(year + 1, 1, 1))
    query = (
        select(Window, Consultation.organization_id)
        .join(Consultation, col(Consultation.id) == Window.consultation_id)
        .where(
            col(Window.closed_at).is_(None),
            Window.opens_at < year_ends,
            Window.closes_at > max(year_starts, now),
        )
        .order_by(col(Window.consultation_id), col(Window.id))
    )
    by_consultation: dict[int, list[tuple[Window, int]]] = defaultdict(list)
    for window, organization_id in session.exec(query):
        by_consultation[window.consultation_id].append((window, organization_id))
    moved: list[MovedWindow] = []
    for consultation_id, rows in by_consultation.items():
        ends = _counted_again(session, calendar, consultation_id, [w for w, _org in rows])
        here: list[MovedWindow] = []
        for window, organization_id in rows:
            after = ends.get(window.name)
            change = _move(session, window, after) if after and after > window.closes_at else None
            if change is None:
                continue
            here.append(change)
            audit.record(
                session,
                now=now,
                actor=actor,
                action=RECOMPUTE,
                organization_id=organization_id,
                consultation_id=consultation_id,
                detail={
                    "window": change.name,
                    "year": year,
                    "closes_at_before": change.before.isoformat(),
                    "closes_at": change.after.isoformat(),
                    "closes_at_text": format_deadline(change.after, calendar.tz),
                    "calendar": calendar.origins.get(year),
                },
            )
        _move_postings(session, calendar, consultation_id, here)
        moved.extend(here)
    return moved


def _counted_again(
    session: Session, calendar: LegalCalendar, consultation_id: int, windows: list[Window]
) -> dict[str, datetime]:
    """Each window's end as the engine would count it now: from its opening day for its
    duration, then every extension recorded (from the last day, by so many days). A window
    that ended with an extended one (the posting follows the comment window) follows it."""
    extensions = _extensions(session, consultation_id)
    ends: dict[str, datetime] = {}
    for window in windows:
        try:
            duration = Duration.parse(window.duration)
        except ValueError:
            continue
        if not duration.is_calendar:
            continue
        start = calendar.local_date(window.opens_at)
        end = calendar.deadline(start, duration.amount, working=duration.unit == "wd").end
        for days in extensions.get(window.name, []):
            end = calendar.period_end(calendar.local_date(end - _ONE_US), days)
        ends[window.name] = end
    for extended in windows:
        if extended.name not in extensions or extended.name not in ends:
            continue
        for window in windows:
            tied = window.name != extended.name and window.closes_at == extended.closes_at
            if tied and window.name in ends:
                ends[window.name] = max(ends[window.name], ends[extended.name])
    return ends


def _extensions(session: Session, consultation_id: int) -> dict[str, list[int]]:
    """The days of each extension of each window, in order, from the audit log (the effect
    ``extend_comment_window`` notes the window and its end before; the payload, the days)."""
    found: dict[str, list[int]] = defaultdict(list)
    for entry in audit.trail(session, consultation_id):
        detail = entry.detail or {}
        days = (detail.get("payload") or {}).get("days")
        if not (detail.get("window") and detail.get("closes_at_before")):
            continue
        if isinstance(days, int) and not isinstance(days, bool) and days > 0:
            found[str(detail["window"])].append(days)
    return found


def _move(session: Session, window: Window, after: datetime) -> MovedWindow | None:
    """Move one window's end, only if it is still open and unchanged since it was read."""
    assert window.id is not None
    before = window.closes_at
    result = session.execute(
        update(Window)
        .where(
            col(Window.id) == window.id,
            col(Window.closed_at).is_(None),
            col(Window.closes_at) == before,
        )
        .values(closes_at=after)
        .execution_options(synchronize_session=False)
    )
    session.expire(window)
    if getattr(result, "rowcount", 0) != 1:
        return None
    return MovedWindow(window.id, window.consultation_id, window.name, before, after)


def _move_postings(
    session: Session, calendar: LegalCalendar, consultation_id: int, moved: list[MovedWindow]
) -> None:
    """The postings planned to end with a moved window end with it (the latest, if several
    windows ended that day)."""
    new_last: dict[date, date] = {}
    for change in moved:
        old = calendar.local_date(change.before - _ONE_US)
        new = calendar.local_date(change.after - _ONE_US)
        new_last[old] = max(new_last.get(old, new), new)
    for old, new in new_last.items():
        session.execute(
            update(PostingRecord)
            .where(
                col(PostingRecord.consultation_id) == consultation_id,
                col(PostingRecord.ends_on) == old,
            )
            .values(ends_on=new)
            .execution_options(synchronize_session=False)
        )
