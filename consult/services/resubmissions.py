"""The same opinion sent twice by the same client within minutes is stored once.

A citizen on a slow connection taps "send" again, or the browser resends the form: the
second copy gets the first one's receipt instead of a second row. The client is known only
by a keyed hash the web layer computes (:func:`consult.web.fingerprint.client_key`); here it
is hashed again with the consultation, the article and the text, and kept for
:data:`RESEND_WINDOW`, after which :func:`forget_old` deletes it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, insert
from sqlmodel import Session, col, select

from consult.db import UTCDateTime
from consult.models import Comment, IntakeFingerprint

RESEND_WINDOW = timedelta(minutes=10)


def normalized(body: str) -> str:
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def key_for(client: str, consultation_id: int, article: str | None, body: str) -> str:
    digest = hashlib.sha256()
    for part in (client, str(consultation_id), (article or "").strip(), normalized(body)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


_EARLIER = (
    select(IntakeFingerprint.comment_id)
    .where(
        col(IntakeFingerprint.key) == bindparam("key"),
        col(IntakeFingerprint.created_at) > bindparam("since", type_=UTCDateTime),
    )
    .order_by(col(IntakeFingerprint.id))
    .limit(1)
)
_REMEMBER = insert(IntakeFingerprint)
# Built once and run on the session's connection (Core, no ORM machinery): this runs on
# every opinion sent online, while holding SQLite's write lock.


def earlier(session: Session, key: str, now: datetime) -> Comment | None:
    """The opinion already stored under ``key`` within the window, if any."""
    since = now - RESEND_WINDOW
    found = session.connection().execute(_EARLIER, {"key": key, "since": since}).scalar()
    return None if found is None else session.get(Comment, found)


def remember(session: Session, key: str, comment_id: int, now: datetime) -> None:
    values = {"key": key, "comment_id": comment_id, "created_at": now}
    session.connection().execute(_REMEMBER, values)


def forget_old(session: Session, now: datetime) -> int:
    """Delete fingerprints past the window: they have no use left. Returns how many."""
    result = session.execute(
        delete(IntakeFingerprint).where(col(IntakeFingerprint.created_at) <= now - RESEND_WINDOW)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
