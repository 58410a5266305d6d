"""Notifications (thông báo, nhắc việc): what staff are told, when, and how it reaches them.

- **Queuing** (:func:`queue_due`): one query per kind finds what is due (reminders before a
  comment window closes, the close itself, a decision to publish, the report to the People's
  Council) and inserts one row per event and user, keyed by ``dedupe_key`` with
  ``INSERT … ON CONFLICT DO NOTHING``: a second pass, or a second scheduler process at the
  same moment, queues nothing twice.
- **E-mail** (:func:`deliver`): the table is the outbox. A pass claims due rows (``FOR UPDATE
  SKIP LOCKED`` on PostgreSQL; SQLite's write transaction is exclusive anyway) by setting a
  short lease, sends them outside any transaction, then records each outcome; a failure is
  retried after 1, 5, 30 minutes, 2 and 12 hours, and given up (``failed``) after 6 attempts.
- **In-app notices** (:func:`unread`, :func:`mark_read`) need no delivery.
- **Preferences** (:func:`preferences`, :func:`set_preference`): per user and kind, e-mail and
  in-app each on or off; both on without a row.

Texts are Vietnamese: they are written outside any request, for Vietnamese officials.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session, col

from consult import mail, permissions
from consult.calendar import (
    CalendarNotCovered,
    LegalCalendar,
    days_left,
    dmy,
    format_deadline,
)
from consult.clock import ensure_utc
from consult.config import Settings
from consult.db import is_postgres, write_session
from consult.errors import Invalid
from consult.i18n import _
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

log = logging.getLogger(__name__)
T = TypeVar("T")

KINDS = (
    "reminder_3d",
    "reminder_1d",
    "window_closed",
    "publish_due",
    "publish_overdue",
    "report_to_council",
)
KIND_TITLES = {
    "reminder_3d": "Reminder 3 days before a comment window closes",
    "reminder_1d": "Reminder on the last day of a comment window",
    "window_closed": "A comment window has closed: synthesis to do",
    "publish_due": "A decision to publish within 5 working days",
    "publish_overdue": "A decision not published in time",
    "report_to_council": "Report the consultation to the People's Council",
}
"""English message ids for a preferences page: show them with ``consult.i18n._``."""

REMINDERS = (
    # kind, due when the window closes within `lead`, but not within `floor` (the next one's).
    ("reminder_3d", timedelta(days=3), timedelta(days=1)),
    ("reminder_1d", timedelta(days=1), timedelta(0)),
)
PUBLISHED_TYPES = ("QĐ",)
PUBLICATION_WORKING_DAYS = 5
"""A decision is published within 5 working days after it is issued (Law 10/2022 Art. 12(3))."""
FINAL_STATES = ("in_force",)
# A close is applied at the pass that finds it due (closed_at = that pass's now), so a short
# look-back suffices; it only bounds the scan.
CLOSED_LOOKBACK = timedelta(days=14)
REPORT_LOOKBACK = timedelta(days=60)
# 5 working days never span more than this many calendar days, Tết included.
PUBLICATION_SPAN = timedelta(days=40)

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
CLAIM_LEASE = timedelta(minutes=10)
"""A claimed e-mail is invisible to other passes this long; a crashed pass's claim expires."""
SEND_BUDGET_SECONDS = 300.0
"""A pass stops sending after this much wall time and leaves the rest for the next, well
inside the lease."""
BATCH = 100


# --- what a notice says ------------------------------------------------------------------


def consultation_link(consultation_id: int | None) -> str:
    return f"/staff/consultations/{consultation_id}" if consultation_id else "/staff/"


def _decision_phrase(symbol: str, issued_on: date, subject: str) -> str:
    """``Quyết định số 02/QĐ-UBND ngày 25/03/2024 về việc ban hành …``."""
    about = f" {subject[:1].lower()}{subject[1:]}" if subject else ""
    return f"Quyết định số {symbol} ngày {dmy(issued_on)}{about}"


