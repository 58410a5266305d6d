"""A meeting where opinions were gathered (a village meeting, a dialogue conference, the
Front's gathering) and its sheet: many opinions entered at once, each carrying the meeting's
channel, village and date.

Each row is checked on its own: the valid rows are kept, an invalid row is given back with
its error, nothing else is lost. A sheet has a key (drawn when the empty sheet is shown) and
each row its place on it, so the same sheet sent again (a second click, the invalid row fixed
and the sheet sent once more) stores no opinion twice and no second meeting.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.calendar import LegalCalendar, dmy, parse_dmy
from consult.errors import ConsultError, Invalid, NotAllowedNow
from consult.i18n import _
from consult.ledger import audit
from consult.models import Comment, Consultation, Meeting
from consult.models.meeting import MEETING_KINDS
from consult.permissions import Can
from consult.services import intake

CHANNEL = "meeting"
"""Every opinion of a meeting sheet is received at a meeting (hội nghị, cuộc họp)."""


def new_sheet_key() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class MeetingInput:
    sheet_key: str
    held_on: str
    """As typed: dd/mm/yyyy."""
    kind: str = "village_meeting"
    village: str = ""
    place: str = ""
    chair: str = ""
    people: str = ""
    households: str = ""
    minutes: str = ""


@dataclass(frozen=True)
class RowInput:
    body: str
    article: str = ""
    clause: str = ""
    author_name: str = ""
    represents: str = ""

    @property
    def empty(self) -> bool:
        return not any(v.strip() for v in (self.body, self.clause, self.author_name))


@dataclass
class RowResult:
    index: int
    """The row's place on the sheet, from 1."""
    receipt: str = ""
    error: str = ""
    field: str = ""
    """The row's field the error is about: body, article, clause, represents…"""
    new: bool = False
    """Stored by this sending (not by an earlier one)."""


@dataclass
class SheetResult:
    meeting: Meeting
    rows: list[RowResult] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(1 for r in self.rows if r.new)

    @property
    def kept(self) -> int:
        return sum(1 for r in self.rows if r.receipt)

    @property
    def refused(self) -> int:
        return sum(1 for r in self.rows if r.error)


def _count(text: str, name: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        message = _("Must be a whole number.")
        raise Invalid(message, fields={name: message})
    return int(text)


def _held_on(text: str, today: date) -> date:
    try:
        day = parse_dmy(text)
    except ValueError:
        message = _("Not a valid date: write day/month/year, e.g. 04/03/2024.")
        raise Invalid(message, fields={"held_on": message}) from None
    if day > today:
        message = _("The meeting date cannot be in the future.")
        raise Invalid(message, fields={"held_on": message})
    return day


def received_at(calendar: LegalCalendar, day: date, now: datetime) -> datetime:
    """The instant the meeting's opinions count from: now if held today, else the last moment
    of that day (the window check uses the day of the meeting)."""
    if day == calendar.local_date(now):
        return now
    return calendar.end_of_day(day) - timedelta(seconds=1)


def _meeting(
    session: Session,
    consultation: Consultation,
    data: MeetingInput,
    calendar: LegalCalendar,
    actor: Actor,
    now: datetime,
) -> tuple[Meeting, bool]:
    """The sheet's meeting: the one stored by an earlier sending of this sheet, else a new one."""
    found = session.exec(select(Meeting).where(Meeting.sheet_key == data.sheet_key)).first()
    if found is not None:
        if found.consultation_id != consultation.id:
            raise NotAllowedNow(_("This sheet belongs to another consultation; open a new one."))
        return found, False
    if data.kind not in MEETING_KINDS:
        message = _("One of: %(values)s.", values=", ".join(MEETING_KINDS))
        raise Invalid(message, fields={"kind": message})
    held_on = _held_on(data.held_on, calendar.local_date(now))
    if data.kind == "village_meeting" and not data.village.strip():
        message = _("Choose the village or residential group of the meeting.")
        raise Invalid(message, fields={"village": message})
    assert consultation.id is not None
    meeting = Meeting(
        consultation_id=consultation.id,
        kind=data.kind,
        village=data.village.strip()[:100],
        held_on=held_on,
        place=data.place.strip()[:200],
        chair=data.chair.strip()[:120],
        attendance_people=_count(data.people, "people"),
        attendance_households=_count(data.households, "households"),
        minutes=data.minutes.strip(),
        sheet_key=data.sheet_key,
        created_at=now,
        created_by_id=actor.user_id,
    )
    return meeting, True


def enter_sheet(
    session: Session,
    consultation: Consultation,
    data: MeetingInput,
    rows: list[RowInput],
    *,
    calendar: LegalCalendar,
    actor: Actor,
    now: datetime,
) -> SheetResult:
    """Store the meeting (once per sheet) and each valid row not stored before. The meeting's
    own fields must be right (else :class:`Invalid` on them and nothing is stored)."""
    permissions.require_on(actor, Can.ENTER_OPINIONS, consultation)
    if not data.sheet_key.strip() or len(data.sheet_key) > 60:
        raise Invalid(_("The sheet has no key; open a new sheet."))
    meeting, created = _meeting(session, consultation, data, calendar, actor, now)
    assert consultation.id is not None
    window = intake.comment_window(session, consultation.id)
    at = received_at(calendar, meeting.held_on, now)
    if window is None or not (window.opens_at <= at < window.closes_at):
        message = _(
            "The meeting of %(day)s is outside the comment window: its opinions cannot be "
            "received.",
            day=dmy(meeting.held_on),
        )
        raise Invalid(message, fields={"held_on": message})
    if created:
        session.add(meeting)
        session.flush()
    assert meeting.id is not None
    keys = {i: f"{data.sheet_key}:{i}" for i, row in enumerate(rows, start=1) if not row.empty}
    earlier = dict(
        session.exec(
            select(Comment.entry_key, Comment.receipt).where(
                col(Comment.entry_key).in_(list(keys.values()))
            )
        ).all()
    )
    result = SheetResult(meeting)
    for index, key in keys.items():
        row = rows[index - 1]
        if key in earlier:
            result.rows.append(RowResult(index, receipt=earlier[key]))
            continue
        try:
            stored = intake.submit(
                session,
                consultation.id,
                intake.CommentInput(
                    body=row.body,
                    author_name=row.author_name,
                    locality=meeting.village,
                    article=row.article or None,
                    clause=row.clause,
                    channel=CHANNEL,
                    represents=_count(row.represents, "represents") or 1,
                    received_at=at,
                    meeting_id=meeting.id,
                    entry_key=key,
                ),
                now,
                entered_by=actor,
            )
        except ConsultError as exc:
            name, message = next(iter(exc.fields.items()), ("", exc.message))
            result.rows.append(RowResult(index, error=str(message), field=name))
        else:
            result.rows.append(RowResult(index, receipt=stored.receipt, new=True))
    audit.record(
        session,
        now=now,
        actor=actor,
        action="enter_meeting",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={
            "meeting": meeting.id,
            "village": meeting.village,
            "held_on": meeting.held_on.isoformat(),
            "stored": result.stored,
            "refused": result.refused,
        },
    )
    return result


def of_consultation(session: Session, consultation_id: int) -> list[Meeting]:
    query = select(Meeting).where(Meeting.consultation_id == consultation_id)
    return list(session.exec(query.order_by(col(Meeting.held_on), col(Meeting.id))))
