"""The audit log proves itself: the database refuses to change or remove an entry, and when an
intruder with the database owner's rights drops that guard and edits the log anyway,
`consult audit verify` names the first entry that no longer fits the chain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from consult.cli import main
from consult.db import make_engine
from consult.models import AuditEvent
from tests.conftest import Clock
from tests.helpers import DEMO_DAY, cli_env

Run = Callable[..., Result]


@pytest.fixture
def consult(database_url: str, tmp_path: Path, clock: Clock) -> Run:
    clock.set(DEMO_DAY)

    def run(*args: str) -> Result:
        env = cli_env(database_url, tmp_path / "inst", clock)
        return CliRunner().invoke(main, list(args), env=env)

    assert run("init-db").exit_code == 0
    assert run("demo").exit_code == 0
    return run


@pytest.fixture
def engine(database_url: str, consult: Run) -> Engine:
    made = make_engine(database_url)
    yield made  # type: ignore[misc]
    made.dispose()


def middle_entry(engine: Engine) -> AuditEvent:
    with Session(engine) as session:
        entries = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))
        assert len(entries) > 10
        return entries[len(entries) // 2]


def tamper(engine: Engine, statement: object) -> None:
    """What an intruder with the owner's rights does: drop the append-only triggers, edit."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # and puts it back, leaving no trace
            connection.execute(
                text("ALTER TABLE auditevent DISABLE TRIGGER auditevent_append_only")
            )
            connection.execute(statement)  # type: ignore[call-overload]
            connection.execute(text("ALTER TABLE auditevent ENABLE TRIGGER auditevent_append_only"))
            return
        for event in ("update", "delete"):
            connection.execute(text(f"DROP TRIGGER auditevent_no_{event}"))
        connection.execute(statement)  # type: ignore[call-overload]
        for event in ("update", "delete"):
            connection.execute(
                text(
                    f"CREATE TRIGGER auditevent_no_{event} BEFORE {event.upper()} ON auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
                )
            )


def test_the_database_refuses_to_change_or_remove_an_entry(consult: Run, engine: Engine) -> None:
    target = middle_entry(engine)
    for statement in (
        update(AuditEvent).where(col(AuditEvent.id) == target.id).values(actor="chutich"),
        delete(AuditEvent).where(col(AuditEvent.id) == target.id),
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(statement)
    assert consult("audit", "verify").exit_code == 0


def test_the_demo_history_verifies(consult: Run) -> None:
    result = consult("audit", "verify")
    assert result.exit_code == 0 and result.output.strip() == "audit log intact"


def test_an_edited_detail_is_found_at_its_entry(consult: Run, engine: Engine) -> None:
    target = middle_entry(engine)
    changed = {**target.detail, "note": "sửa lại sau"}
    tamper(engine, update(AuditEvent).where(col(AuditEvent.id) == target.id).values(detail=changed))
    result = consult("audit", "verify")
    assert result.exit_code == 1
    assert f"audit log broken at entry {target.id} " in result.output
    assert target.action in result.output


def test_a_changed_actor_or_time_is_found(consult: Run, engine: Engine) -> None:
    target = middle_entry(engine)
    tamper(
        engine, update(AuditEvent).where(col(AuditEvent.id) == target.id).values(actor="chutich")
    )
    result = consult("audit", "verify")
    assert result.exit_code == 1 and f"entry {target.id} " in result.output


def test_a_removed_entry_breaks_the_chain_at_the_next(consult: Run, engine: Engine) -> None:
    target = middle_entry(engine)
    with Session(engine) as session:
        following = session.exec(
            select(AuditEvent.id).where(col(AuditEvent.id) > target.id).order_by(col(AuditEvent.id))
        ).first()
    tamper(engine, delete(AuditEvent).where(col(AuditEvent.id) == target.id))
    result = consult("audit", "verify")
    assert result.exit_code == 1 and f"entry {following} " in result.output


def test_a_rehashed_entry_still_breaks_its_successor(consult: Run, engine: Engine) -> None:
    """Recomputing the edited entry's own hash is not enough: the next entry names the old one."""
    from consult.ledger.audit import _digest

    target = middle_entry(engine)
    edited = {**target.model_dump(), "detail": {"rewritten": True}}
    new_hash = _digest(target.prev_hash, edited)
    tamper(
        engine,
        update(AuditEvent)
        .where(col(AuditEvent.id) == target.id)
        .values(detail={"rewritten": True}, hash=new_hash),
    )
    with Session(engine) as session:
        following = session.exec(
            select(AuditEvent.id).where(col(AuditEvent.id) > target.id).order_by(col(AuditEvent.id))
        ).first()
    result = consult("audit", "verify")
    assert result.exit_code == 1 and f"entry {following} " in result.output
