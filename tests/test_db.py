"""The database layer: SQLite writers queue for their turn; prepared statements read and
write the same values as SQLAlchemy."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from consult.db import Prepared as PreparedStatement
from consult.db import (
    QueuedConnection,
    UTCDateTime,
    driver,
    make_engine,
    queued_connection,
    write_session,
)
from consult.models import AuditEvent


def test_a_second_writer_waits_for_the_first_to_commit_instead_of_failing(
    tmp_path: Path,
) -> None:
    """With a busy timeout of 0.2 s, the second writer would fail with "database is locked"
    while the first holds the lock for 1 s; in the queue it waits and then writes."""
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    engine = make_engine(url, connect_args={"timeout": 0.2})
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE log (who TEXT, at REAL)")
    first_holds = threading.Event()
    order: list[str] = []

    def first() -> None:
        with write_session(engine) as session:
            session.connection().exec_driver_sql("INSERT INTO log VALUES ('first', 0)")
            first_holds.set()
            time.sleep(1.0)
            order.append("first commits")

    def second() -> None:
        first_holds.wait()
        with write_session(engine) as session:
            order.append("second writes")
            session.connection().exec_driver_sql("INSERT INTO log VALUES ('second', 0)")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert order == ["first commits", "second writes"]
    with engine.connect() as connection:
        who = [row[0] for row in connection.exec_driver_sql("SELECT who FROM log")]
    assert who == ["first", "second"]
    assert (tmp_path / "queue.db-writers").exists()
    engine.dispose()


def test_a_thread_that_already_holds_the_turn_gets_sqlites_timeout_not_a_hang(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested.db'}", connect_args={"timeout": 0.2})
    with write_session(engine) as outer:
        outer.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"), write_session(engine) as inner:
            inner.connection().exec_driver_sql("INSERT INTO t VALUES (1)")
        assert time.monotonic() - started < 10
    engine.dispose()


def test_the_turn_is_given_back_when_a_write_fails(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fail.db'}", connect_args={"timeout": 0.2})
    with pytest.raises(sqlite3.OperationalError), driver(engine) as connection:
        connection.begin_write()
        connection.dbapi.execute("INSERT INTO missing VALUES (1)")
    with driver(engine) as connection:  # the same pooled connection, its turn given back
        connection.begin_write()
        connection.dbapi.execute("CREATE TABLE present (x INTEGER)")
        connection.commit()
    engine.dispose()


def test_a_prepared_statement_reads_and_writes_the_values_sqlalchemy_does(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    at = datetime(2024, 3, 21, 16, 59, 59, 123456, tzinfo=UTC)
    events = AuditEvent.__table__  # type: ignore[attr-defined]
    write = PreparedStatement(
        insert(events)
        .values(
            at=bindparam("at", type_=UTCDateTime),
            actor=bindparam("actor"),
            action=bindparam("action"),
            detail=bindparam("detail"),
            prev_hash=bindparam("prev_hash"),
            hash=bindparam("hash"),
        )
        .returning(events.c.id)
    )
    read = PreparedStatement(
        select(events.c.id, events.c.at, events.c.actor, events.c.detail).where(
            events.c.at > bindparam("since", type_=UTCDateTime)
        )
    )
    row = {
        "at": at,
        "actor": "Nguyễn Văn A",
        "action": "test",
        "detail": {"receipt": "K7QM-4XPA", "n": 1},
        "prev_hash": "",
        "hash": "0" * 64,
    }
    with driver(engine) as connection:
        connection.begin_write()
        inserted = write.first(connection, row)
        connection.commit()
    assert inserted is not None
    with driver(engine) as connection:
        found = read.rows(connection, {"since": at - timedelta(seconds=1)})
        nothing = read.first(connection, {"since": at})
    assert [(r.id, r.at, r.actor, r.detail) for r in found] == [
        (inserted.id, at, "Nguyễn Văn A", {"receipt": "K7QM-4XPA", "n": 1})
    ]
    assert found[0].at.tzinfo is not None and nothing is None
    with Session(engine) as session:  # the ORM reads back what the driver wrote
        stored = session.get(AuditEvent, inserted.id)
        assert stored is not None and stored.at == at
    engine.dispose()


def test_a_turn_given_back_from_another_thread_leaves_the_taker_free_to_queue_again(
    tmp_path: Path,
) -> None:
    """The pool may roll a connection back from another thread; the thread that took the turn
    must still queue later (with a 0.2 s busy timeout, skipping the queue would fail)."""
    database = str(tmp_path / "threads.db")
    factory = queued_connection(f"{database}-writers")

    def connect() -> QueuedConnection:
        # As SQLAlchemy's pool opens file databases: usable from any thread.
        connection = sqlite3.connect(
            database, timeout=0.2, factory=factory, check_same_thread=False
        )
        connection.isolation_level = None
        return connection

    taken = connect()
    taken.execute("PRAGMA journal_mode=WAL")
    taken.begin("IMMEDIATE")
    taken.execute("CREATE TABLE t (x INTEGER)")
    releaser = threading.Thread(target=taken.commit)
    releaser.start()
    releaser.join()

    holder_has_turn = threading.Event()

    def hold() -> None:
        holder = connect()
        holder.begin("IMMEDIATE")
        holder_has_turn.set()
        time.sleep(1.0)
        holder.execute("INSERT INTO t VALUES (1)")
        holder.commit()
        holder.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holder_has_turn.wait(timeout=10)
    taken.begin("IMMEDIATE")  # waits for the holder, then writes
    taken.execute("INSERT INTO t VALUES (2)")
    taken.commit()
    thread.join()
    assert [x for (x,) in taken.execute("SELECT x FROM t ORDER BY rowid")] == [1, 2]
    taken.close()
