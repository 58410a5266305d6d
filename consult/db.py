"""The database: engine, sessions, the UTC datetime column type and SQLite tuning.

SQLite is the embedded default and PostgreSQL the production database; code above this
module does not know which one it talks to. Write units of work call :func:`write_session`
so that SQLite takes its write lock up front (``BEGIN IMMEDIATE``) and concurrent writers
queue instead of failing half-way with "database is locked".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

SQLITE_BEGIN = "consult_sqlite_begin"


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, always stored and returned as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC instants only")
        value = value.astimezone(UTC)
        # SQLite keeps text; drop the offset there so values sort and compare as text.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, so we can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A unit of work that writes: commits on success, rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        begin_write(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def begin_write(session: Session) -> None:
    """Declare the session's transaction a writer before its first statement.

    On SQLite this takes the write lock now (BEGIN IMMEDIATE); elsewhere it is a no-op.
    """
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def ensure_writer(session: Session) -> None:
    """Make the session's transaction a writer from here on (SQLite; elsewhere a no-op).

    A transaction begun by reads (BEGIN DEFERRED) cannot safely become a writer under
    concurrent writers: its read is ended (committed: it wrote nothing) and a write transaction
    begins, taking the lock now. A transaction already begun by :func:`begin_write` is kept.
    Call it after the reads and before the first write of a unit of work, so the write lock is
    held only for the writes.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        options = session.connection().get_execution_options()
        if options.get(SQLITE_BEGIN) == "IMMEDIATE":
            return
        session.commit()
    begin_write(session)
