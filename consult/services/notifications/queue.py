"""Finding the notices that are due and queuing each once.

:func:`queue_due` runs one query per kind (reminders 3 days and 1 day before a comment window
closes, the close itself, a decision to publish or overdue, the report to the People's
Council), joined to the users who receive the kind (:func:`consult.permissions.recipients_of`),
and inserts one :class:`Notification` per event and user, keyed by ``dedupe_key`` with
``INSERT … ON CONFLICT DO NOTHING``: a second pass, or a second scheduler process at the same
moment, queues nothing twice. A notice is queued for e-mail (``pending``) when the user has an
address and has not turned e-mail off for the kind; the outbox sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, select
from sqlmodel import Session, col

from consult import permissions
from consult.calendar import CalendarNotCovered, LegalCalendar, days_left
from consult.clock import ensure_utc
from consult.db import upsert
from consult.models import (
    Consultation,
    Document,
    Membership,
    Notification,
    NotificationPreference,
    Organization,
    User,
    Window,
)
from consult.services.notifications import texts
from consult.services.notifications.publication import PUBLISHED_TYPES, publication_deadline

log = logging.getLogger(__name__)
T = TypeVar("T")

REMINDERS = (
    # kind, due when the window closes within `lead`, but not within `floor` (the next one's).
    ("reminder_3d", timedelta(days=3), timedelta(days=1)),
    ("reminder_1d", timedelta(days=1), timedelta(0)),
)
FINAL_STATES = ("in_force",)
# A close is applied at the pass that finds it due (closed_at = that pass's now), so a short
# look-back suffices; it only bounds the scan.
CLOSED_LOOKBACK = timedelta(days=14)
REPORT_LOOKBACK = timedelta(days=60)
# 5 working days never span more than this many calendar days, Tết included.
PUBLICATION_SPAN = timedelta(days=40)


def queue_due(
    session: Session,
    calendar: LegalCalendar,
    now: datetime,
    *,
    final_states: Collection[str] = FINAL_STATES,
) -> int:
    """Queue every notice due at ``now`` that is not queued yet; return how many were queued.

    Run it inside a write transaction (:func:`consult.db.write_session`)."""
    now = ensure_utc(now)
    rows = [
        *_reminders(session, calendar, now),
        *_window_closed(session, calendar, now),
        *_publications(session, calendar, now),
        *_council_reports(session, now, final_states),
    ]
    return _insert_missing(session, rows)


def _with_recipients(query: Select, organization_id: Any, kind: str) -> Select:
    """Add, per matching row, each active user holding one of the kind's roles in the
    organization, with their address and their e-mail choice for the kind (NULL: default)."""
    return (
        query.add_columns(col(User.id), col(User.email), col(NotificationPreference.email))
        .join(
            Membership,
            and_(
                col(Membership.organization_id) == organization_id,
                col(Membership.role).in_(permissions.recipients_of(kind)),
            ),
        )
        .join(User, and_(col(User.id) == col(Membership.user_id), col(User.is_active)))
        .outerjoin(
            NotificationPreference,
            and_(
                col(NotificationPreference.user_id) == col(User.id),
                col(NotificationPreference.kind) == kind,
            ),
        )
    )


def _row(
    kind: str,
    key: str,
    recipient: Sequence[Any],
    consultation_id: int | None,
    text: texts.Text,
    now: datetime,
) -> dict[str, Any]:
    user_id, address, wants_email = recipient
    by_email = bool(address.strip()) and wants_email is not False
    return {
        "user_id": user_id,
        "kind": kind,
        "consultation_id": consultation_id,
        "subject": text[0][:500],
        "body": text[1],
        "link": texts.consultation_link(consultation_id),
        "dedupe_key": f"{key}:user:{user_id}",
        "created_at": now,
        "email_status": "pending" if by_email else "none",
        "attempts": 0,
        "next_attempt_at": None,
        "last_error": "",
        "sent_at": None,
        "read_at": None,
    }


def _comment_windows(kind: str, *where: ColumnElement[bool]) -> Select:
    """Comment windows matching ``where``, each with its consultation's title, per recipient
    of ``kind``: the reminders and the close differ only in which windows they pick."""
    return _with_recipients(
        select(
            col(Window.id),
            col(Window.consultation_id),
            col(Window.closes_at),
            col(Consultation.title),
        )
        .join(Consultation, col(Consultation.id) == col(Window.consultation_id))
        .where(col(Window.accepts_comments), *where),
        Consultation.organization_id,
        kind,
    )


def _reminders(
    session: Session, calendar: LegalCalendar, now: datetime
) -> Iterator[dict[str, Any]]:
    for kind, lead, floor in REMINDERS:
        query = _comment_windows(
            kind,
            col(Window.closed_at).is_(None),
            col(Window.opens_at) <= now,
            col(Window.closes_at) > now + floor,
            col(Window.closes_at) <= now + lead,
        )
        for window_id, consultation_id, closes_at, title, *recipient in session.execute(query):
            # The closing moment is in the key: an extended window is reminded of again.
            key = f"{kind}:window:{window_id}:{closes_at:%Y%m%dT%H%M%SZ}"
            left = days_left(now, closes_at, calendar.tz)
            text = texts.reminder_text(title, closes_at, left, calendar)
            yield _row(kind, key, recipient, consultation_id, text, now)


def _window_closed(
    session: Session, calendar: LegalCalendar, now: datetime
) -> Iterator[dict[str, Any]]:
    kind = "window_closed"
    query = _comment_windows(
        kind,
        col(Window.closed_at).is_not(None),
        col(Window.closed_at) > now - CLOSED_LOOKBACK,
    )
    for window_id, consultation_id, closes_at, title, *recipient in session.execute(query):
        text = texts.window_closed_text(title, closes_at, calendar)
        yield _row(kind, f"{kind}:window:{window_id}", recipient, consultation_id, text, now)


def _publications(
    session: Session, calendar: LegalCalendar, now: datetime
) -> Iterator[dict[str, Any]]:
    today = calendar.local_date(now)
    unpublished = and_(
        col(Document.type).in_(PUBLISHED_TYPES), col(Document.published_on).is_(None)
    )
    scans: list[tuple[str, ColumnElement[bool]]] = [
        ("publish_due", col(Document.issued_on) > today - PUBLICATION_SPAN),
        # The deadline is at least 5 days after issue: older ones are the only candidates.
        ("publish_overdue", col(Document.issued_on) <= today - timedelta(days=5)),
    ]
    deadlines: dict[int, datetime | None] = {}
    for kind, window in scans:
        query = _with_recipients(
            select(Document).where(unpublished, window), Document.organization_id, kind
        )
        for document, *recipient in session.execute(query):
            assert document.id is not None
            if document.id not in deadlines:
                try:
                    deadlines[document.id] = publication_deadline(calendar, document)
                except CalendarNotCovered as exc:
                    log.warning("no publication deadline for %s: %s", document.symbol, exc)
                    deadlines[document.id] = None
            deadline = deadlines[document.id]
            overdue = kind == "publish_overdue"
            if deadline is None or (now >= deadline) != overdue:
                continue
            text = texts.publication_text(document, deadline, overdue=overdue, cal=calendar)
            key = f"{kind}:document:{document.id}"
            yield _row(kind, key, recipient, document.consultation_id, text, now)


COUNCIL_TRACK = "council_report"
"""The definitions' track of the report to the People's Council (Art. 28(5)): once it is
``reported``, no one is reminded of it."""


def _council_reports(
    session: Session, now: datetime, final_states: Collection[str]
) -> Iterator[dict[str, Any]]:
    kind = "report_to_council"
    query = _with_recipients(
        select(col(Consultation.id), col(Consultation.title), col(Organization.short_name))
        .join(Organization, col(Organization.id) == col(Consultation.organization_id))
        .where(
            col(Consultation.state).in_(list(final_states)),
            # updated_at is the last transition: the one into the final stage.
            col(Consultation.updated_at) > now - REPORT_LOOKBACK,
        ),
        Consultation.organization_id,
        kind,
    )
    found = session.execute(query).all()
    decisions: dict[int, tuple[str, date, str]] = {}
    ids = sorted({row[0] for row in found})
    for chunk in _chunks(ids, 500):
        for cid, symbol, issued_on, subject in session.execute(
            select(
                col(Document.consultation_id),
                col(Document.symbol),
                col(Document.issued_on),
                col(Document.subject),
            )
            .where(col(Document.consultation_id).in_(chunk), col(Document.type) == "QĐ")
            .order_by(col(Document.issued_on), col(Document.id))
        ):
            decisions[cid] = (symbol, issued_on, subject)  # the latest one wins
    reported = {
        cid
        for chunk in _chunks(ids, 500)
        for cid, tracks in session.execute(
            select(col(Consultation.id), col(Consultation.tracks)).where(
                col(Consultation.id).in_(chunk)
            )
        )
        if (tracks or {}).get(COUNCIL_TRACK) == "reported"
    }
    for consultation_id, title, council_of, *recipient in found:
        if consultation_id in reported:  # the report to the council is recorded: no reminder
            continue
        text = texts.council_report_text(title, council_of, decisions.get(consultation_id))
        key = f"{kind}:consultation:{consultation_id}"
        yield _row(kind, key, recipient, consultation_id, text, now)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_missing(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Insert the rows whose key is not queued yet; a concurrent pass inserting the same key
    wins quietly (ON CONFLICT DO NOTHING). Keys go in sorted order, so two passes inserting
    overlapping sets on PostgreSQL wait on each other instead of deadlocking."""
    by_key = {row["dedupe_key"]: row for row in rows}  # one notice per user, whatever their roles
    keys = sorted(by_key)
    existing: set[str] = set()
    for chunk in _chunks(keys, 500):
        existing.update(
            session.execute(
                select(col(Notification.dedupe_key)).where(col(Notification.dedupe_key).in_(chunk))
            ).scalars()
        )
    missing = [by_key[key] for key in keys if key not in existing]
    insert = upsert(session)
    queued = 0
    for chunk in _chunks(missing, 100):
        statement = (
            insert(Notification)
            .values(list(chunk))
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(col(Notification.id))
        )
        queued += len(session.execute(statement).all())
    return queued
