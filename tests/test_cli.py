"""The `consult` command as an operator uses it."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from consult.db import make_engine
from consult.models import Consultation, Document, Household, Locality, Window
from tests.helpers import COMMAND_DEMO_DAY, SEED_DOCUMENTS, SEED_PLANS_AND_DECISIONS, Clock


@pytest.fixture(autouse=True)
def _on_the_command_demo_day(clock: Clock) -> None:
    """Every command here runs at the test's clock: the day a test loads the demo itself."""
    clock.set(COMMAND_DEMO_DAY)


def test_demo_loads_the_seed_history_once_and_prints_the_accounts(consult, database_url) -> None:  # type: ignore[no-untyped-def]
    assert consult("init-db").exit_code == 0
    assert consult("init-db").exit_code == 0  # idempotent
    first = consult("demo")
    assert first.exit_code == 0, first.output
    assert "tuphap" in first.output and "dongson2024" in first.output
    second = consult("demo")
    assert second.exit_code == 0 and "demo already loaded" in second.output

    engine = make_engine(database_url)
    with Session(engine) as session:
        documents = {
            d.symbol: d.issued_on
            for d in session.exec(select(Document).where(Document.year == 2024))
        }
        assert documents == SEED_DOCUMENTS  # every number of the seed history, with its date
        states = sorted((c.workflow_id, c.state) for c in session.exec(select(Consultation)))
        assert states == [
            ("huong-uoc-thon", "consulting"),  # the village's hương ước, posted now
            ("qcdc-co-quan", "in_force"),
            ("qcdc-ubnd-xa", "consulting"),
            ("qcdc-ubnd-xa", "in_force"),
        ]
        village = session.exec(select(Locality).where(Locality.name == "Thôn Đồng Bông")).one()
        register = session.exec(select(Household).where(Household.locality_id == village.id))
        assert len(register.all()) == 126
        # The agency draft was posted on 30/01/2024: 20 days to Mon 19/02 24:00.
        first_window = session.exec(select(Window).order_by(col(Window.id))).first()
        assert first_window.closes_at.isoformat() == "2024-02-19T17:00:00+00:00"
        # The consultation open now was posted at the test's clock (CONSULT_NOW), not today:
        # Mon 02/03/2026, 20 days to Sun 22/03, so to 24:00 on Mon 23/03/2026.
        open_windows = session.exec(
            select(Window.name, Window.closes_at)
            .join(Consultation, col(Consultation.id) == col(Window.consultation_id))
            .where(Consultation.workflow_id == "qcdc-ubnd-xa", Consultation.state == "consulting")
        )
        assert dict(open_windows.all())["comment_window"].isoformat() == "2026-03-23T17:00:00+00:00"
    engine.dispose()
    assert consult("audit", "verify").output.strip() == "audit log intact"


def test_tick_reports_what_it_applied(consult) -> None:  # type: ignore[no-untyped-def]
    consult("demo")
    result = consult("tick")
    assert result.exit_code == 0
    assert "0 transition(s) applied" in result.output  # the open consultation is not due


def test_user_add_reads_the_password_from_stdin(consult) -> None:  # type: ignore[no-untyped-def]
    consult("demo")
    made = consult(
        "user", "add", "thuky", "--role", "clerk", "--password-stdin", input="mat-khau-dai\n"
    )
    assert made.exit_code == 0, made.output
    assert "created thuky (clerk) in UBND" in made.output
    again = consult(
        "user", "add", "thuky", "--role", "clerk", "--password-stdin", input="mat-khau-dai\n"
    )
    assert again.exit_code == 1 and "username" in again.output
    short = consult("user", "add", "ngan", "--role", "clerk", "--password-stdin", input="abc\n")
    assert short.exit_code == 1 and "password" in short.output


def test_the_seed_commune_posting_carries_a_compliance_warning(  # type: ignore[no-untyped-def]
    consult, database_url, clock
) -> None:
    from consult.config import load_settings
    from consult.runtime import build_runtime
    from consult.services import compliance

    consult("demo")
    runtime = build_runtime(load_settings({"database_url": database_url}), clock=clock)
    with Session(runtime.db) as session:
        found = {}
        for consultation in session.exec(select(Consultation).order_by(col(Consultation.id))):
            definition = runtime.engine.definition_of(session, consultation)
            found[consultation.workflow_id, consultation.state] = [
                w.message for w in compliance.warnings(session, definition, consultation)
            ]
    runtime.db.dispose()
    assert found["qcdc-co-quan", "in_force"] == []  # 20 days of Art. 48: compliant
    [warning] = found["qcdc-ubnd-xa", "in_force"]
    assert "20 days (01/03/2024 to 21/03/2024)" in warning
    assert "30 consecutive days of Luật 10/2022/QH15, Điều 11(11), Điều 13(2)" in warning
    assert found["qcdc-ubnd-xa", "consulting"] == []  # planned for 30 days


def test_after_the_demo_the_api_lists_the_seed_consultations_with_their_documents(
    consult,
    app,
    client,  # type: ignore[no-untyped-def]
) -> None:
    consult("demo")
    listed = client.get("/api/v1/consultations").get_json()["items"]
    documents = {
        d["symbol"]: d["issued_on"]
        for c in listed
        if c["state"] == "in_force"
        for d in c["documents"]
    }
    assert documents == {s: d.isoformat() for s, d in SEED_PLANS_AND_DECISIONS.items()}
