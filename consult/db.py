"""The database: engine, sessions, the UTC datetime column type and SQLite tuning.

SQLite is the embedded default and PostgreSQL the production database; code above this
module does not know which one it talks to. Write units of work call :func:`write_session`
(in a request, :func:`consult.scope.writing`) so that SQLite takes its write lock up front
(``BEGIN IMMEDIATE``) and concurrent writers queue (:class:`QueuedConnection`) instead of
failing half-way with "database is locked".
The citizens' intake runs a few statements straight on the driver (:class:`Prepared`).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections import namedtuple
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.sql.base import Executable
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


PING_AFTER_IDLE = 5.0
"""Seconds a pooled server connection may sit unused before it is pinged at checkout."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    engine = (
        _sqlite_engine(url, **kwargs) if url.startswith("sqlite") else create_engine(url, **kwargs)
    )
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection at checkout only when it sat idle for a while.

    The ping is there for a connection the server or the network closed while it waited in
    the pool (a restart, a firewall's idle timeout); SQLAlchemy's ``pool_pre_ping`` pings at
    every checkout, a round trip on each request — a fifth of the citizens' intake on
    PostgreSQL. A connection given back less than :data:`PING_AFTER_IDLE` seconds ago is used
    as it is; an older one is pinged, and one that fails the ping is replaced by a new one
    (the pool retries on :class:`~sqlalchemy.exc.DisconnectionError`) before the request
    sees it.
    """

    @event.listens_for(engine, "checkin")
    def _given_back(_dbapi_connection: Any, record: Any) -> None:
        record.info["given_back"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        given_back = record.info.get("given_back")
        if given_back is None or time.monotonic() - given_back < PING_AFTER_IDLE:
            return  # a new connection, or one in use a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's own error for a closed connection
            raise DisconnectionError(str(error)) from error
        if not alive:
            raise DisconnectionError("the connection failed its ping")


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    connect_args = kwargs.setdefault("connect_args", {})
    connect_args.setdefault("timeout", 30)  # SQLite's busy timeout, in seconds
    database = make_url(url).database or ""
    queue = f"{database}-writers" if database not in ("", ":memory:") else None
    connect_args.setdefault("factory", queued_connection(queue))
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
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        try:
            connection.connection.dbapi_connection.begin(mode)
        except sqlite3.Error as error:  # as SQLAlchemy reports any other statement's error
            raise DBAPIError.instance(f"BEGIN {mode}", None, error, sqlite3.Error) from error

    return engine


class QueuedConnection(sqlite3.Connection):
    """A SQLite connection whose writers wait their turn in a queue shared by every process.

    SQLite lets one writer at a time; the others poll, sleeping 1, 2, 5, 10… ms between tries
    (its busy handler), so under many concurrent writers most of the time goes to sleeping
    while the lock is free. Here a writer first takes an exclusive ``flock`` on a file beside
    the database (``<database>-writers``): the kernel wakes the next waiter the moment the
    turn is given back, at the end of the transaction, however it ends. SQLite's own lock
    stays the rule; the queue only orders consult's writers, and anything else writing to the
    database still meets the busy timeout.
    """

    writers_path: str | None
    """The queue file; none for a database in memory, which has one connection."""
    _queue: int | None = None
    """The queue file, opened at the first write and kept open with the connection."""
    _holding: set[str] | None = None
    """While this connection holds the turn: the turns held by the thread that took it."""

    def begin(self, mode: str) -> None:
        """``BEGIN DEFERRED`` (a read) or ``BEGIN IMMEDIATE`` (a write, after waiting its turn)."""
        if mode == "IMMEDIATE":
            self.wait_turn()
        try:
            self.execute(f"BEGIN {mode}")
        except BaseException:
            self.rollback()  # gives the turn back
            raise

    def wait_turn(self) -> None:
        if self._holding is not None or self.writers_path is None:
            return
        held = _turns_held_here()
        if self.writers_path in held:
            # This thread already holds the turn through another connection: waiting here
            # would wait on itself. SQLite's busy timeout decides instead, as without a queue.
            return
        if self._queue is None:
            self._queue = os.open(self.writers_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._queue, fcntl.LOCK_EX)
        self._holding = held
        held.add(self.writers_path)

    def give_turn_back(self) -> None:
        # Possibly from another thread (a connection collected by the pool): the taker's set.
        held, self._holding = self._holding, None
        if held is not None and self._queue is not None:
            held.discard(self.writers_path or "")
            fcntl.flock(self._queue, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.give_turn_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_turn_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_turn_back()
            if self._queue is not None:
                os.close(self._queue)
                self._queue = None


_local = threading.local()


def _turns_held_here() -> set[str]:
    held: set[str] | None = getattr(_local, "turns", None)
    if held is None:
        held = _local.turns = set()
    return held


def queued_connection(writers_path: str | None) -> type[QueuedConnection]:
    """The connection class for one database file (``sqlite3.connect(factory=…)``)."""
    return type("QueuedConnection", (QueuedConnection,), {"writers_path": writers_path})


@dataclass(frozen=True, slots=True)
class Driver:
    """A driver (DBAPI) connection and its SQLAlchemy dialect: what :class:`Prepared` runs on."""

    dialect: Dialect
    dbapi: Any

    @classmethod
    def under(cls, connection: Connection) -> Driver:
        """The driver connection under a SQLAlchemy one, in the transaction it has open."""
        return cls(connection.dialect, connection.connection.dbapi_connection)

    def begin_write(self) -> None:
        """Begin a write transaction: on SQLite ``BEGIN IMMEDIATE``, after waiting its turn.
        Under :func:`driver` on PostgreSQL each statement is a transaction of its own."""
        if self.dialect.name == "sqlite":
            self.dbapi.begin("IMMEDIATE")

    def commit(self) -> None:
        """Commit what is open (under :func:`driver` on PostgreSQL, nothing: each statement
        was committed before its result came back)."""
        self.dbapi.commit()


@contextmanager
def driver(engine: Engine) -> Iterator[Driver]:
    """A pooled driver connection, for a unit of work run with :class:`Prepared` statements.
    Whatever it has not committed is rolled back when it goes back to the pool.

    On PostgreSQL the connection is lent in autocommit: every statement is its own
    transaction, committed (durably, with ``synchronous_commit``) before its result comes
    back, so a unit whose one write is a single statement spends no round trip on ``BEGIN``
    and ``COMMIT``. A unit needing several writes in one transaction must not use it there.
    """
    pooled = engine.raw_connection()
    dbapi: Any = pooled.dbapi_connection
    autocommit = engine.dialect.name == "postgresql"
    try:
        if autocommit:
            dbapi.autocommit = True
        yield Driver(engine.dialect, dbapi)
    finally:
        if autocommit and not dbapi.closed:
            dbapi.autocommit = False
        pooled.close()


class Prepared:
    """A Core statement compiled once per dialect and run straight on the driver's cursor.

    For the few statements on the hottest path, the intake of every opinion: there
    SQLAlchemy's execution machinery (execution context, events, result objects) costs
    several times the statement itself. The SQL is SQLAlchemy's own compilation, and every
    parameter and result column goes through its column type's bind and result processors,
    so the values read and written are the same as through ``Connection.execute``.

    It runs in the transaction the connection has open. With none, SQLite runs the
    statement on its own (autocommit), and PostgreSQL's driver opens a transaction that the
    connection's next commit or rollback ends.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def rows(self, driver: Driver, params: Mapping[str, Any]) -> list[Any]:
        """The result rows, as named tuples (empty for a statement without results)."""
        compiled = self._compiled.get(driver.dialect.name)
        if compiled is None:
            compiled = self._compiled[driver.dialect.name] = _Compiled(
                self.statement, driver.dialect
            )
        return compiled.run(driver.dbapi, params)

    def first(self, driver: Driver, params: Mapping[str, Any]) -> Any | None:
        rows = self.rows(driver, params)
        return rows[0] if rows else None


class _Compiled:
    def __init__(self, statement: Any, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.construct_params = compiled.construct_params
        self.positions = compiled.positiontup  # None for a named paramstyle
        self.binds = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
        }
        columns = list(statement.exported_columns)
        self.results = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        self.row = namedtuple("Row", [column.key for column in columns])  # type: ignore[misc]

    def run(self, dbapi: Any, params: Mapping[str, Any]) -> list[Any]:
        values = self.construct_params(params)
        for name, processor in self.binds.items():
            values[name] = processor(values[name])
        cursor = dbapi.cursor()
        try:
            if self.positions is None:
                cursor.execute(self.sql, values)
            else:
                cursor.execute(self.sql, [values[name] for name in self.positions])
            if cursor.description is None:
                return []
            return [
                self.row(
                    *(
                        value if processor is None else processor(value)
                        for value, processor in zip(raw, self.results, strict=True)
                    )
                )
                for raw in cursor.fetchall()
            ]
        finally:
            cursor.close()


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A unit of work that writes, outside a request (scheduler, command line, demo): commits
    on success, rolls back on any error. Inside a request: :func:`consult.scope.writing`."""
    with Session(engine, expire_on_commit=False) as session:
        as_writer(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def as_writer(session: Session) -> None:
    """Make the session's transaction a writer from here on (SQLite; elsewhere a no-op).

    On SQLite a writer takes the write lock when it begins (``BEGIN IMMEDIATE``), so concurrent
    writers queue instead of failing half-way. A transaction begun by reads (``BEGIN
    DEFERRED``) cannot safely become a writer under concurrent writers: its read is ended (it
    wrote nothing) and a write transaction begins. A writer already is one and is kept. Call it
    after a unit's reads and before its first write to hold the lock only for the writes.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        options = session.connection().get_execution_options()
        if options.get(SQLITE_BEGIN) == "IMMEDIATE":
            return
        session.commit()
    session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def upsert(dialect: str | Session) -> Any:
    """The ``INSERT`` construct of the database's dialect, which knows ``ON CONFLICT``
    (``on_conflict_do_nothing``, ``on_conflict_do_update``): PostgreSQL's or SQLite's."""
    name = dialect if isinstance(dialect, str) else dialect.get_bind().dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert
