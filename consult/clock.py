"""The one place that reads the wall clock.

Services take ``now``; only the edges (web, scheduler, command line) call :func:`utcnow`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime; a naive value is a programming error."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: every instant in consult is timezone-aware")
    return value.astimezone(UTC)
