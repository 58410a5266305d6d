"""The append-only audit log (nhật ký): every staff action and every scheduled transition.

Entries form a SHA-256 hash chain, so `consult audit verify` can prove nothing was changed
or removed. Appends are serialized: SQLite write transactions are already exclusive, and on
PostgreSQL a transaction-scoped advisory lock guards the chain's tail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import event, insert, text
from sqlmodel import Session, col, select

from consult.actor import Actor
from consult.clock import ensure_utc
from consult.db import is_postgres
from consult.models import AuditEvent

GENESIS = "0" * 64
_CHAIN_LOCK = 0x636F6E73  # "cons"
_TAIL = "consult.audit_tail"
_INSERT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]


_CHAINED = ("at", "actor_id", "actor", "organization_id", "consultation_id", "action", "detail")


def _digest(prev_hash: str, entry: Mapping[str, Any]) -> str:
    body = json.dumps(
        {"prev": prev_hash, **{key: entry[key] for key in _CHAINED}, "at": entry["at"].isoformat()},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    session: Session,
    *,
    now: datetime,
    actor: Actor,
    action: str,
    organization_id: int | None = None,
    consultation_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> str:
    """Append one entry; return its hash."""
    # The chain's tail is read once per transaction, which holds the chain's lock until it
    # ends (SQLite: the write lock; PostgreSQL: the advisory lock); later appends reuse it.
    last = session.info.get(_TAIL)
    if last is None:
        if is_postgres(session):
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
        query = select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
        last = session.exec(query).first() or GENESIS
    entry: dict[str, Any] = {
        "at": ensure_utc(now),
        "actor_id": actor.user_id,
        "actor": actor.username,
        "organization_id": organization_id,
        "consultation_id": consultation_id,
        "action": action,
        "detail": json.loads(json.dumps(detail or {}, default=str)),
        "prev_hash": last,
    }
    entry["hash"] = _digest(last, entry)
    # A Core insert: the log is appended, never read back in the same unit of work.
    session.connection().execute(_INSERT, [entry])
    session.info[_TAIL] = entry["hash"]
    return str(entry["hash"])


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_tail(session: Session, *_: Any) -> None:
    """A new transaction (or one whose savepoint rolled back) reads the tail afresh."""
    session.info.pop(_TAIL, None)


def verify(session: Session) -> AuditEvent | None:
    """Return the first entry whose chain is broken, or None when the log is intact."""
    prev = GENESIS
    for item in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        if item.prev_hash != prev or _digest(prev, item.model_dump()) != item.hash:
            return item
        prev = item.hash
    return None


def trail(session: Session, consultation_id: int) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.consultation_id == consultation_id)
    return list(session.exec(query.order_by(col(AuditEvent.id))))
