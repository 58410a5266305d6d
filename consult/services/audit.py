"""The append-only audit log (nhật ký): every staff action and every scheduled transition.

Entries form a SHA-256 hash chain, so `consult audit verify` can prove nothing was changed
or removed. Appends are serialized: SQLite write transactions are already exclusive, and on
PostgreSQL a transaction-scoped advisory lock guards the chain's tail.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from consult.actor import Actor
from consult.clock import ensure_utc
from consult.db import is_postgres
from consult.models import AuditEvent

GENESIS = "0" * 64
_CHAIN_LOCK = 0x636F6E73  # "cons"


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": event.at.isoformat(),
            "actor_id": event.actor_id,
            "actor": event.actor,
            "organization_id": event.organization_id,
            "consultation_id": event.consultation_id,
            "action": event.action,
            "detail": event.detail,
        },
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
) -> AuditEvent:
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    last = session.exec(
        select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
    ).first()
    event = AuditEvent(
        at=ensure_utc(now),
        actor_id=actor.user_id,
        actor=actor.username,
        organization_id=organization_id,
        consultation_id=consultation_id,
        action=action,
        detail=json.loads(json.dumps(detail or {}, default=str)),
        prev_hash=last or GENESIS,
        hash="",
    )
    event.hash = _digest(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


def verify(session: Session) -> AuditEvent | None:
    """Return the first entry whose chain is broken, or None when the log is intact."""
    prev = GENESIS
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        if event.prev_hash != prev or _digest(prev, event) != event.hash:
            return event
        prev = event.hash
    return None


def trail(session: Session, consultation_id: int) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.consultation_id == consultation_id)
    return list(session.exec(query.order_by(col(AuditEvent.id))))