def reminder_text(
    title: str, closes_at: datetime, left: int, cal: LegalCalendar
) -> tuple[str, str]:
    moment = format_deadline(closes_at, cal.tz)
    if left <= 1:
        subject = f"Nhắc việc: hôm nay là ngày cuối lấy ý kiến về dự thảo {title}"
        when = f"kết thúc lúc {moment} (giờ Việt Nam), hôm nay là ngày cuối"
    else:
        subject = f"Nhắc việc: còn {left} ngày lấy ý kiến về dự thảo {title}"
        when = f"kết thúc lúc {moment} (giờ Việt Nam), còn {left} ngày"
    body = (
        f"Thời hạn lấy ý kiến về dự thảo {title} {when}.\n"
        "Đề nghị đồng chí đôn đốc việc lấy ý kiến và nhập kịp thời các ý kiến nhận được trên "
        "giấy, qua hộp thư góp ý, tại hội nghị và qua Ban công tác Mặt trận các thôn. "
        "Khi hết thời hạn, hệ thống tự động chuyển sang bước tổng hợp ý kiến."
    )
    return subject, body


def window_closed_text(title: str, closes_at: datetime, cal: LegalCalendar) -> tuple[str, str]:
    subject = f"Đã hết thời hạn lấy ý kiến về dự thảo {title}: tổng hợp, tiếp thu, giải trình"
    body = (
        f"Thời hạn lấy ý kiến về dự thảo {title} đã kết thúc lúc "
        f"{format_deadline(closes_at, cal.tz)} (giờ Việt Nam).\n"
        "Đề nghị tổng hợp đầy đủ các ý kiến; với từng ý kiến, ghi rõ nội dung tiếp thu hoặc "
        "giải trình lý do không tiếp thu, rồi gửi báo cáo tổng hợp, tiếp thu, giải trình "
        "(Luật 10/2022/QH15, Điều 28(3))."
    )
    return subject, body


def publication_text(
    document: Document, deadline: datetime, *, overdue: bool, cal: LegalCalendar
) -> tuple[str, str]:
    decision = _decision_phrase(document.symbol, document.issued_on, document.subject)
    moment = format_deadline(deadline, cal.tz)
    basis = "05 ngày làm việc kể từ ngày ban hành (Luật 10/2022/QH15, Điều 12(3))"
    if overdue:
        subject = f"Quá hạn công khai Quyết định số {document.symbol}"
        body = (
            f"{decision} chưa được công khai; hạn công khai là {moment} (giờ Việt Nam), "
            f"{basis}.\nĐề nghị công khai ngay và ghi nhận ngày, nơi công khai trên hệ thống."
        )
    else:
        subject = f"Hạn công khai Quyết định số {document.symbol}: {moment}"
        body = (
            f"{decision} đã được ban hành, chưa được công khai.\n"
            f"Hạn công khai: {moment} (giờ Việt Nam), trong {basis}.\n"
            "Sau khi công khai, đề nghị ghi nhận ngày và nơi công khai trên hệ thống."
        )
    return subject, body


def council_report_text(
    title: str, council_of: str, decision: tuple[str, date, str] | None
) -> tuple[str, str]:
    subject = f"Báo cáo Hội đồng nhân dân về việc lấy ý kiến dự thảo {title}"
    issued = f"; Quy chế được ban hành theo {_decision_phrase(*decision)}" if decision else ""
    body = (
        f"Việc lấy ý kiến về dự thảo {title} đã hoàn thành{issued}.\n"
        "Đề nghị báo cáo việc lấy ý kiến và kết quả tại kỳ họp thường lệ gần nhất của Hội đồng "
        f"nhân dân {council_of} (Luật 10/2022/QH15, Điều 28(5))."
    )
    return subject, body


# --- publication deadline (also for the dashboard) --------------------------------------------


def publication_deadline(calendar: LegalCalendar, document: Document) -> datetime:
    """24:00 of the 5th working day after the decision is issued (Art. 12(3)), as UTC.

    Raises :class:`CalendarNotCovered` when the holiday data does not cover those days."""
    return calendar.working_days_end(document.issued_on, PUBLICATION_WORKING_DAYS)


