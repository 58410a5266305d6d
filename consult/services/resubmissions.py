"""The same opinion sent twice by the same client within minutes is stored once.

A citizen on a slow connection taps "send" again, or the browser resends the form: the
second copy gets the first one's receipt instead of a second row. The client is known only
by a keyed hash the web layer computes (:func:`consult.web.fingerprint.client_key`); here it
is hashed again with the consultation, the article and the text, and kept on the opinion
(``Comment.resend_key``) for :data:`RESEND_WINDOW`, after which :func:`forget_old` clears it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, update
from sqlmodel import Session, col

from consult.db import Driver, Prepared
from consult.models import Comment

RESEND_WINDOW = timedelta(minutes=10)


def normalized(body: str) -> str:
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def key_for(client: str, consultation_id: int, article: str | None, body: str) -> str:
    digest = hashlib.sha256()
    for part in (client, str(consultation_id), (article or "").strip(), normalized(body)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


_HOLDER = Prepared(
    sa.select(
        col(Comment.id),
        col(Comment.consultation_id),
        col(Comment.receipt),
        col(Comment.received_at),
    ).where(col(Comment.resend_key) == bindparam("key"))
)
_RELEASE = Prepared(
    update(Comment).where(col(Comment.id) == bindparam("id")).values(resend_key=None)
)
# Compiled once and run on the driver's cursor: they run while holding SQLite's write lock.


def earlier(connection: Driver, key: str, now: datetime) -> Any | None:
    """The opinion stored under ``key`` within the window, if any: its id, consultation,
    receipt and time received. A key past the window that :func:`forget_old` has not
    cleared yet (no scheduler running) is cleared here: the data decides, not the timer."""
    held = _HOLDER.first(connection, {"key": key})
    if held is None:
        return None
    if held.received_at > now - RESEND_WINDOW:
        return held
    _RELEASE.rows(connection, {"id": held.id})
    return None


def forget_old(session: Session, now: datetime) -> int:
    """Clear the keys of opinions past the window: they have no use left. Returns how many."""
    result = session.execute(
        update(Comment)
        .where(
            col(Comment.resend_key).is_not(None),
            col(Comment.received_at) <= now - RESEND_WINDOW,
        )
        .values(resend_key=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
