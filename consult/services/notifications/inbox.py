"""In-app notices on the staff desk: what a user has not read yet, and marking them read.

They need no delivery: a queued :class:`Notification` is the notice. Kinds the user turned
off in-app are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlmodel import Session, col

from consult.clock import ensure_utc
from consult.models import Notification, NotificationPreference


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