def is_publication_overdue(calendar: LegalCalendar, document: Document, now: datetime) -> bool:
    """A decision still unpublished once its publication deadline has passed."""
    if document.type not in PUBLISHED_TYPES or document.published_on is not None:
        return False
    return ensure_utc(now) >= publication_deadline(calendar, document)


# --- queuing ---------------------------------------------------------------------------------


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
    text: tuple[str, str],
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
        "link": consultation_link(consultation_id),
        "dedupe_key": f"{key}:user:{user_id}",
        "created_at": now,
        "email_status": "pending" if by_email else "none",
        "attempts": 0,
        "next_attempt_at": None,
        "last_error": "",
        "sent_at": None,
        "read_at": None,
    }


def _reminders(
    session: Session, calendar: LegalCalendar, now: datetime
) -> Iterator[dict[str, Any]]:
    for kind, lead, floor in REMINDERS:
        query = _with_recipients(
            select(
                col(Window.id),
                col(Window.consultation_id),
                col(Window.closes_at),
                col(Consultation.title),
            )
            .join(Consultation, col(Consultation.id) == col(Window.consultation_id))
            .where(
                col(Window.accepts_comments),
                col(Window.closed_at).is_(None),
                col(Window.opens_at) <= now,
                col(Window.closes_at) > now + floor,
                col(Window.closes_at) <= now + lead,
            ),
            Consultation.organization_id,
            kind,
        )
        for window_id, consultation_id, closes_at, title, *recipient in session.execute(query):
            # The closing moment is in the key: an extended window is reminded of again.
            key = f"{kind}:window:{window_id}:{closes_at:%Y%m%dT%H%M%SZ}"
            text = reminder_text(title, closes_at, days_left(now, closes_at, calendar.tz), calendar)
            yield _row(kind, key, recipient, consultation_id, text, now)


def _window_closed(
    session: Session, calendar: LegalCalendar, now: datetime
) -> Iterator[dict[str, Any]]:
    kind = "window_closed"
    query = _with_recipients(
        select(
            col(Window.id),
            col(Window.consultation_id),
            col(Window.closes_at),
            col(Consultation.title),
        )
        .join(Consultation, col(Consultation.id) == col(Window.consultation_id))
        .where(
            col(Window.accepts_comments),
            col(Window.closed_at).is_not(None),
            col(Window.closed_at) > now - CLOSED_LOOKBACK,
        ),
        Consultation.organization_id,
        kind,
    )
    for window_id, consultation_id, closes_at, title, *recipient in session.execute(query):
        text = window_closed_text(title, closes_at, calendar)
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
            text = publication_text(document, deadline, overdue=overdue, cal=calendar)
            key = f"{kind}:document:{document.id}"
            yield _row(kind, key, recipient, document.consultation_id, text, now)


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
    for consultation_id, title, council_of, *recipient in found:
        text = council_report_text(title, council_of, decisions.get(consultation_id))
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
    insert = postgresql.insert if is_postgres(session) else sqlite.insert
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


# --- preferences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    kind: str
    email: bool = True
    in_app: bool = True


def preferences(session: Session, user_id: int) -> list[Preference]:
    """The user's choice for every kind, in :data:`KINDS` order (defaults: both on)."""
    stored = {
        p.kind: Preference(p.kind, p.email, p.in_app)
        for p in session.execute(
            select(NotificationPreference).where(col(NotificationPreference.user_id) == user_id)
        ).scalars()
    }
    return [stored.get(kind, Preference(kind)) for kind in KINDS]


