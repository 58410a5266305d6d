"""Official documents in the layout of Decree 30/2020, the register's rules, signed copies,
and the procedure's documents generated for a consultation run from start to finish."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from consult.db import write_session
from consult.documents import docx_reader, facts, kinds, layout, records, render
from consult.errors import Forbidden, Invalid, NotAllowedNow
from consult.ledger import register
from consult.models import Comment, Consultation, Document, Organization
from consult.runtime import Runtime
from consult.services import answers as answers_
from consult.services import intake
from tests.conftest import ON_POSTGRES
from tests.helpers import WINDOW_ENDS, Clock, actor, post_draft, start, take

# --- the parts of a document -----------------------------------------------------------------


def test_the_date_line_is_written_the_vietnamese_way() -> None:
    assert layout.date_line("Đông Sơn", date(2024, 2, 5)) == "Đông Sơn, ngày 05 tháng 02 năm 2024"
    assert layout.date_line("Đông Sơn", date(2024, 3, 25)) == "Đông Sơn, ngày 25 tháng 3 năm 2024"
    assert layout.date_line("Đông Sơn", date(2024, 1, 30)) == "Đông Sơn, ngày 30 tháng 01 năm 2024"
    assert layout.date_line("Đông Sơn", date(2025, 12, 1)) == "Đông Sơn, ngày 01 tháng 12 năm 2025"
    # A draft before signing leaves day and month blank for the pen.
    assert layout.date_line("Đông Sơn", None, 2024).startswith("Đông Sơn, ngày ")
    assert layout.date_line("Đông Sơn", None, 2024).endswith("năm 2024")


def test_number_line_issuer_signing_and_recipients_follow_decree_30() -> None:
    assert layout.number_line(5, "QĐ", "UBND") == "Số: 05/QĐ-UBND"
    assert layout.number_line(156, "QĐ", "UBND") == "Số: 156/QĐ-UBND"
    assert layout.number_line(None, "BB", "UBND").endswith("/BB-UBND")
    issuer = layout.issuer(
        "Ủy ban nhân dân xã Đông Sơn", "Ủy ban nhân dân huyện Yên Thế", "xã Đông Sơn"
    )
    assert issuer.superior == "UBND HUYỆN YÊN THẾ"
    assert issuer.name == "ỦY BAN NHÂN DÂN XÃ ĐÔNG SƠN"
    assert issuer.name_lines == ("ỦY BAN NHÂN DÂN", "XÃ ĐÔNG SƠN")
    block = layout.signing_block("Chủ tịch", "Trần Văn Bình", on_behalf_of="Ủy ban nhân dân")
    assert block.lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert layout.Recipients(["UBMTTQ xã"], "TP").lines == ["- UBMTTQ xã;", "- Lưu: VT, TP."]


# --- a consultation run end to end -----------------------------------------------------------


def _run_consultation(core: Runtime, commune: Organization, clock: Clock) -> int:
    """Plan and posting on 01/03/2024, three opinions reviewed, the posting minutes and notice
    numbered, the window closes, report and submission, decision, publication, plan."""
    consultation_id = start(core, commune)
    post_draft(core, consultation_id)
    with write_session(core.db) as session:
        for body, channel, article in (
            ("Đề nghị niêm yết thêm tại nhà văn hóa thôn.", "online", "3"),
            ("Cần ghi rõ ngày kết thúc niêm yết.", "paper", "2"),
            ("Nhất trí với toàn bộ dự thảo.", "front", None),
        ):
            intake.submit(
                session,
                consultation_id,
                intake.CommentInput(body=body, channel=channel, article=article, represents=1),
                clock(),
                entered_by=actor(session, "tuphap") if channel != "online" else None,
            )
    with write_session(core.db) as session:
        rows = session.exec(select(Comment).order_by(col(Comment.id))).all()
        reviewer = actor(session, "tuphap")  # the committee answers (Art. 28)
        answers = (
            ("accepted", "", "Đã bổ sung niêm yết tại nhà văn hóa các thôn."),
            ("not_accepted", "Ngày kết thúc đã ghi trong kế hoạch.", ""),
            ("accepted", "", "Ghi nhận sự đồng thuận."),
        )
        for row, (disposition, reason, response) in zip(rows, answers, strict=True):
            answers_.review(
                session,
                core.engine,
                row.id,
                reviewer,
                clock(),
                disposition=disposition,
                reason=reason,
                response=response,
            )
    with write_session(core.db) as session:
        consultation = session.get(Consultation, consultation_id)
        clerk = actor(session, "vanthu")
        for key in ("posting_start", "notice"):
            records.number_kind(
                session, consultation, key, clerk, clock(), issued_on=date(2024, 3, 1)
            )
    clock.set(WINDOW_ENDS)
    core.engine.reconcile(core.db, clock())  # close_posting, by the scheduler
    with write_session(core.db) as session:
        consultation = session.get(Consultation, consultation_id)
        clerk = actor(session, "vanthu")
        records.number_kind(
            session, consultation, "posting_end", clerk, clock(), issued_on=date(2024, 3, 22)
        )
    # The report is generated by the committee and numbered when the Chairman approves it.
    take(core, consultation_id, "generate_synthesis", "tuphap")
    take(core, consultation_id, "approve_synthesis", "chutich")
    with write_session(core.db) as session:
        consultation = session.get(Consultation, consultation_id)
        clerk = actor(session, "vanthu")
        records.number_kind(
            session, consultation, "submission", clerk, clock(), issued_on=date(2024, 3, 22)
        )
    take(core, consultation_id, "submit_synthesis", "mttq", {"summary": "Đã tổng hợp."})
    clock.set(datetime(2024, 3, 25, 1, 0, tzinfo=UTC))
    take(core, consultation_id, "issue_decision", "chutich")
    take(core, consultation_id, "publish", "vanthu", {"signed_digitally": True})
    clock.set(datetime(2024, 4, 2, 1, 0, tzinfo=UTC))
    take(core, consultation_id, "issue_implementation_plan", "chutich")
    return consultation_id


SIGNING = {
    "committee": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Bình"],
    "legal_officer": ["CÔNG CHỨC TƯ PHÁP - HỘ TỊCH", "Nguyễn Thị Hoa"],
    "parties": [
        "ĐẠI DIỆN ỦY BAN NHÂN DÂN XÃ ĐÔNG SƠN",
        "ĐẠI DIỆN ỦY BAN MTTQ VIỆT NAM XÃ ĐÔNG SƠN",
        "Nguyễn Thị Hoa",
        "Hoàng Văn Minh",
    ],
}


def test_every_document_of_a_consultation_run_end_to_end_has_its_mandatory_parts(
    core: Runtime, commune: Organization, clock: Clock, tmp_path: Path
) -> None:
    consultation_id = _run_consultation(core, commune, clock)
    with Session(core.db) as session:
        consultation = session.get(Consultation, consultation_id)
        gathered = facts.gather(session, consultation)
        generated = [render.render_docx(gathered, k, date(2024, 4, 2)) for k in kinds.KINDS]
    symbols = []
    for item in generated:
        kind, document = item.kind, item.document
        assert document is not None, f"{kind.key} was not numbered"
        symbols.append(document.symbol)
        (tmp_path / item.filename).write_bytes(item.content)
        # Read the file back as Word would open it.
        lines = docx_reader.lines((tmp_path / item.filename).read_bytes())
        text = "\n".join(lines)
        for part in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "UBND HUYỆN YÊN THẾ",
            "ỦY BAN NHÂN DÂN",
            "XÃ ĐÔNG SƠN",
            kind.heading,
            document.subject,
            "Nơi nhận:",
            *SIGNING[kind.signed_by],
        ):
            assert part in lines, f"{kind.key}: {part!r} missing"
        assert f"Số: {document.symbol}" in lines, kind.key
        assert layout.date_line("Đông Sơn", document.issued_on) in lines, kind.key
        assert lines.index("Nơi nhận:") < lines.index("- Lưu: VT, TP."), kind.key
        assert "Quy chế thực hiện dân chủ của UBND xã" in text
    # One counter for every type, as the commune keeps it: 01 to 08 in the order given.
    assert [int(s.split("/")[0]) for s in symbols] == [1, 3, 2, 4, 5, 6, 7, 8]
    assert symbols[0] == "01/KH-UBND" and symbols[6] == "07/QĐ-UBND"
    by_key = {item.kind.key: docx_reader.text(item.content) for item in generated}
    # The date lines that take a leading zero and the ones that do not.
    assert "Đông Sơn, ngày 01 tháng 3 năm 2024" in by_key["plan"]
    assert "Đông Sơn, ngày 02 tháng 4 năm 2024" in by_key["implementation_plan"]
    # The regulation travels with its decision.
    assert "(Kèm theo Quyết định số 07/QĐ-UBND ngày 25 tháng 3 năm 2024" in by_key["decision"]
    assert "Điều 3. Những nội dung công khai" in by_key["decision"]
    assert "Dự toán, quyết toán ngân sách xã." in by_key["decision"]
    # What the records say: postings, opinions, what was taken up and why not.
    assert "tiếp nhận ý kiến đến 24:00 ngày 21/03/2024" in by_key["plan"]
    assert "Tổng số ý kiến nhận được: 3 ý kiến" in by_key["synthesis_report"]
    assert "Đã bổ sung niêm yết tại nhà văn hóa các thôn." in by_key["synthesis_report"]
    assert "Giải trình: Ngày kết thúc đã ghi trong kế hoạch." in by_key["synthesis_report"]
    assert "Quyết định số 07/QĐ-UBND ngày 25/03/2024" in by_key["implementation_plan"]
    assert "Báo cáo số 05/BC-UBND ngày 22/03/2024" in by_key["submission"]
    # No personal data in a document: the opinions are quoted without their authors.
    assert "Nguyễn Văn" not in by_key["synthesis_report"]


def test_a_draft_not_yet_numbered_leaves_number_and_date_blank(
    core: Runtime, commune: Organization
) -> None:
    consultation_id = start(core, commune)
    post_draft(core, consultation_id)
    with Session(core.db) as session:
        gathered = facts.gather(session, session.get(Consultation, consultation_id))
        notice = render.render_docx(gathered, kinds.BY_KEY["notice"], date(2024, 3, 1))
    lines = docx_reader.lines(notice.content)
    assert notice.document is None and notice.filename.startswith("du-thao-thong-bao")
    assert any(line.startswith("Số: ") and line.endswith("/TB-UBND") for line in lines)
    assert not any(line.startswith("Số: 0") for line in lines)
    assert any(line.startswith("Đông Sơn, ngày ") and "tháng 3" not in line for line in lines)


def test_only_the_records_office_numbers_and_never_twice(
    core: Runtime, commune: Organization
) -> None:
    consultation_id = start(core, commune)
    post_draft(core, consultation_id)
    with write_session(core.db) as session:
        consultation = session.get(Consultation, consultation_id)
        with pytest.raises(Forbidden):
            records.number_kind(
                session,
                consultation,
                "notice",
                actor(session, "tuphap"),
                core.now(),
                issued_on=date(2024, 3, 1),
            )
        with pytest.raises(NotAllowedNow, match="workflow step"):
            records.number_kind(
                session,
                consultation,
                "decision",
                actor(session, "vanthu"),
                core.now(),
                issued_on=date(2024, 3, 1),
            )
    with write_session(core.db) as session:
        consultation = session.get(Consultation, consultation_id)
        clerk = actor(session, "vanthu")
        first = records.number_kind(
            session, consultation, "notice", clerk, core.now(), issued_on=date(2024, 3, 1)
        )
        assert first.symbol == "02/TB-UBND"
        with pytest.raises(NotAllowedNow, match="02/TB-UBND"):
            records.number_kind(
                session, consultation, "notice", clerk, core.now(), issued_on=date(2024, 3, 1)
            )


# --- the register -----------------------------------------------------------------------------


def test_the_scheme_of_each_organization_comes_from_config(
    core: Runtime, commune: Organization, tmp_path: Path
) -> None:
    config = tmp_path / "register.toml"
    config.write_text('[schemes]\nUBND = "per_type"\n', encoding="utf-8")
    assert register.configured_schemes(config) == {"UBND": "per_type"}
    assert register.configured_schemes() == {"UBND": "single"}  # the bundled file
    with write_session(core.db) as session:
        organization = session.get(Organization, commune.id)
        assert register.apply_configured_scheme(session, organization, config) == "per_type"
        assert register.apply_configured_scheme(session, organization, config) is None
    with write_session(core.db) as session:
        organization = session.get(Organization, commune.id)
        assert organization.register_scheme == "per_type"
        kh = register.record(
            session,
            organization,
            doc_type="KH",
            issued_on=date(2024, 5, 2),
            subject="a",
            now=core.now(),
        )
        qd = register.record(
            session,
            organization,
            doc_type="QĐ",
            issued_on=date(2024, 5, 2),
            subject="b",
            now=core.now(),
        )
        assert (kh.symbol, qd.symbol) == ("01/KH-UBND", "01/QĐ-UBND")
    config.write_text('[schemes]\nUBND = "by_month"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="by_month"):
        register.configured_schemes(config)


def test_after_a_change_of_scheme_the_new_counter_skips_numbers_already_given(
    core: Runtime, commune: Organization
) -> None:
    with write_session(core.db) as session:
        organization = session.get(Organization, commune.id)
        for doc_type in ("KH", "KH", "QĐ"):  # 01/KH, 02/KH, 03/QĐ on the shared counter
            register.record(
                session,
                organization,
                doc_type=doc_type,
                issued_on=date(2024, 5, 2),
                subject="x",
                now=core.now(),
            )
        organization.register_scheme = "per_type"
        nxt = register.record(
            session,
            organization,
            doc_type="KH",
            issued_on=date(2024, 5, 3),
            subject="y",
            now=core.now(),
        )
        assert nxt.symbol == "03/KH-UBND"  # 01 and 02 of KH were taken


def test_numbers_restart_on_1_january_in_vietnam_time(
    app, api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2024, 12, 31, 16, 30, tzinfo=UTC))  # 23:30 on 31/12 in Vietnam
    headers = api.headers("vanthu")
    late = api.client.post(
        "/api/v1/register", json={"type": "KH", "subject": "Cuối năm"}, headers=headers
    )
    assert late.status_code == 201, late.get_json()
    assert (late.get_json()["symbol"], late.get_json()["issued_on"]) == ("01/KH-UBND", "2024-12-31")
    clock.set(datetime(2024, 12, 31, 17, 30, tzinfo=UTC))  # 00:30 on 01/01/2025 in Vietnam
    new_year = api.client.post(
        "/api/v1/register", json={"type": "QĐ", "subject": "Đầu năm"}, headers=headers
    )
    assert (new_year.get_json()["symbol"], new_year.get_json()["issued_on"]) == (
        "01/QĐ-UBND",
        "2025-01-01",
    )
    listing = api.client.get("/api/v1/register?year=2025", headers=headers).get_json()
    assert [i["symbol"] for i in listing["items"]] == ["01/QĐ-UBND"]
    assert listing["scheme"] == "single"


def test_a_number_signed_on_paper_is_entered_by_hand_and_a_duplicate_is_refused(
    app, api, runtime: Runtime, commune: Organization
) -> None:  # type: ignore[no-untyped-def]
    headers = api.headers("vanthu")
    body = {"type": "KH", "number": 145, "issued_on": "2024-02-19", "subject": "Công khai 2024"}
    created = api.client.post("/api/v1/register", json=body, headers=headers)
    assert created.status_code == 201 and created.get_json()["recorded_by_hand"] is True
    check = api.client.get(
        "/api/v1/register/check?type=QĐ&number=145&issued_on=2024-05-01", headers=headers
    ).get_json()
    assert check["available"] is False and "145/KH-UBND" in check["message"]
    assert check["taken_by"]["symbol"] == "145/KH-UBND"
    free = api.client.get("/api/v1/register/check?type=KH&number=146", headers=headers)
    assert free.get_json()["available"] is True
    again = api.client.post("/api/v1/register", json={**body, "type": "TB"}, headers=headers)
    assert again.status_code == 422
    assert "145/KH-UBND" in again.get_json()["error"]["fields"]["number"]
    # Only the records office writes the register; anyone else on staff may read it.
    assert (
        api.client.post("/api/v1/register", json=body, headers=api.headers("tuphap")).status_code
        == 403
    )
    assert api.client.get("/api/v1/register", headers=api.headers("tuphap")).status_code == 200
    assert api.client.get("/api/v1/register").status_code == 401
    paths = api.client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/register", "/register/check", "/documents/{id}"} <= set(paths)


def test_mixed_types_from_many_threads_share_one_counter_without_gap_or_duplicate(
    core: Runtime, commune: Organization
) -> None:
    """The done-when's concurrency check through the records office's own path: 20 threads,
    10 documents each, three types on the commune's single counter (on PostgreSQL in CI's
    second pass, where ``CONSULT_TEST_DATABASE_URL`` names one)."""
    errors: list[BaseException] = []
    types = ("KH", "QĐ", "BC")

    def enter_ten(index: int) -> None:
        try:
            for n in range(10):
                with write_session(core.db) as session:
                    records.record_by_hand(
                        session,
                        session.get(Organization, commune.id),
                        actor(session, "vanthu"),
                        core.now(),
                        doc_type=types[(index + n) % 3],
                        issued_on=date(2024, 6, 1),
                        subject=f"Văn bản {index}-{n}",
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=enter_ten, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(core.db) as session:
        assert session.get_bind().dialect.name == ("postgresql" if ON_POSTGRES else "sqlite")
        numbers = sorted(session.exec(select(Document.number)).all())
        symbols = session.exec(select(Document.symbol)).all()
    assert numbers == list(range(1, 201))
    assert len(set(symbols)) == 200


def test_a_hand_entry_needs_a_known_type_and_a_subject(
    core: Runtime, commune: Organization
) -> None:
    with write_session(core.db) as session:
        organization = session.get(Organization, commune.id)
        clerk = actor(session, "vanthu")
        with pytest.raises(Invalid) as caught:
            records.record_by_hand(
                session,
                organization,
                clerk,
                core.now(),
                doc_type="CV",
                issued_on=date(2024, 1, 2),
                subject="x",
            )
        assert "type" in caught.value.fields
        with pytest.raises(Invalid) as caught:
            records.record_by_hand(
                session,
                organization,
                clerk,
                core.now(),
                doc_type="",
                issued_on=date(2024, 1, 2),
                subject="  ",
            )
        assert "subject" in caught.value.fields
        letter = records.record_by_hand(
            session,
            organization,
            clerk,
            core.now(),
            doc_type="",
            issued_on=date(2024, 1, 2),
            subject="Công văn",
        )
        assert letter.symbol == "01/UBND"
