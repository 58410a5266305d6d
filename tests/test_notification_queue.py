"""Reminders about an issued decision: to publish it within 5 working days (none when the
holiday data cannot count those days), and to report to the People's Council (Law 10/2022
Art. 28(5)) once the regulation is in force, only while the report is not recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from consult.calendar import LegalCalendar
from consult.db import write_session
from consult.models import Document, Notification, Organization
from consult.runtime import Runtime
from consult.scheduler import tick
from consult.services import notifications
from tests.conftest import Clock
from tests.helpers import decide, post_draft, start, take

DECISION_DAY = datetime(2024, 3, 25, 1, 0, tzinfo=UTC)  # Mon 25/03/2024 08:00 in Vietnam


def decided(core: Runtime, commune: Organization, clock: Clock) -> int:
    """Posted 01/03, closed 21/03 24:00, the decision signed on Mon 25/03/2024."""
    consultation_id = start(core, commune)
    post_draft(core, consultation_id)
    clock.set(DECISION_DAY)
    tick(core)  # closes the window
    take(core, consultation_id, "submit_synthesis", "mttq", {"summary": "Không có ý kiến."})
    decide(core, consultation_id, {"issued_on": "2024-03-25"})
    return consultation_id


def in_force(core: Runtime, commune: Organization, clock: Clock, *, reported: bool) -> int:
    """Decided and published 25/03, its plan issued: in force. ``reported``: the Chairman
    recorded the report to the council before that."""
    consultation_id = decided(core, commune, clock)
    take(core, consultation_id, "publish", "vanthu", {"signed_digitally": True})
    if reported:
        take(core, consultation_id, "report_to_council", "chutich")
    take(core, consultation_id, "issue_implementation_plan", "chutich")
    return consultation_id


def notices(core: Runtime, kind: str) -> list[Notification]:
    with Session(core.db) as session:
        return list(session.exec(select(Notification).where(Notification.kind == kind)))


def test_a_decision_the_holiday_data_cannot_count_for_gets_no_publication_reminder(
    core: Runtime, commune: Organization, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    consultation_id = decided(core, commune, clock)
    with Session(core.db) as session:
        decision = session.exec(
            select(Document).where(
                Document.consultation_id == consultation_id, Document.type == "QĐ"
            )
        ).one()
    without_2024 = LegalCalendar({}, (), years=[2023])
    with write_session(core.db) as session:
        assert notifications.queue_due(session, without_2024, clock()) == 0
    assert notices(core, "publish_due") == []
    assert f"no publication deadline for {decision.symbol}" in caplog.text
    assert "add config/holidays/2024.yaml" in caplog.text  # what the operator is to do
    # With the year's data the same pass asks the clerk to publish it.
    with write_session(core.db) as session:
        assert notifications.queue_due(session, core.calendar, clock()) > 0
    assert notices(core, "publish_due") != []


@pytest.mark.parametrize("reported", [False, True], ids=["not-yet", "already"])
def test_the_council_report_is_asked_for_only_while_it_is_not_recorded(
    core: Runtime, commune: Organization, clock: Clock, reported: bool
) -> None:
    consultation_id = in_force(core, commune, clock, reported=reported)
    tick(core)
    clock.advance(days=1)
    tick(core)
    found = notices(core, "report_to_council")
    if reported:
        assert found == []
    else:
        assert len(found) == 2  # the Chairman and the council, once each
        assert {n.consultation_id for n in found} == {consultation_id}
