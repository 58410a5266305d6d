"""Opinions received offline (on paper, at a meeting, in the box, through the Front's
village committees), typed in by staff: the same intake as online ones, counted from the day
they were received, with an optional scan of the paper kept beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from consult.actor import Actor
from consult.calendar import LegalCalendar
from consult.errors import Invalid
from consult.i18n import _
from consult.services import intake, scans


@dataclass(frozen=True)
class Scan:
    data: bytes
    filename: str


def received_at(calendar: LegalCalendar, text: str, now: datetime) -> datetime:
    """The instant an offline opinion counts from: now if received today, else the last
    moment of that day (local time), so the window check uses the day it was received."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        message = _("Not a valid date: write YYYY-MM-DD, e.g. 2024-03-04.")
        raise Invalid(message, fields={"received_on": message}) from None
    today = calendar.local_date(now)
    if day > today:
        message = _("The date received cannot be in the future.")
        raise Invalid(message, fields={"received_on": message})
    if day == today:
        return now
    return calendar.end_of_day(day) - timedelta(seconds=1)


def people_count(text: str) -> int:
    """How many people or households an opinion speaks for, as typed (1 when left empty)."""
    text = (text or "1").strip()
    if not text.isdigit():
        message = _("Must be a whole number.")
        raise Invalid(message, fields={"represents": message})
    return int(text)


def enter(
    session: Session,
    consultation_id: int,
    data: intake.CommentInput,
    actor: Actor,
    now: datetime,
    *,
    scan: Scan | None,
    uploads: Path,
) -> intake.Stored:
    """Store an opinion received offline, and its scan, in the session's unit of work."""
    stored = intake.submit(session, consultation_id, data, now, entered_by=actor)
    if scan is not None:
        scans.attach(session, uploads, stored, scan.data, scan.filename, actor, now)
    return stored
