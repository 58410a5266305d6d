"""The e-mail outbox: one claim / send / retry loop for every e-mail the system sends.

Each kind of e-mail keeps its rows in its own table (staff notices in ``notification``, the
citizens' receipt e-mails in ``receiptsubscription``); a :class:`Mailbox` tells the outbox
which rows are due and what each e-mail says. :func:`deliver` then

1. **claims** at most ``limit`` due rows in one short write transaction (``FOR UPDATE SKIP
   LOCKED`` on PostgreSQL, so two scheduler processes take different rows; SQLite's write
   transaction is exclusive anyway) by setting a lease of :data:`CLAIM_LEASE` on
   ``next_attempt_at``, so a crashed pass's claim expires by itself;
2. **sends** them outside any transaction, through one SMTP session (:mod:`consult.mail`),
   for at most :data:`SEND_BUDGET_SECONDS`;
3. **records** each outcome: sent; or tried again after 1, 5, 30 minutes, 2 and 12 hours;
   or given up (``failed``) after :data:`MAX_ATTEMPTS` attempts or a permanent refusal of
   the address. An e-mail not tried for lack of time is released for the next pass.
"""

from __future__ import annotations

import logging
import smtplib
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session

from consult import mail
from consult.clock import ensure_utc
from consult.config import Settings
from consult.db import is_postgres, write_session

log = logging.getLogger(__name__)

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
Rows = Sequence[Sequence[Any]]
"""The rows a mailbox's candidates query returned."""


@dataclass(frozen=True)
class Letter:
    """One claimed e-mail, ready to send."""

    id: int
    to: str
    subject: str
    body: str
    attempts: int
    """Attempts made before this one."""


class Mailbox(ABC):
    """A table of outgoing e-mail as the outbox sees it.

    Its rows have ``id``, a status column, ``attempts``, ``next_attempt_at`` (when a waiting
    e-mail may be tried, and the lease of a claimed one), ``last_error`` and ``sent_at``."""

    name: ClassVar[str]
    """In logs and in the Message-ID, ``consult-<name>-<id>``: a resent e-mail keeps its id."""
    table: ClassVar[type[Any]]
    status: ClassVar[str]
    """The name of the status column; ``sent`` and ``failed`` are the final values."""
    waiting: ClassVar[str]
    """The status of an e-mail still to send."""
    dropped: ClassVar[str | None] = None
    """The status of an e-mail no longer wanted. With e-mail disabled, waiting e-mails are
    dropped (the mailbox's own notice stays), so that turning SMTP on later does not send a
    backlog of stale ones; ``None``: they keep waiting."""
    when_done: ClassVar[Mapping[str, Any]] = {}
    """Also written once the e-mail has gone out or been given up (e.g. erase the address)."""

    @abstractmethod
    def candidates(self, session: Session, due: ColumnElement[bool]) -> Select:
        """Select the rows to claim among those ``due``, with what :meth:`letters` reads."""

    @abstractmethod
    def letters(self, rows: Rows) -> tuple[list[Letter], list[int]]:
        """The e-mails to send from the claimed rows, and the ids of rows no longer wanted."""

    def column(self, name: str) -> Any:
        return getattr(self.table, name)


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


def deliver(
    db: DbEngine, settings: Settings, mailbox: Mailbox, now: datetime, *, limit: int = BATCH
) -> DeliveryReport:
    """Send the mailbox's e-mails that are due at ``now`` (at most ``limit``), each once."""
    now = ensure_utc(now)
    report = DeliveryReport()
    if not mail.enabled(settings):
        if mailbox.dropped is not None:
            report.skipped = _drop_waiting(db, mailbox)
        return report
    letters, report.skipped = _claim(db, mailbox, now, limit)
    if letters:
        outcomes = _send(settings, mailbox, letters, now)
        _record(db, mailbox, letters, outcomes, now, report)
    return report