def set_preference(
    session: Session, user_id: int, kind: str, *, email: bool, in_app: bool
) -> Preference:
    if kind not in KINDS:
        message = _("Unknown kind of notice: %(kind)s.", kind=kind)
        raise Invalid(message, fields={"kind": message})
    insert = postgresql.insert if is_postgres(session) else sqlite.insert
    session.execute(
        insert(NotificationPreference)
        .values(user_id=user_id, kind=kind, email=email, in_app=in_app)
        .on_conflict_do_update(
            index_elements=["user_id", "kind"], set_={"email": email, "in_app": in_app}
        )
    )
    return Preference(kind, email, in_app)


# --- in-app notices --------------------------------------------------------------------------


def _unread_query(user_id: int) -> Select:
    hidden = select(col(NotificationPreference.kind)).where(
        col(NotificationPreference.user_id) == user_id,
        col(NotificationPreference.in_app).is_(False),
    )
    return select(Notification).where(
        col(Notification.user_id) == user_id,
        col(Notification.read_at).is_(None),
        col(Notification.kind).not_in(hidden),
    )


def unread(session: Session, user_id: int, *, limit: int = 50) -> list[Notification]:
    """The user's unread in-app notices, newest first (kinds they turned off in-app omitted)."""
    query = _unread_query(user_id).order_by(
        col(Notification.created_at).desc(), col(Notification.id).desc()
    )
    return list(session.execute(query.limit(limit)).scalars())


def unread_count(session: Session, user_id: int) -> int:
    query = select(func.count()).select_from(_unread_query(user_id).subquery())
    return int(session.execute(query).scalar_one())


