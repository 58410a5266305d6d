"""Timed windows (thời hạn): opened by an action, closed exactly once by the action their end
takes. Their ends are absolute UTC instants, counted on the legal calendar when they open."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value

from consult.calendar import CalendarNotCovered, LegalCalendar
from consult.errors import Conflict
from consult.i18n import _
from consult.models import Window
from consult.workflow.context import ActionContext
from consult.workflow.definition import WindowSpec
from consult.workflow.duration import Duration

_window = Window.__table__  # type: ignore[attr-defined]
_CLOSE = (  # built once: it runs for every scheduled close
    update(_window)
    .where(
        _window.c.consultation_id == bindparam("consultation_id_"),
        _window.c.name == bindparam("name_"),
        _window.c.closed_at.is_(None),
    )
    .values(closed_at=bindparam("now"))
)


def end_of(
    calendar: LegalCalendar,
    start_day: date,
    opens_at: datetime,
    now: datetime,
    duration: Duration,
    notes: dict[str, object] | None = None,
) -> datetime:
    """Where a window of ``duration`` from ``start_day`` ends: calendar days by the Civil
    Code (the start day not counted), working days, or plain time for drills. A count that
    rests on provisional days (a year not yet announced) says so in ``notes``."""
    if duration.unit not in ("d", "wd"):
        return max(opens_at, now) + duration.approximate
    counted = calendar.deadline(start_day, duration.amount, working=duration.unit == "wd")
    if counted.provisional and notes is not None:
        notes.update(
            provisional_years=sorted(counted.provisional_years), provisional_note=counted.note()
        )
    return counted.end


def last_day(calendar: LegalCalendar, window: Window) -> date:
    """The last calendar day (local) of a window whose end is exclusive."""
    return calendar.local_date(window.closes_at - timedelta(microseconds=1))


def open_window(ctx: ActionContext, spec: WindowSpec) -> Window:
    duration = spec.duration
    if spec.set_by and ctx.payload.get(spec.set_by):
        duration = Duration(int(ctx.payload[spec.set_by]), duration.unit)
    start_day = ctx.payload.get(spec.start_from or "")
    if start_day is not None:
        opens_at = datetime.combine(start_day, time(0), tzinfo=ctx.calendar.tz).astimezone(UTC)
    else:
        opens_at, start_day = ctx.now, ctx.today
    try:
        closes_at = end_of(ctx.calendar, start_day, opens_at, ctx.now, duration, ctx.notes)
    except CalendarNotCovered as exc:  # a count past what the calendar can say: the field
        raise exc.for_field(spec.set_by or spec.start_from or "") from None
    if spec.accepts_comments and spec.minimum is not None and start_day < ctx.today:
        # Posted on paper earlier: online, the public gets its whole minimum from today, the
        # day the draft is actually published here (Art. 28(2): from the day it is public).
        online = end_of(ctx.calendar, ctx.today, ctx.now, ctx.now, spec.minimum)
        if online > closes_at:
            ctx.notes.update(online_from=ctx.today.isoformat(), online_until=online.isoformat())
            closes_at = online
    window = Window(
        consultation_id=ctx.consultation_id,
        name=spec.name,
        opens_at=opens_at,
        closes_at=closes_at,
        duration=str(duration),
        on_close=spec.on_close,
        accepts_comments=spec.accepts_comments,
        basis=spec.basis,
    )
    ctx.session.add(window)
    ctx.session.flush()
    ctx.windows().append(window)
    return window


def close_windows(ctx: ActionContext) -> None:
    """Close the windows whose end this action is; each exactly once (a second close loses).
    A deadline this step meets is closed too, and the audit entry says if it came late."""
    for spec in ctx.definition.windows.values():
        if spec.deadline_for == ctx.action.name:
            meet_deadline(ctx, spec)
        if spec.on_close != ctx.action.name:
            continue
        result = ctx.session.connection().execute(
            _CLOSE, {"consultation_id_": ctx.consultation_id, "name_": spec.name, "now": ctx.now}
        )
        if result.rowcount != 1:
            raise Conflict(_("This window was already closed."))
        for window in ctx.windows():
            if window.name == spec.name:
                set_committed_value(window, "closed_at", ctx.now)


def meet_deadline(ctx: ActionContext, spec: WindowSpec) -> None:
    """Close the deadline ``spec`` (if it was opened and is still open); note when it was kept:
    the day the step says it was done (``done_from``), else now."""
    window = next((w for w in ctx.windows() if w.name == spec.name and w.closed_at is None), None)
    if window is None:
        return
    done_day = ctx.payload.get(spec.done_from or "")
    done_at = (
        datetime.combine(done_day, time(12), tzinfo=ctx.calendar.tz).astimezone(UTC)
        if done_day is not None
        else ctx.now
    )
    ctx.session.connection().execute(
        _CLOSE, {"consultation_id_": ctx.consultation_id, "name_": spec.name, "now": done_at}
    )
    set_committed_value(window, "closed_at", done_at)
    if done_at >= window.closes_at:
        late = ctx.notes.setdefault("late", [])
        late.append({"deadline": spec.name, "closes_at": window.closes_at.isoformat()})
