"""The workflow engine: roles, guards, windows decided by the data, compare-and-set."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, func, select

from consult.db import write_session
from consult.errors import Conflict, Forbidden, Invalid, NotAllowedNow, NotFound
from consult.ledger import audit
from consult.models import AuditEvent, Consultation, Document, Organization, Window
from consult.runtime import Runtime
from consult.services import answers, intake, opinions
from consult.services.intake import CommentInput
from tests.helpers import Clock, actor, decide, post_draft, start, take


def window_of(runtime: Runtime, consultation_id: int, name: str = "comment_window") -> Window:
    with Session(runtime.db) as session:
        query = select(Window).where(Window.consultation_id == consultation_id, Window.name == name)
        return session.exec(query).one()


def comment(
    runtime: Runtime,
    consultation_id: int,
    body: str = "Đề nghị bổ sung.",
    article: str | None = "2",
) -> str:
    with write_session(runtime.db) as session:
        return intake.submit(
            session, consultation_id, CommentInput(body=body, article=article), runtime.now()
        ).receipt


def test_posting_opens_a_window_counted_as_the_civil_code_says(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = start(core, commune)
    # Posted Mon 04/03/2024: day 20 is Sun 24/03, so the window runs to Mon 25/03 24:00.
    signed = take(core, cid, "sign_plan", "chutich")  # the Chairman signs the plan: numbered
    assert [d.symbol for d in signed.documents] == ["01/KH-UBND"]
    ctx = take(core, cid, "start_posting", "tuphap", {"posted_on": "2024-03-04"})
    assert ctx.consultation.state == "consulting"
    window = window_of(core, cid)
    assert window.opens_at == datetime(2024, 3, 3, 17, 0, tzinfo=UTC)
    assert window.closes_at == datetime(2024, 3, 25, 17, 0, tzinfo=UTC)
    # The draft stays posted 30 days (Art. 13(2)): day 30 is Wed 03/04/2024.
    posting = window_of(core, cid, "posting_period")
    assert posting.closes_at == datetime(2024, 4, 3, 17, 0, tzinfo=UTC)
    assert posting.on_close is None


def test_the_drafter_extends_an_open_window_but_no_one_shortens_it(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = start(core, commune)
    post_draft(core, cid)  # window to Thu 21/03/2024 24:00
    with pytest.raises(Invalid) as caught:
        take(core, cid, "extend_window", "tuphap", {"days": 0, "reason": "x"})
    assert "days" in caught.value.fields
    with pytest.raises(Invalid) as caught:
        take(core, cid, "extend_window", "tuphap", {"days": 5})
    assert "reason" in caught.value.fields
    with pytest.raises(Forbidden):
        take(core, cid, "extend_window", "mttq", {"days": 5, "reason": "x"})
    ctx = take(
        core,
        cid,
        "extend_window",
        "tuphap",
        {"days": 5, "reason": "Nhiều thôn chưa tổ chức được hội nghị góp ý."},
    )
    assert ctx.consultation.state == "consulting"
    # 21/03 + 5 days = Tue 26/03/2024, 24:00.
    assert window_of(core, cid).closes_at == datetime(2024, 3, 26, 17, 0, tzinfo=UTC)
    with Session(core.db) as session:
        entry = session.exec(select(AuditEvent).where(AuditEvent.action == "extend_window")).one()
        assert entry.detail["payload"]["reason"].startswith("Nhiều thôn")
        assert entry.detail["closes_at_text"] == "24:00 ngày 26/03/2024"
    clock.set(datetime(2024, 3, 26, 17, 0, tzinfo=UTC))
    with pytest.raises(NotAllowedNow):
        take(core, cid, "extend_window", "tuphap", {"days": 5, "reason": "Quá hạn."})


def test_only_the_drafter_starts_and_posts(core: Runtime, commune: Organization) -> None:
    with write_session(core.db) as session, pytest.raises(Forbidden):
        core.engine.start(
            session,
            organization=commune,
            actor=actor(session, "mttq"),
            workflow_id="qcdc-ubnd-xa",
            title="x",
            summary="",
            articles=[],
            now=core.now(),
        )
    cid = start(core, commune)
    with pytest.raises(Forbidden, match="drafter"):
        take(core, cid, "start_posting", "chutich")
    with pytest.raises(NotFound):
        take(core, cid, "launch_rockets", "tuphap")


def test_a_plan_shorter_than_the_legal_minimum_is_refused(
    core: Runtime, commune: Organization
) -> None:
    cid = start(core, commune)
    with pytest.raises(Invalid) as caught:
        post_draft(core, cid, {"comment_days": 15})
    assert "Điều 28(2)" in caught.value.fields["comment_days"]
    with pytest.raises(Invalid) as caught:
        post_draft(core, cid, {"posted_on": "04/03/2024", "extra": 1})
    assert set(caught.value.fields) == {"posted_on", "extra"}
    ctx = post_draft(core, cid, {"comment_days": 30})
    assert ctx.consultation.state == "consulting"
    assert window_of(core, cid).duration == "30d"


def test_a_late_comment_is_refused_with_no_scheduler_running(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = start(core, commune)
    post_draft(core, cid)  # Fri 01/03/2024 → Thu 21/03 24:00
    comment(core, cid)
    clock.set(datetime(2024, 3, 21, 16, 59, 59, tzinfo=UTC))  # 23:59:59 on the last day
    comment(core, cid, "Kịp giờ chót.")
    clock.set(datetime(2024, 3, 21, 17, 0, tzinfo=UTC))  # 24:00: the window is over
    with pytest.raises(NotAllowedNow, match="24:00 ngày 21/03/2024"):
        comment(core, cid, "Muộn một giây.")
    with Session(core.db) as session:
        assert opinions.count(session, cid) == 2
        assert session.get(Consultation, cid).state == "consulting"  # no one has closed it


def test_no_decision_and_no_early_close_before_the_window_ends(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = start(core, commune)
    post_draft(core, cid)
    with pytest.raises(NotAllowedNow, match="24:00 ngày 21/03/2024"):
        take(core, cid, "issue_decision", "chutich")
    with pytest.raises(NotAllowedNow, match="no one can close it early"):
        take(core, cid, "close_posting", "system")
    with pytest.raises(Forbidden):
        take(core, cid, "close_posting", "tuphap")


def test_synthesis_needs_a_disposition_for_every_opinion(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = start(core, commune)
    post_draft(core, cid)
    receipt = comment(core, cid)
    clock.advance(days=21)
    assert [t.action for t in core.engine.reconcile(core.db, core.now())] == ["close_posting"]
    with pytest.raises(NotAllowedNow, match="1 opinion"):
        take(core, cid, "submit_synthesis", "mttq")
    with write_session(core.db) as session:  # the committee answers (Art. 28)
        found = intake.by_receipt(session, receipt)
        with pytest.raises(Invalid) as caught:
            answers.review(
                session,
                core.engine,
                found.id,
                actor(session, "tuphap"),
                core.now(),
                disposition="not_accepted",
            )
        assert "reason" in caught.value.fields
        answers.review(
            session,
            core.engine,
            found.id,
            actor(session, "tuphap"),
            core.now(),
            disposition="accepted",
            response="Đã bổ sung vào Điều 2.",
        )
    take(core, cid, "submit_synthesis", "mttq", {"summary": "Tiếp thu 1 ý kiến."})
    ctx = decide(core, cid)  # the report is BC 02, approved before the decision
    assert [d.symbol for d in ctx.documents] == ["03/QĐ-UBND"]
    assert ctx.documents[0].signer_name == "Trần Văn Bình"
    with write_session(core.db) as session, pytest.raises(NotAllowedNow, match="synthesis"):
        answers.review(
            session,
            core.engine,
            found.id,
            actor(session, "tuphap"),
            core.now(),
            disposition="duplicate",
        )


def test_two_concurrent_takes_give_one_transition_and_one_conflict(
    core: Runtime, commune: Organization
) -> None:
    cid = start(core, commune)
    take(core, cid, "sign_plan", "chutich")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def post() -> None:
        barrier.wait()
        try:
            take(core, cid, "start_posting", "tuphap")
            outcomes.append("ok")
        except (Conflict, NotAllowedNow) as exc:
            assert exc.status == 409
            outcomes.append("409")

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409", "ok"]
    with Session(core.db) as session:
        consultation = session.get(Consultation, cid)
        assert consultation.state == "consulting" and consultation.version == 3
        assert session.exec(select(func.count()).select_from(Document)).one() == 1
        assert session.exec(select(func.count()).select_from(Window)).one() == 2


def test_reconcile_applies_a_due_close_once_even_from_two_processes_at_once(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    ids = [start(core, commune, title=f"Quy chế {n}") for n in range(3)]
    for cid in ids:
        post_draft(core, cid)
    assert core.engine.reconcile(core.db, core.now()) == []
    clock.advance(days=30)
    results: list[int] = []

    def run() -> None:
        results.append(len(core.engine.reconcile(core.db, core.now())))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 3
    assert core.engine.reconcile(core.db, core.now()) == []
    with Session(core.db) as session:
        closes = session.exec(select(AuditEvent).where(AuditEvent.action == "close_posting")).all()
        assert sorted(e.consultation_id for e in closes) == ids
        assert all(e.actor == "system" for e in closes)
        assert audit.verify(session) is None


def test_a_consultation_keeps_the_rules_it_started_with(
    core: Runtime, commune: Organization, workflows_dir
) -> None:
    cid = start(core, commune)
    path = workflows_dir / "qcdc-ubnd-xa.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("version: 1", "version: 2"), encoding="utf-8"
    )
    from consult.runtime import build_runtime

    fresh = build_runtime(core.settings, clock=core.clock)
    try:
        ctx = post_draft(fresh, cid)
        assert ctx.definition.version == 1
        assert fresh.catalog.get("qcdc-ubnd-xa").version == 2
    finally:
        fresh.db.dispose()


def test_a_posting_dated_ahead_opens_by_itself_on_that_day(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = start(core, commune)
    post_draft(core, cid, {"posted_on": "2024-03-04"})  # on Fri 01/03
    with pytest.raises(NotAllowedNow, match="00:00 ngày 04/03/2024"):
        comment(core, cid)
    clock.set(datetime(2024, 3, 3, 17, 0, tzinfo=UTC))  # 00:00 on Mon 04/03, no scheduler ran
    assert comment(core, cid)