def _drop_waiting(db: DbEngine, mailbox: Mailbox) -> int:
    waiting = mailbox.column(mailbox.status) == mailbox.waiting
    with Session(db) as session:  # most passes find nothing: no write transaction for that
        if session.execute(select(mailbox.column("id")).where(waiting).limit(1)).first() is None:
            return 0
    with write_session(db) as session:
        result = session.execute(
            update(mailbox.table)
            .where(waiting)
            .values(
                {
                    mailbox.status: mailbox.dropped,
                    "next_attempt_at": None,
                    "last_error": "e-mail disabled",
                }
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _claim(db: DbEngine, mailbox: Mailbox, now: datetime, limit: int) -> tuple[list[Letter], int]:
    next_attempt_at = mailbox.column("next_attempt_at")
    due = and_(
        mailbox.column(mailbox.status) == mailbox.waiting,
        or_(next_attempt_at.is_(None), next_attempt_at <= now),
    )
    with write_session(db) as session:
        query = mailbox.candidates(session, due).order_by(mailbox.column("id")).limit(limit)
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True, of=mailbox.table)
        letters, unwanted = mailbox.letters(session.execute(query).all())
        if unwanted:
            session.execute(
                update(mailbox.table)
                .where(mailbox.column("id").in_(unwanted))
                .values({mailbox.status: mailbox.dropped, "next_attempt_at": None})
            )
        if letters:
            session.execute(
                update(mailbox.table)
                .where(mailbox.column("id").in_([letter.id for letter in letters]))
                .values(next_attempt_at=now + CLAIM_LEASE)
            )
    return letters, len(unwanted)


def _send(
    settings: Settings, mailbox: Mailbox, letters: list[Letter], now: datetime
) -> dict[int, Exception | None]:
    """Send outside any transaction; the outcome per id (None: accepted by the server).
    Ids missing from the result were not tried (out of time)."""
    outcomes: dict[int, Exception | None] = {}
    started = time.monotonic()
    try:
        with mail.Mailer(settings) as mailer:
            for letter in letters:
                if time.monotonic() - started > SEND_BUDGET_SECONDS:
                    break
                message = mail.compose(
                    settings,
                    to=letter.to,
                    subject=letter.subject,
                    body=letter.body,
                    sent_at=now,
                    message_id=f"consult-{mailbox.name}-{letter.id}",
                )
                try:
                    mailer.send(message)
                    outcomes[letter.id] = None
                except (smtplib.SMTPException, OSError) as exc:
                    outcomes[letter.id] = exc
    except (smtplib.SMTPException, OSError) as exc:  # could not connect (or log in)
        log.warning("SMTP server %s:%s: %s", settings.smtp_host, settings.smtp_port, exc)
        for letter in letters:
            outcomes.setdefault(letter.id, exc)
    return outcomes


def _refused_for_good(exc: Exception) -> bool:
    """The server refused the recipient with a permanent (5xx) answer: retrying is useless."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return False


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def _outcome(
    mailbox: Mailbox,
    letter: Letter,
    outcomes: dict[int, Exception | None],
    now: datetime,
    report: DeliveryReport,
) -> dict[str, Any]:
    """The columns to write for one claimed e-mail."""
    if letter.id not in outcomes:  # not tried: release the claim
        return {"next_attempt_at": None}
    attempts = letter.attempts + 1
    exc = outcomes[letter.id]
    if exc is None:
        report.sent += 1
        return {
            mailbox.status: "sent",
            "sent_at": now,
            "attempts": attempts,
            "next_attempt_at": None,
            "last_error": "",
            **mailbox.when_done,
        }
    values: dict[str, Any] = {"attempts": attempts, "last_error": _describe(exc)}
    if attempts >= MAX_ATTEMPTS or _refused_for_good(exc):
        report.failed += 1
        log.warning("%s e-mail %s given up: %s", mailbox.name, letter.id, exc)
        return {**values, mailbox.status: "failed", "next_attempt_at": None, **mailbox.when_done}
    report.retrying += 1
    return {**values, "next_attempt_at": now + RETRY_DELAYS[attempts - 1]}


def _record(
    db: DbEngine,
    mailbox: Mailbox,
    letters: list[Letter],
    outcomes: dict[int, Exception | None],
    now: datetime,
    report: DeliveryReport,
) -> None:
    with write_session(db) as session:
        for letter in letters:
            session.execute(
                update(mailbox.table)
                .where(
                    mailbox.column("id") == letter.id,
                    mailbox.column(mailbox.status) == mailbox.waiting,
                )
                .values(_outcome(mailbox, letter, outcomes, now, report))
            )
