"""Every generated document read back as Word opens it (python-docx), as an inspector reads it
against Decree 30/2020 and Law 10/2022 (issue 12 item 5): page numbers from page 2 centred in
the top margin, no district above a commune's committee on a document dated from 01/07/2025
(and the district kept on earlier ones), grounds naming each law with its number and date, the
decision carrying the revised draft and saying which version, and the synthesis report stating
the data's counts, every group and every opinion with its answer, and its signer."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.section import _Header
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from consult.calendar import local_date
from consult.db import write_session
from consult.documents import docx_reader, facts, grounds, kinds, records, render
from consult.documents import report as periodic
from consult.models import Comment, Consultation, Document, Organization
from consult.runtime import Runtime
from consult.services import answers, intake, revisions
from consult.vocabulary import CHANNEL, DISPOSITION
from consult.workflow.engine import ArticleInput
from tests.helpers import ARTICLES, Clock, actor, post_draft, start, take, vn_utc

CAMPAIGN = "Đề nghị giữ nguyên chợ cũ, không di dời chợ ra khỏi trung tâm xã."
AGREE = "Nhất trí với toàn bộ dự thảo."
REVISED_ARTICLE_3 = "Dự toán, quyết toán ngân sách xã; công khai tại nhà văn hóa các thôn."
# body, channel, article, represents, group, disposition, articles changed, reason, response
OPINIONS: list[tuple[str, str, str | None, int, str, str, list[str], str, str]] = [
    *[
        (
            CAMPAIGN,
            "online",
            "3",
            1,
            "G-3f16600629",
            "not_accepted",
            [],
            "Việc di dời chợ theo quy hoạch của tỉnh, không thuộc nội dung Quy chế.",
            "Ý kiến được giải trình tại hội nghị thôn.",
        )
    ]
    * 5,
    *[(AGREE, "questionnaire", None, 1, "G-NHATTRI", "accepted", [], "", "Ghi nhận sự đồng thuận.")]
    * 3,
    (
        "Đề nghị công khai dự toán tại nhà văn hóa thôn.",
        "paper",
        "3",
        12,
        "",
        "accepted",
        ["3"],
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
        [],
        "Người tạm trú dưới 30 ngày không thuộc đối tượng.",
        "Tiếp thu một phần: người tạm trú trên 30 ngày.",
    ),
    (
        "Đề nghị làm đường liên thôn trước mùa mưa.",
        "meeting",
        None,
        40,
        "",
        "out_of_scope",
        [],
        "",
        "Kiến nghị đã được chuyển bộ phận địa chính - xây dựng.",
    ),
]
UNGROUPED = [o for o in OPINIONS if not o[4]]
GROUPS = {o[4]: o for o in OPINIONS if o[4]}
LAW_LINE = re.compile(
    r"^Căn cứ (Luật|Nghị định)(?: .*)? số \d+/\d{4}/[A-ZĐ0-9-]+ "
    r"ngày \d{2} tháng \d{1,2} năm \d{4}\b"
)


def _run(runtime: Runtime, commune: Organization, clock: Clock, posted: datetime) -> int:
    """Posted on ``posted``; the opinions above on five channels, two groups of copies; the
    window closes; answered, article 3 revised, every document numbered; decided, published,
    implemented."""
    clock.set(posted)
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    today = local_date(clock())
    with write_session(runtime.db) as session:
        consultation = session.get(Consultation, consultation_id)
        clerk, staff = actor(session, "vanthu"), actor(session, "mttq")
        for key in ("posting_start", "notice"):
            records.number_kind(session, consultation, key, clerk, clock(), issued_on=today)
        for body, channel, article, represents, *_answer in OPINIONS:
            intake.submit(
                session,
                consultation_id,
                intake.CommentInput(
                    body=body, channel=channel, article=article, represents=represents
                ),
                clock(),
                entered_by=staff if channel != "online" else None,
            )
        window = intake.comment_window(session, consultation_id)
        assert window is not None
        closes_at = window.closes_at
    clock.set(closes_at + timedelta(hours=2))
    runtime.engine.reconcile(runtime.db, clock())  # close_posting, by the scheduler
    with write_session(runtime.db) as session:
        committee = actor(session, "tuphap")  # the committee answers (Art. 28)
        rows = session.exec(
            select(Comment)
            .where(Comment.consultation_id == consultation_id)
            .order_by(col(Comment.id))
        ).all()
        for row, (*_o, group, code, changed, reason, response) in zip(rows, OPINIONS, strict=True):
            answers.dispose(
                session,
                runtime.engine,
                consultation_id,
                [row.id or 0],
                committee,
                clock(),
                disposition=code,
                reason=reason,
                response=response,
                group=group,
                articles=changed,
            )
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        revised = [
            ArticleInput(a.number, a.title, REVISED_ARTICLE_3 if a.number == "3" else a.text)
            for a in ARTICLES
        ]
        revisions.revise(session, consultation, revised, committee, clock(), note="Điều 3")
        records.number_kind(
            session, consultation, "posting_end", actor(session, "vanthu"), clock(),
            issued_on=local_date(clock()),
        )  # fmt: skip
    take(runtime, consultation_id, "generate_synthesis", "tuphap")
    take(runtime, consultation_id, "approve_synthesis", "chutich")
    with write_session(runtime.db) as session:
        consultation = session.get(Consultation, consultation_id)
        records.number_kind(
            session, consultation, "submission", actor(session, "vanthu"), clock(),
            issued_on=local_date(clock()),
        )  # fmt: skip
    take(runtime, consultation_id, "submit_synthesis", "mttq", {"summary": "Đã tổng hợp."})
    clock.advance(days=3)
    take(runtime, consultation_id, "issue_decision", "chutich")
    take(runtime, consultation_id, "publish", "vanthu", {"signed_digitally": True})
    clock.advance(days=7)
    take(runtime, consultation_id, "issue_implementation_plan", "chutich")
    return consultation_id


def _generate(runtime: Runtime, consultation_id: int, today: date) -> dict[str, bytes]:
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        gathered = facts.gather(session, consultation)
        found = {k.key: render.render_docx(gathered, k, today) for k in kinds.KINDS}
        assert all(g.document is not None for g in found.values()), "every document numbered"
        organization = session.get(Organization, consultation.organization_id)
        assert organization is not None
        period = periodic.Period(date(today.year, 1, 1), date(today.year, 6, 30))
        text = periodic.markdown(periodic.context(session, organization, period, runtime.catalog))
        documents = {key: g.content for key, g in found.items()}
        documents["periodic_report"] = periodic.docx(session, organization, period, text)
    return documents


def _page_fields(header: _Header) -> list[str]:
    if header.is_linked_to_previous:
        return []
    element = header._element
    return [t.text or "" for t in element.iter(qn("w:instrText")) if "PAGE" in (t.text or "")] + [
        f.get(qn("w:instr"), "")
        for f in element.iter(qn("w:fldSimple"))
        if "PAGE" in f.get(qn("w:instr"), "")
    ]


def _assert_pages_numbered_from_page_2(key: str, data: bytes) -> None:
    document = open_docx(io.BytesIO(data))
    first = document.sections[0]
    assert first.different_first_page_header_footer, f"{key}: page 1 shares the header"
    assert _page_fields(first.first_page_header) == [], f"{key}: a number on page 1"
    for section in document.sections:
        assert _page_fields(section.header), f"{key}: no page number from page 2"
        numbered = [p for p in section.header.paragraphs if p._p.iter(qn("w:instrText"))]
        assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in numbered), key
    # In the top margin: the header, never the footer.
    assert not any(_page_fields(s.footer) for s in document.sections), key  # type: ignore[arg-type]


def _tables(data: bytes) -> list[list[list[str]]]:
    return [
        [[" ".join(p.text for p in cell).strip() for cell in row] for row in block.rows]
        for block in docx_reader.blocks(data)
        if block.kind == "table"
    ]


def _table(data: bytes, header: str, column: int = 1) -> list[list[str]]:
    for rows in _tables(data):
        if len(rows[0]) > column and rows[0][column] == header:
            return rows[1:]
    raise AssertionError(f"no table headed {header!r}")


def _tally(label: Callable[[Any], str], field: int) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for opinion in OPINIONS:
        key = label(opinion[field])
        n, p = found.get(key, (0, 0))
        found[key] = (n + 1, p + opinion[3])
    return found


def _assert_grounds(documents: dict[str, bytes], local_government: str) -> None:
    for key in ("plan", "decision"):
        lines = docx_reader.lines(documents[key])
        cited = [line for line in lines if re.match(r"^Căn cứ (Luật|Nghị định)", line)]
        assert cited, f"{key}: no grounds"
        for line in cited:  # each law named in full with its number and date
            assert LAW_LINE.match(line), f"{key}: {line!r}"
        assert (
            "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10 tháng 11 năm 2022;"
            in lines
        ), key
    decision = docx_reader.lines(documents["decision"])
    assert f"Căn cứ {local_government};" in decision
    assert "Căn cứ Luật Tổ chức chính quyền địa phương;" not in decision


def _assert_report_complete(data: bytes, document: Document) -> None:
    lines = docx_reader.lines(data)
    text = "\n".join(lines)
    people = sum(o[3] for o in OPINIONS)
    assert f"Tổng số ý kiến nhận được: {len(OPINIONS)} ý kiến, đại diện cho {people}" in text
    offline = sum(1 for o in OPINIONS if o[1] != "online")
    assert f"trong đó {offline} ý kiến nhận trực tiếp" in text
    assert not re.search(r"trong đó:\s*$", text, re.MULTILINE), "a dangling 'trong đó:'"

    def seen(header: str) -> dict[str, tuple[int, int]]:
        return {r[1]: (int(r[2]), int(r[3])) for r in _table(data, header)}

    assert seen("Hình thức") == _tally(CHANNEL.vi, 1)
    assert seen("Kết quả xử lý") == _tally(DISPOSITION.vi, 5)

    # Section III: one line per group and per opinion answered on its own, with its answer,
    # after the heading and not the posting sentence.
    section = text[text.index("III. TIẾP THU, GIẢI TRÌNH") :]
    assert section.index("Kết quả xử lý ý kiến") < section.index("Trên đây là báo cáo")
    uptake = _table(data, "Nội dung ý kiến", column=2)
    assert len(uptake) == len(GROUPS) + len(UNGROUPED)
    named = sorted(row[2].split(":", 1)[0] for row in uptake if row[2].startswith("Nhóm "))
    assert named == [f"Nhóm {n}" for n in range(1, len(GROUPS) + 1)]
    for body, _c, _a, _p, group, code, changed, reason, response in [
        *GROUPS.values(),
        *UNGROUPED,
    ]:
        rows = [r for r in uptake if r[2].endswith(body)]
        assert len(rows) == 1, body
        row = rows[0]
        assert row[2].startswith("Nhóm ") == bool(group), row
        copies = [o for o in OPINIONS if o[0] == body]
        assert row[3] == f"{len(copies)} ({sum(o[3] for o in copies)})", row
        assert row[4].startswith(DISPOSITION.vi(code)), row
        for number in changed:
            assert f"Đã sửa Điều {number}" in row[4], row
        if reason:
            assert f"Giải trình: {reason}" in row[5], row
        assert response in row[5], row
    assert "G-3f16600629" not in text and "G-NHATTRI" not in text
    # Its signer: the Chairman who approved it, by name, under the signing block.
    assert document.signer_name
    assert lines[lines.index("CHỦ TỊCH") :].count(document.signer_name) >= 1
    assert lines.index(document.signer_name) > lines.index("TM. ỦY BAN NHÂN DÂN")


@pytest.mark.parametrize(
    ("posted", "district", "local_government"),
    [
        (
            vn_utc(2026, 3, 2, 8),
            False,
            "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025",
        ),
        (
            vn_utc(2024, 3, 1, 8),
            True,
            "Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015; Luật "
            "sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền "
            "địa phương số 47/2019/QH14 ngày 22 tháng 11 năm 2019",
        ),
    ],
    ids=["2026-no-district", "2024-district"],
)
def test_every_generated_document_reads_back_without_defects(
    runtime: Runtime,
    commune: Organization,
    clock: Clock,
    posted: datetime,
    district: bool,
    local_government: str,
) -> None:
    consultation_id = _run(runtime, commune, clock, posted)
    documents = _generate(runtime, consultation_id, local_date(clock()))
    assert set(documents) == {k.key for k in kinds.KINDS} | {"periodic_report"}

    for key, data in documents.items():
        _assert_pages_numbered_from_page_2(key, data)
        lines = docx_reader.lines(data)
        if district:
            assert "UBND HUYỆN YÊN THẾ" in lines, key
        else:  # districts ended on 01/07/2025: the committee alone, no copy to the district
            assert not [line for line in lines if "HUYỆN" in line.upper()], key
        assert lines.index("ỦY BAN NHÂN DÂN") < lines.index("XÃ ĐÔNG SƠN"), key
    if district:
        assert "- Ủy ban nhân dân huyện Yên Thế (để báo cáo);" in docx_reader.lines(
            documents["decision"]
        )

    _assert_grounds(documents, local_government)

    # The decision carries the revised text and says which version.
    decision = docx_reader.text(documents["decision"])
    assert REVISED_ARTICLE_3 in decision
    assert ARTICLES[2].text not in decision
    assert "dự thảo lần 2, hoàn thiện ngày" in decision

    with Session(runtime.db) as session:
        report = session.exec(
            select(Document).where(
                Document.consultation_id == consultation_id, Document.type == "BC"
            )
        ).one()
    _assert_report_complete(documents["synthesis_report"], report)


def test_the_law_cited_and_the_superior_follow_the_document_date(commune: Organization) -> None:
    def local_government(day: date) -> list[str]:
        return [
            g
            for g in grounds.cited(commune.code, "decision", day)
            if g.startswith("Luật Tổ chức chính quyền địa phương")
        ]

    assert [g.split(" ngày")[0] for g in local_government(date(2025, 2, 28))] == [
        "Luật Tổ chức chính quyền địa phương số 77/2015/QH13"
    ]
    assert local_government(date(2025, 3, 1)) == [
        "Luật Tổ chức chính quyền địa phương số 65/2025/QH15 ngày 19 tháng 02 năm 2025"
    ]
    assert local_government(date(2025, 7, 1)) == [
        "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025"
    ]
    assert commune.superior_on(date(2025, 6, 30)) == "Ủy ban nhân dân huyện Yên Thế"
    assert commune.superior_on(date(2025, 7, 1)) == ""
    assert render.addressees(commune, "decision", date(2026, 1, 5)) == [
        "Như Điều 3",
        "Thường trực Đảng ủy, HĐND xã Đông Sơn",
        "Ủy ban MTTQ Việt Nam xã Đông Sơn",
        "Phần mềm QCDC tỉnh, Cổng thông tin điện tử xã Đông Sơn",
    ]


def test_a_grounds_file_naming_an_undefined_law_is_refused_with_its_name() -> None:
    with pytest.raises(grounds.GroundsError, match=r"organizations\.UBND\.decision.*luat_x"):
        grounds.parse({"laws": {}, "organizations": {"UBND": {"decision": ["luat_x"]}}})


def test_the_page_footer_names_the_district_only_while_it_existed(
    client: FlaskClient, commune: Organization, clock: Clock
) -> None:
    assert "huyện Yên Thế" in client.get("/").get_data(as_text=True)  # 01/03/2024
    clock.set(vn_utc(2026, 3, 2, 8))
    page = client.get("/").get_data(as_text=True)
    assert "Ủy ban nhân dân xã Đông Sơn" in page and "huyện Yên Thế" not in page