def mark_read(session: Session, user_id: int, ids: Iterable[int], now: datetime) -> int:
    """Mark the user's own notices read (others' ids are ignored); return how many changed."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return 0
    result = session.execute(
        update(Notification)
        .where(
            col(Notification.user_id) == user_id,
            col(Notification.id).in_(wanted),
            col(Notification.read_at).is_(None),
        )
        .values(read_at=ensure_utc(now))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- e-mail delivery -------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    """Failed this time, tried again after the back-off."""
    failed: int = 0
    """Given up after the last attempt (or refused for good by the server)."""
    skipped: int = 0
    """No longer wanted by e-mail (choice turned off, no address, or e-mail disabled)."""

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed + self.skipped


@dataclass(frozen=True)
class _Outgoing:
    id: int
    to: str
    subject: str
    body: str
    link: str
    attempts: int


def deliver(
    db: DbEngine, settings: Settings, now: datetime, *, limit: int = BATCH
) -> DeliveryReport:
    """Send the e-mails that are due at ``now`` (at most ``limit``), each once."""
    now = ensure_utc(now)
    report = DeliveryReport()
    if not mail.enabled(settings):
        report.skipped = _drop_pending(db)
        return report
    claimed, report.skipped = _claim(db, now, limit)
    if claimed:
        outcomes = _send(settings, claimed, now)
        _record(db, claimed, outcomes, now, report)
    return report


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        col(Notification.email_status) == "pending",
        or_(col(Notification.next_attempt_at).is_(None), col(Notification.next_attempt_at) <= now),
    )


def _drop_pending(db: DbEngine) -> int:
    """With e-mail disabled, pending e-mails are dropped (the in-app notice stays): turning
    SMTP on later must not send a backlog of stale reminders."""
    pending = col(Notification.email_status) == "pending"
    with Session(db) as session:
        if session.execute(select(col(Notification.id)).where(pending).limit(1)).first() is None:
            return 0
    with write_session(db) as session:
        result = session.execute(
            update(Notification)
            .where(pending)
            .values(email_status="none", next_attempt_at=None, last_error="e-mail disabled")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _claim(db: DbEngine, now: datetime, limit: int) -> tuple[list[_Outgoing], int]:
    with write_session(db) as session:
        query = (
            select(
                col(Notification.id),
                col(Notification.subject),
                col(Notification.body),
                col(Notification.link),
                col(Notification.attempts),
                col(User.email),
                col(User.is_active),
                col(NotificationPreference.email),
            )
            .join(User, col(User.id) == col(Notification.user_id))
            .outerjoin(
                NotificationPreference,
                and_(
                    col(NotificationPreference.user_id) == col(Notification.user_id),
                    col(NotificationPreference.kind) == col(Notification.kind),
                ),
            )
            .where(_due(now))
            .order_by(col(Notification.id))
            .limit(limit)
        )
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True, of=Notification)
        claimed: list[_Outgoing] = []
        unwanted: list[int] = []
        for nid, subject, body, link, attempts, address, active, wants in session.execute(query):
            if not address.strip() or not active or wants is False:
                unwanted.append(nid)
            else:
                claimed.append(_Outgoing(nid, address.strip(), subject, body, link, attempts))
        if unwanted:
            session.execute(
                update(Notification)
                .where(col(Notification.id).in_(unwanted))
                .values(email_status="none", next_attempt_at=None)
            )
        if claimed:
            session.execute(
                update(Notification)
                .where(col(Notification.id).in_([c.id for c in claimed]))
                .values(next_attempt_at=now + CLAIM_LEASE)
            )
    return claimed, len(unwanted)


def _email_body(settings: Settings, item: _Outgoing) -> str:
    url = settings.base_url.rstrip("/") + item.link
    return (
        f"{item.body}\n\nXem chi tiết: {url}\n\n-- \n"
        "Thư gửi tự động từ hệ thống lấy ý kiến (consult); xin đừng trả lời thư này.\n"
        "Đồng chí có thể chọn loại thông báo nhận qua thư điện tử trong mục Thông báo."
    )


def _send(
    settings: Settings, claimed: list[_Outgoing], now: datetime
) -> dict[int, Exception | None]:
    """Send outside any transaction; the outcome per id (None: accepted by the server).
    Ids missing from the result were not tried (out of time)."""
    outcomes: dict[int, Exception | None] = {}
    started = time.monotonic()
    try:
        with mail.Mailer(settings) as mailer:
            for item in claimed:
                if time.monotonic() - started > SEND_BUDGET_SECONDS:
                    break
                message = mail.compose(
                    settings,
                    to=item.to,
                    subject=item.subject,
                    body=_email_body(settings, item),
                    sent_at=now,
                    message_id=f"consult-notification-{item.id}",
                )
                try:
                    mailer.send(message)
                    outcomes[item.id] = None
                except (smtplib.SMTPException, OSError) as exc:
                    outcomes[item.id] = exc
    except (smtplib.SMTPException, OSError) as exc:  # could not connect (or log in)
        log.warning("SMTP server %s:%s: %s", settings.smtp_host, settings.smtp_port, exc)
        for item in claimed:
            outcomes.setdefault(item.id, exc)
    return outcomes


def _refused_for_good(exc: Exception) -> bool:
    """The server refused the recipient with a permanent (5xx) answer: retrying is useless."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return False


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def _record(
    db: DbEngine,
    claimed: list[_Outgoing],
    outcomes: dict[int, Exception | None],
    now: datetime,
    report: DeliveryReport,
) -> None:
    with write_session(db) as session:
        for item in claimed:
            values: dict[str, Any]
            if item.id not in outcomes:  # not tried: release the claim
                values = {"next_attempt_at": None}
            elif (exc := outcomes[item.id]) is None:
                values = {
                    "email_status": "sent",
                    "sent_at": now,
                    "attempts": item.attempts + 1,
                    "next_attempt_at": None,
                    "last_error": "",
                }
                report.sent += 1
            else:
                attempts = item.attempts + 1
                values = {"attempts": attempts, "last_error": _describe(exc)}
                if attempts >= MAX_ATTEMPTS or _refused_for_good(exc):
                    values.update(email_status="failed", next_attempt_at=None)
                    report.failed += 1
                    log.warning("e-mail notification %s failed for good: %s", item.id, exc)
                else:
                    values["next_attempt_at"] = now + RETRY_DELAYS[attempts - 1]
                    report.retrying += 1
            session.execute(
                update(Notification)
                .where(col(Notification.id) == item.id, col(Notification.email_status) == "pending")
                .values(**values)
            )
