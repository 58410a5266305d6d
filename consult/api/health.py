"""``GET /healthz``: is the database answering, and is the scheduler keeping up?

The scheduler's state is read from the database, which is the source of truth: a window
whose closing action is due and not applied is overdue. A pass runs every few seconds, so a
window overdue by more than :data:`GRACE` means no scheduler is running (or it is failing).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from consult import scope
from consult.models import AuditEvent, Window

bp = Blueprint("health", __name__)
GRACE = timedelta(minutes=5)


def scheduler_state(session: Session, now: datetime) -> dict[str, Any]:
    overdue = (
        select(func.count(), func.min(Window.closes_at))
        .select_from(Window)
        .where(
            col(Window.closed_at).is_(None),
            col(Window.on_close).is_not(None),
            Window.closes_at <= now,
        )
    )
    count, oldest = session.exec(overdue).one()
    last = session.exec(select(func.max(AuditEvent.at)).where(AuditEvent.actor == "system")).one()
    behind = bool(count) and oldest is not None and oldest <= now - GRACE
    return {
        "status": "behind" if behind else "ok",
        "overdue_windows": int(count or 0),
        "oldest_overdue_since": _iso(oldest),
        "last_transition_at": _iso(last),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        state = scheduler_state(scope.db(), scope.now())
    except SQLAlchemyError as exc:
        return jsonify({"database": "error", "detail": type(exc).__name__, "scheduler": None}), 503
    return jsonify({"database": "ok", "scheduler": state})
