"""The synthesis report (báo cáo tổng hợp, tiếp thu, giải trình) has one renderer, the editable
template: read back from the DOCX citizens and staff download, it states the data's counts,
lists every group and opinion with its answer, names groups by a short number and carries the
signer's name (Law 10/2022/QH15 Art. 28(3); issue 12 item 5)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from consult.db import write_session
from consult.documents import docx_reader, facts, kinds, render
from consult.models import Comment, Consultation, Document, Organization
from consult.runtime import Runtime
from consult.services import answers, intake, synthesis
from consult.vocabulary import CHANNEL, DISPOSITION
from tests.helpers import MORNING_AFTER_WINDOW, Clock, actor, csrf, login, post_draft, start, take

HASHED_GROUP = "G-3f16600629"
CAMPAIGN = "Đề nghị giữ nguyên chợ cũ, không di dời chợ ra khỏi trung tâm xã."
# body, channel, article, represents, group, disposition, reason, response
OPINIONS: list[tuple[str, str, str | None, int, str, str, str, str]] = [
    *[
        (
            CAMPAIGN,
            "online",
            "3",
            1,
            HASHED_GROUP,
            "not_accepted",
            "Việc di dời chợ theo quy hoạch của tỉnh, không thuộc nội dung Quy chế.",
            "",
        )
    ]
    * 6,
    *[("Nhất trí với toàn bộ dự thảo.", "questionnaire", None, 1, "G-NHATTRI", "accepted", "", "")]
    * 3,
    (
        "Đề nghị công khai dự toán tại nhà văn hóa thôn.",
        "paper",
        "3",
        12,
        "",
        "accepted",
        "",
        "Đã bổ sung vào Điều 3.",
    ),
    (
        "Bổ sung người tạm trú vào đối tượng áp dụng.",
        "front",
        "2",
        25,
        "",
        "partly_accepted",
        "",
        "Tiếp thu: bổ sung người tạm trú trên 30 ngày.",
    ),
    (
        "Đề nghị làm đường liên thôn trước mùa mưa.",
        "meeting",
        None,
        40,
        "",
        "out_of_scope",
        "",
        "Kiến nghị đã được chuyển bộ phận địa chính - xây dựng.",
    ),
]


def _run(runtime: Runtime, commune: Organization, clock: Clock) -> int:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    with write_session(runtime.db) as session:
        staff = actor(session, "mttq")
        for body, channel, article, represents, *_answer in OPINIONS:
            intake.submit(
                session,
                consultation_id,
                intake.CommentInput(
                    body=body, channel=channel, article=article, represents=represents
                ),
                runtime.now(),
                entered_by=staff if channel != "online" else None,
            )
    clock.set(MORNING_AFTER_WINDOW)
    take(runtime, consultation_id, "close_posting", "system")
    with write_session(runtime.db) as session:
        reviewer = actor(session, "tuphap")  # the committee answers (Art. 28)
        rows = session.exec(
            select(Comment)
            .where(Comment.consultation_id == consultation_id)
            .order_by(col(Comment.id))
        ).all()
        for row, (*_opinion, group, code, reason, response) in zip(rows, OPINIONS, strict=True):
            answers.review(
                session,
                runtime.engine,
                row.id or 0,
                reviewer,
                runtime.now(),
                disposition=code,
                reason=reason,
                response=response,
                group=group,
            )
    return consultation_id


def _step(client: FlaskClient, username: str, consultation_id: int, step: str) -> None:
    login(client, username)
    token = csrf(client, f"/staff/review/{consultation_id}/report")
    client.post(f"/staff/review/{consultation_id}/report/{step}", data={"csrf_token": token})
    client.post("/logout", data={"csrf_token": csrf(client, "/")})


def _tables(data: bytes) -> list[list[list[str]]]:
    return [
        [[" ".join(p.text for p in cell).strip() for cell in row] for row in block.rows]
        for block in docx_reader.blocks(data)
        if block.kind == "table"
    ]


def _table(data: bytes, header: str) -> list[list[str]]:
    """The data rows of the table whose second column is headed ``header``."""
    for rows in _tables(data):
        if len(rows[0]) > 2 and rows[0][1] == header:
            return rows[1:]
    raise AssertionError(f"no table headed {header!r}")


def test_the_published_report_states_the_counts_every_issue_and_its_signer(
    runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    consultation_id = _run(runtime, commune, clock)
    _step(client, "tuphap", consultation_id, "generate")
    _step(client, "chutich", consultation_id, "approve")
    _step(client, "vanthu", consultation_id, "publish")
    with Session(runtime.db) as session:
        report = synthesis.current(session, consultation_id)
        assert report is not None and report.status == "published"
        figures: dict[str, Any] = report.figures
        document = session.get(Document, report.document_id)
        assert document is not None

    public = client.get(f"/consultations/{consultation_id}/synthesis.docx")
    assert public.status_code == 200
    login(client, "hdnd")
    staff = client.get(f"/staff/review/{consultation_id}/report.docx")
    assert staff.status_code == 200
    lines = docx_reader.lines(public.data)
    # One renderer: the citizens' and the staff's downloads are the same document.
    assert lines == docx_reader.lines(staff.data)
    text = "\n".join(lines)

    # The register's number and the Chairman who approved it; copies to HĐND and UBMTTQ.
    assert f"Số: {document.symbol}" in lines
    assert document.signer_name and document.signer_name in lines
    assert "TM. ỦY BAN NHÂN DÂN" in lines and "CHỦ TỊCH" in lines
    assert "- Thường trực HĐND xã Đông Sơn;" in lines
    assert "- Ủy ban MTTQ Việt Nam xã Đông Sơn;" in lines

    # The counts equal the data: totals, by channel, by article, by disposition.
    people = sum(o[3] for o in OPINIONS)
    assert f"Tổng số ý kiến nhận được: {len(OPINIONS)} ý kiến, đại diện cho {people}" in text
    assert "trong đó:" not in text  # never a dangling "of which:" with nothing after it

    def seen(header: str) -> dict[str, tuple[int, int]]:
        return {r[1]: (int(r[2]), int(r[3])) for r in _table(public.data, header)}

    def tally(label: Any, field: int) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        for opinion in OPINIONS:
            key = label(opinion[field])
            n, p = found.get(key, (0, 0))
            found[key] = (n + 1, p + opinion[3])
        return found

    assert seen("Hình thức") == tally(CHANNEL.vi, 1)
    assert seen("Kết quả xử lý") == tally(DISPOSITION.vi, 5)
    titles = {"2": "Đối tượng áp dụng", "3": "Những nội dung công khai"}
    assert seen("Điều") == tally(lambda n: f"Điều {n}. {titles[n]}" if n else "Toàn văn dự thảo", 2)

    # Every group and every opinion answered on its own is a line with its answer.
    uptake = next(rows[1:] for rows in _tables(public.data) if rows[0][2:3] == ["Nội dung ý kiến"])
    assert len(uptake) == len(figures["issues"]) == 5
    by_text = {
        row[2].split(": ", 1)[-1] if row[2].startswith("Nhóm") else row[2]: row for row in uptake
    }
    for body, _channel, _article, _people, _group, code, reason, response in OPINIONS:
        row = by_text[body]
        assert row[4].startswith(DISPOSITION.vi(code)), (body, row)
        if reason:
            assert f"Giải trình: {reason}" in row[5]
        if response:
            assert response in row[5]
    assert by_text[CAMPAIGN][2].startswith("Nhóm ") and by_text[CAMPAIGN][3] == "6 (6)"
    assert by_text["Nhất trí với toàn bộ dự thảo."][3] == "3 (3)"
    assert sorted(row[2].split(":")[0] for row in uptake if row[2].startswith("Nhóm")) == [
        "Nhóm 1",
        "Nhóm 2",
    ]
    # Groups are named by a short number, never by their stored key.
    assert HASHED_GROUP not in text and "G-NHATTRI" not in text
    page = client.get(f"/consultations/{consultation_id}/synthesis").get_data(as_text=True)
    assert HASHED_GROUP not in page

    # The consultation's documents page draws the very same report.
    with Session(runtime.db) as session:
        item = session.get(Consultation, consultation_id)
        assert item is not None
        generated = render.render_docx(
            facts.gather(session, item), kinds.BY_KEY["synthesis_report"], date(2024, 3, 22)
        )
    assert docx_reader.lines(generated.content) == lines


def test_a_report_without_opinions_says_so_instead_of_an_empty_list(
    runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    clock.set(MORNING_AFTER_WINDOW)
    take(runtime, consultation_id, "close_posting", "system")
    login(client, "mttq")
    data = client.get(f"/staff/review/{consultation_id}/report.docx").data
    text = docx_reader.text(data)
    assert "không nhận được ý kiến góp ý nào" in text
    assert "trong đó" not in text and "Nội dung ý kiến" not in text
    # A draft not yet numbered: the number left blank, the Chairman named to sign.
    assert any(line.startswith("Số: ") and line.endswith("/BC-UBND") for line in text.split("\n"))
    assert "Trần Văn Bình" in text
