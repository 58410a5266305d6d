"""``GET /healthz``: is the database answering and taking writes, and is the scheduler keeping
up? ``status`` is ``ok`` (200), ``degraded`` when the database reads but cannot write (full
disk, read-only file or server; 503) or ``error`` when it cannot be reached (503). For SQLite
the free space of the database's disk is reported too.

The write is a no-op update of ``alembic_version`` committed like any other write: it goes
through the journal (SQLite) or the WAL (PostgreSQL), so a full disk or a read-only database
fails it, while no data changes.

The scheduler's state is read from the database, which is the source of truth: a window
whose closing action is due and not applied is overdue. A pass runs every few seconds, so a
window overdue by more than :data:`GRACE` means no scheduler is running (or it is failing).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import func, text
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


def write_failure() -> str | None:
    """None when a write commits, else what failed."""
    try:
        with scope.writing() as session:
            session.execute(text("UPDATE alembic_version SET version_num = version_num"))
    except SQLAlchemyError as exc:
        origin = getattr(exc, "orig", None) or exc
        return f"{type(origin).__name__}: {str(origin).strip()[:200]}"
    return None


def disk_free() -> int | None:
    path = scope.runtime().settings.sqlite_path
    if path is None or not path.parent.exists():
        return None
    return shutil.disk_usage(path.parent).free


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        state = scheduler_state(scope.db(), scope.now())
        scope.db().rollback()
    except SQLAlchemyError as exc:
        scope.rollback()
        down = {"status": "error", "database": "error", "detail": type(exc).__name__}
        return jsonify({**down, "scheduler": None}), 503
    body: dict[str, Any] = {
        "status": "ok",
        "database": "ok",
        "scheduler": state,
        "disk_free_bytes": disk_free(),
    }
    failed = write_failure()
    if failed is not None:
        body.update(status="degraded", database="degraded", detail=failed)
        return jsonify(body), 503
    return jsonify(body)
