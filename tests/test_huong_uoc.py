"""A village hương ước from draft to the Chairman's recognition decision (Decree 61/2023):
the 30-day posting, a household ballot over ALL the village's households (50 % fails, 51 %
passes), the 5-working-day deadlines counted on the 2024 calendar, the decision's DOCX."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document as DocxFile
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.documents import ballots as ballot_documents
from consult.documents import docx_reader
from consult.errors import Invalid, NotAllowedNow
from consult.models import AuditEvent, Ballot, Consultation, Document, Organization
from consult.runtime import Runtime
from consult.services import ballots
from tests.conftest import LoadDemo
from tests.helpers import (
    VILLAGE,
    Clock,
    answer,
    import_households,
    login,
    start,
    state,
    take,
    vn_utc,
    window,
)

TEAM = ["Hoàng Văn Minh", "Nguyễn Văn An", "Lê Thị Bình"]
WITNESSES = ["Trần Văn Cường", "Phạm Thị Dung"]


HUONG_UOC_COUNT = {"team": TEAM, "witnesses": WITNESSES, "village_head": "Ngô Văn Hải"}


def test_a_huong_uoc_runs_from_draft_to_the_recognition_decision(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    import_households(core, commune, 100)
    cid = start(core, commune, "huong-uoc-thon", "Hương ước thôn Đồng Bông")

    # Posted Fri 01/03/2024 for the minimum 30 days; less is refused, naming the field.
    with pytest.raises(Invalid) as short:
        take(core, cid, "start_posting", "tuphap", {"posting_days": 20})
    assert "posting_days" in short.value.fields
    assert "Nghị định 61/2023/NĐ-CP, Điều 9(1)" in short.value.fields["posting_days"]
    take(core, cid, "start_posting", "tuphap", {"places": ["Nhà văn hóa thôn Đồng Bông"]})
    # Day 30 is Sun 31/03: the period runs to the end of Mon 01/04 (Civil Code Art. 148).
    assert window(core, cid, "posting_period").closes_at == vn_utc(2024, 4, 2, 0)
    with pytest.raises(NotAllowedNow):
        take(core, cid, "open_ballot", "tuphap", {"village": VILLAGE})

    clock.set(vn_utc(2024, 4, 2, 0, 0, 1))
    assert [t.action for t in core.engine.reconcile(core.db, core.now())] == ["close_posting"]
    assert state(core, cid) == "ballot_ready"

    # First ballot: 50 of the 100 households agree (paper), 30 disagree online: it fails.
    with pytest.raises(Invalid) as unknown:
        take(core, cid, "open_ballot", "tuphap", {"village": "Thôn Không Có"})
    assert "Thôn Đồng Bông" in unknown.value.fields["village"]
    clock.set(vn_utc(2024, 4, 10, 8))
    take(core, cid, "open_ballot", "tuphap", {"village": VILLAGE})
    for n in range(1, 51):
        answer(core, cid, f"DB{n:03d}", "agree", "paper")
    for n in range(51, 81):
        answer(core, cid, f"DB{n:03d}", "disagree", "online", voter_name=f"Người {n}")
    with pytest.raises(Invalid) as other_village:
        answer(core, cid, "DC001", "agree", "paper")
    assert "household" in other_village.value.fields
    with pytest.raises(NotAllowedNow) as refused:
        take(core, cid, "record_adoption", "mttq", HUONG_UOC_COUNT)
    assert "50 of 100 households" in str(refused.value) or "50/100" in str(refused.value)
    take(core, cid, "record_rejection", "mttq", HUONG_UOC_COUNT)
    assert state(core, cid) == "ballot_ready"

    # Second ballot on Fri 26/04/2024: 51 of the 100 agree; it passes.
    clock.set(vn_utc(2024, 4, 26, 8))
    take(core, cid, "open_ballot", "tuphap", {"village": VILLAGE})
    for n in range(1, 52):
        answer(core, cid, f"DB{n:03d}", "agree", "paper" if n % 2 else "online", voter_name="A")
    answer(core, cid, "DB052", "disagree", "online", voter_name="B")
    with pytest.raises(NotAllowedNow):
        take(core, cid, "record_rejection", "mttq", HUONG_UOC_COUNT)
    with pytest.raises(Invalid) as team:
        take(core, cid, "record_adoption", "mttq", {**HUONG_UOC_COUNT, "team": TEAM[:2]})
    assert "team" in team.value.fields
    clock.set(vn_utc(2024, 4, 26, 16))
    take(core, cid, "record_adoption", "mttq", HUONG_UOC_COUNT)
    assert state(core, cid) == "adopted"
    with Session(core.db) as session:
        rounds = session.exec(select(Ballot).where(Ballot.consultation_id == cid)).all()
    assert [(b.round, b.passed, b.tally["options"]["agree"]) for b in rounds] == [
        (1, False, 50),
        (2, True, 51),
    ]

    # Submission within 5 working days of Fri 26/04: 27/04–01/05 are days off (29/04 swapped
    # for Sat 04/05, a working day): 02, 03, 04, 06, 07/05 → until 24:00 07/05/2024.
    assert window(core, cid, "submission_deadline").closes_at == vn_utc(2024, 5, 8, 0)
    clock.set(vn_utc(2024, 5, 7, 10))
    take(core, cid, "submit_to_commune", "tuphap")
    # Recognition within 5 working days of Tue 07/05: 08, 09, 10, 13, 14/05.
    assert window(core, cid, "recognition_deadline").closes_at == vn_utc(2024, 5, 15, 0)
    clock.set(vn_utc(2024, 5, 14, 9))
    take(core, cid, "recognize", "chutich")
    take(core, cid, "publish", "vanthu", {"signed_digitally": True})
    assert state(core, cid) == "in_force"

    with Session(core.db) as session:
        entries = session.exec(select(AuditEvent).where(AuditEvent.consultation_id == cid)).all()
        assert not any(e.detail.get("late") for e in entries)
        decision = session.exec(
            select(Document).where(Document.consultation_id == cid, Document.type == "QĐ")
        ).one()
        assert decision.kind == "recognition_decision"
        consultation = session.get(Consultation, cid)
        assert consultation is not None
        definition = core.engine.definition_of(session, consultation)
        rendered = ballot_documents.recognition_decision(
            session,
            definition,
            consultation,
            ballots.counted_ballot(session, cid),
            decision,
            date(2024, 5, 7),
            core.now(),
        )
    text = docx_reader.text(rendered.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"Số: {decision.symbol}",
        "Đông Sơn, ngày 14 tháng 5 năm 2024",
        "Về việc công nhận Hương ước thôn Đồng Bông",
        "Căn cứ Nghị định số 61/2023/NĐ-CP",
        "hồ sơ nhận ngày 07/05/2024",
        "thông qua ngày 26/04/2024 với 51/100 hộ gia đình đồng ý (51,00 % tổng số hộ gia đình)",
        "TM. ỦY BAN NHÂN DÂN",
        "Trần Văn Bình",
        "Thôn Đồng Bông (để thực hiện)",
    ):
        assert expected in text, expected


def test_a_step_taken_after_its_working_day_deadline_is_recorded_late(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    import_households(core, commune, 3)
    cid = start(core, commune, "huong-uoc-thon", "Hương ước thôn Đồng Bông")
    take(core, cid, "start_posting", "tuphap")
    clock.set(vn_utc(2024, 4, 2, 0, 0, 1))
    core.engine.reconcile(core.db, core.now())
    take(core, cid, "open_ballot", "tuphap", {"village": VILLAGE})
    for n in (1, 2):
        answer(core, cid, f"DB{n:03d}", "agree", "paper")
    take(
        core, cid, "record_adoption", "mttq", HUONG_UOC_COUNT
    )  # Tue 02/04 → 5 wd: until 24:00 09/04
    assert window(core, cid, "submission_deadline").closes_at == vn_utc(2024, 4, 10, 0)
    clock.set(vn_utc(2024, 4, 12, 9))
    ctx = take(core, cid, "submit_to_commune", "tuphap", {"received_on": "2024-04-10"})
    assert ctx.notes["late"] == [
        {"deadline": "submission_deadline", "closes_at": vn_utc(2024, 4, 10, 0).isoformat()}
    ]
    assert window(core, cid, "submission_deadline").closed_at == vn_utc(2024, 4, 10, 12)


def test_the_demo_shows_the_village_huong_uoc_in_progress(
    client: FlaskClient, runtime: Runtime, load_demo: LoadDemo
) -> None:
    load_demo(vn_utc(2025, 11, 3, 8), runtime)
    with Session(runtime.db) as session:
        consultation = session.exec(
            select(Consultation).where(Consultation.title == "Hương ước thôn Đồng Bông")
        ).one()
    assert consultation.state == "consulting"
    home = client.get("/").get_data(as_text=True)
    assert "Hương ước thôn Đồng Bông" in home
    page = client.get(f"/consultations/{consultation.id}")
    assert page.status_code == 200
    assert "24:00 ngày 03/12/2025" in page.get_data(as_text=True)  # 30 days from 03/11
    login(client, "tuphap")
    dashboard = client.get("/staff/")
    assert dashboard.status_code == 200 and "Hương ước thôn Đồng Bông" in dashboard.get_data(
        as_text=True
    )
    staff_page = client.get(f"/staff/consultations/{consultation.id}")
    assert staff_page.status_code == 200
    assert "Thời gian niêm yết, lấy ý kiến cộng đồng" in staff_page.get_data(as_text=True)


def test_the_recognition_decision_of_a_huong_uoc_is_downloaded_from_the_vote_page(
    runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    # The hương ước runs as the test above does (draft, posting, ballot, recognition).
    test_a_huong_uoc_runs_from_draft_to_the_recognition_decision(runtime, commune, clock)
    with Session(runtime.db) as session:
        cid = session.exec(
            select(Consultation.id).where(Consultation.title == "Hương ước thôn Đồng Bông")
        ).one()
    login(client, "tuphap")
    page = client.get(f"/staff/consultations/{cid}/ballot").get_data(as_text=True)
    assert "recognition_decision.docx" in page
    docx = client.get(f"/staff/consultations/{cid}/ballot/recognition_decision.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in DocxFile(io.BytesIO(docx.data)).paragraphs)
    for expected in (
        "Về việc công nhận Hương ước thôn Đồng Bông",
        "hồ sơ nhận ngày 07/05/2024",
        "51/100 hộ gia đình đồng ý",
    ):
        assert expected in text, expected
    assert client.get(f"/staff/consultations/{cid}/ballot/nothing.docx").status_code == 404
