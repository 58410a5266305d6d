"""The reminder to report to the People's Council (Law 10/2022 Art. 28(5)) once a regulation is
in force: only while the report is not recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from consult.models import Notification, Organization
from consult.runtime import Runtime
from consult.scheduler import tick
from tests.conftest import Clock
from tests.helpers import decide, post_draft, start, take

DECISION_DAY = datetime(2024, 3, 25, 1, 0, tzinfo=UTC)  # Mon 25/03/2024 08:00 in Vietnam


def in_force(core: Runtime, commune: Organization, clock: Clock, *, reported: bool) -> int:
    """Posted 01/03, closed 21/03 24:00, decided and published 25/03, its plan issued: in
    force. ``reported``: the Chairman recorded the report to the council before that."""
    consultation_id = start(core, commune)
    post_draft(core, consultation_id)
    clock.set(DECISION_DAY)
    tick(core)  # closes the window
    take(core, consultation_id, "submit_synthesis", "mttq", {"summary": "Không có ý kiến."})
    decide(core, consultation_id, {"issued_on": "2024-03-25"})
    take(core, consultation_id, "publish", "vanthu", {"signed_digitally": True})
    if reported:
        take(core, consultation_id, "report_to_council", "chutich")
    take(core, consultation_id, "issue_implementation_plan", "chutich")
    return consultation_id


def council_notices(core: Runtime) -> list[Notification]:
    with Session(core.db) as session:
        return list(
            session.exec(select(Notification).where(Notification.kind == "report_to_council"))
        )


@pytest.mark.parametrize("reported", [False, True], ids=["not-yet", "already"])
def test_the_council_report_is_asked_for_only_while_it_is_not_recorded(
    core: Runtime, commune: Organization, clock: Clock, reported: bool
) -> None:
    consultation_id = in_force(core, commune, clock, reported=reported)
    tick(core)
    clock.advance(days=1)
    tick(core)
    notices = council_notices(core)
    if reported:
        assert notices == []
    else:
        assert len(notices) == 2  # the Chairman and the council, once each
        assert {n.consultation_id for n in notices} == {consultation_id}
