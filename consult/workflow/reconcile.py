"""The scheduler's pass: apply every transition that is due, each exactly once, oldest first.

Idempotent and safe to run from many processes at once: each transition is the engine's own
compare-and-set, and a pass that loses the race simply skips it. Transitions are committed in
batches (their consultations and windows read in two queries), so a large backlog after
downtime costs few commits; if another process won any of a batch, that batch is redone one
transition per transaction, skipping what is no longer due.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine as DbEngine
from sqlmodel import Session, col, select

from consult.actor import SYSTEM
from consult.db import write_session
from consult.errors import Conflict, NotAllowedNow
from consult.models import Consultation, Window

if TYPE_CHECKING:
    from consult.workflow.engine import Engine

log = logging.getLogger(__name__)
BATCH = 200


@dataclass(frozen=True)
class Transition:
    consultation_id: int
    action: str
    source: str
    target: str


def due_windows(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(consultation, closing action) of every window whose end has come and not been applied."""
    query = (
        select(Window.consultation_id, Window.on_close)
        .where(
            col(Window.closed_at).is_(None),
            col(Window.on_close).is_not(None),
            Window.closes_at <= now,
        )
        .order_by(col(Window.closes_at), col(Window.id))
    )
    return [(cid, str(action)) for cid, action in session.exec(query)]


def reconcile(engine: Engine, db: DbEngine, now: datetime) -> list[Transition]:
    with Session(db) as session:
        due = due_windows(session, now)
    applied: list[Transition] = []
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        try:
            with write_session(db) as session:
                applied.extend(_apply(engine, session, batch, now, strict=True))
        except (Conflict, NotAllowedNow):
            # Someone else took one of them first: redo this batch one by one. Rare (several
            # schedulers), so the fast path is optimistic.
            for item in batch:
                with write_session(db) as session:
                    applied.extend(_apply(engine, session, [item], now, strict=False))
    return applied


def _apply(
    engine: Engine,
    session: Session,
    batch: list[tuple[int, str]],
    now: datetime,
    *,
    strict: bool,
) -> list[Transition]:
    """Take each due system action in one transaction; the batch's rows are read at once."""
    ids = [consultation_id for consultation_id, _action in batch]
    loaded = list(session.exec(select(Consultation).where(col(Consultation.id).in_(ids))))
    windows: dict[int, list[Window]] = {cid: [] for cid in ids}
    for window in session.exec(select(Window).where(col(Window.consultation_id).in_(ids))):
        windows[window.consultation_id].append(window)
    applied = []
    for consultation_id, action_name in batch:
        try:
            ctx = engine.take(
                session,
                consultation_id,
                action_name,
                SYSTEM,
                {},
                now,
                windows=windows[consultation_id],
            )
        except (Conflict, NotAllowedNow) as exc:
            if strict:
                raise
            log.info("skipped %s on %s: %s", action_name, consultation_id, exc)
            continue
        applied.append(
            Transition(consultation_id, action_name, ctx.action.source, ctx.action.target)
        )
    del loaded  # held until here: the session's identity map keeps objects only weakly
    return applied
