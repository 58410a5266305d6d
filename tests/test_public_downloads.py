"""What a citizen downloads once the synthesis report is published: the report itself
(``synthesis.docx``) and the opinions with their answers (``responses.json|xlsx|csv``), without
anyone's name, contact or village; and nothing of it before the report is published."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlmodel import col, select

from consult.db import write_session
from consult.documents import docx_reader
from consult.models import Comment, Organization
from consult.runtime import Runtime
from consult.services import answers, exports, intake
from consult.vocabulary import DISPOSITION
from tests.conftest import Clock
from tests.helpers import MORNING_AFTER_WINDOW, actor, post_draft, start, take

DOWNLOADS = ("synthesis.docx", "responses.json", "responses.xlsx", "responses.csv")

# (body, article, author, village, contact, disposition, reason, response)
OPINIONS = [
    (
        "Đề nghị bổ sung quy định công khai danh sách hộ nghèo.",
        "3",
        "Nguyễn Văn Bình",
        "Thôn Đồng Bông",
        "0912 345 678",
        "accepted",
        "",
        "Đã bổ sung vào Điều 3.",
    ),
    (
        '=HYPERLINK("http://example.com","Xem thêm") thời hạn niêm yết quá ngắn.',
        "2",
        "Trần Thị Lan",
        "Thôn Trại Nhất",
        "lan.tran@example.vn",
        "not_accepted",
        "Thời hạn 30 ngày là thời hạn luật định.",
        "Giữ nguyên thời hạn niêm yết.",
    ),
    ("Ý kiến ẩn danh: nên họp thôn vào buổi tối.", None, "", "", "", "out_of_scope", "", ""),
]
NAMES_AND_CONTACTS = [value for o in OPINIONS for value in (o[2], o[4]) if value]
VILLAGES = [o[3] for o in OPINIONS if o[3]]
PERSONAL = NAMES_AND_CONTACTS + VILLAGES
"""What the exports for publication leave out (Law 10/2022 Art. 9(2))."""


@pytest.fixture
def answered(runtime: Runtime, commune: Organization, clock: Clock) -> int:
    """A consultation whose window has closed and whose three opinions are answered."""
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    with write_session(runtime.db) as session:
        for body, article, name, village, contact, *_answer in OPINIONS:
            opinion = intake.CommentInput(
                body=body, article=article, author_name=name, locality=village, contact=contact
            )
            intake.submit(session, consultation_id, opinion, runtime.now())
    clock.set(MORNING_AFTER_WINDOW)
    take(runtime, consultation_id, "close_posting", "system")
    with write_session(runtime.db) as session:
        reviewer = actor(session, "tuphap")
        rows = session.exec(
            select(Comment)
            .where(Comment.consultation_id == consultation_id)
            .order_by(col(Comment.id))
        ).all()
        for row, (*_opinion, code, reason, response) in zip(rows, OPINIONS, strict=True):
            assert row.id is not None
            answers.review(
                session,
                runtime.engine,
                row.id,
                reviewer,
                runtime.now(),
                disposition=code,
                reason=reason,
                response=response,
            )
    return consultation_id


def statuses(client: FlaskClient, consultation_id: int) -> list[int]:
    return [
        client.get(f"/consultations/{consultation_id}/{name}").status_code for name in DOWNLOADS
    ]


def test_nothing_is_downloadable_before_the_report_is_published(
    runtime: Runtime, commune: Organization, client: FlaskClient, answered: int
) -> None:
    draft = start(runtime, commune, title="Dự thảo chưa niêm yết")
    assert statuses(client, draft) == [404] * 4
    assert statuses(client, answered) == [404] * 4  # answered, no report yet
    take(runtime, answered, "generate_synthesis", "tuphap")
    assert statuses(client, answered) == [404] * 4  # a draft report
    take(runtime, answered, "approve_synthesis", "chutich")
    assert statuses(client, answered) == [404] * 4  # approved, not yet posted
    take(runtime, answered, "publish_synthesis", "vanthu")
    assert statuses(client, answered) == [200] * 4
    assert client.get(f"/consultations/{answered}/responses.pdf").status_code == 404
    assert client.get("/consultations/999/responses.json").status_code == 404


@pytest.fixture
def published(runtime: Runtime, answered: int) -> int:
    take(runtime, answered, "generate_synthesis", "tuphap")
    take(runtime, answered, "approve_synthesis", "chutich")
    take(runtime, answered, "publish_synthesis", "vanthu")
    return answered


def everything_in(data: bytes) -> str:
    """Every text part of an Office file (sheets, shared strings, properties), joined."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "\n".join(
            package.read(name).decode("utf-8")
            for name in package.namelist()
            if name.endswith((".xml", ".rels"))
        )


def test_the_published_answers_download_as_json_with_no_personal_data(
    client: FlaskClient, published: int
) -> None:
    response = client.get(f"/consultations/{published}/responses.json")
    assert response.mimetype == "application/json"
    assert f"cong-khai-{published}-20240322.json" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["consultation"] == published
    opinions = data["opinions"]
    assert [o["body"] for o in opinions] == [o[0] for o in OPINIONS]
    assert [o["article"] for o in opinions] == ["3", "2", ""]
    assert [o["disposition"] for o in opinions] == [DISPOSITION.vi(o[5]) for o in OPINIONS]
    assert [o["response"] for o in opinions] == [o[7] for o in OPINIONS]
    assert opinions[1]["reason"] == "Thời hạn 30 ngày là thời hạn luật định."
    assert set(opinions[0]) == {key for key, *_ in exports.columns(public=True)}
    assert not {"author_name", "contact", "locality"} & set(opinions[0])
    text = response.data.decode("utf-8")
    assert [p for p in PERSONAL if p in text] == []


def test_the_published_answers_download_as_a_workbook_with_no_personal_data(
    client: FlaskClient, published: int
) -> None:
    response = client.get(f"/consultations/{published}/responses.xlsx")
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    assert headers == [header for _key, header, *_ in exports.columns(public=True)]
    assert not {"Họ và tên", "Liên hệ", "Thôn, tổ dân phố"} & set(headers)
    assert len(rows) == 1 + len(OPINIONS)
    body = headers.index("Nội dung ý kiến")
    assert [r[body] for r in rows[1:]] == [o[0] for o in OPINIONS]
    # A citizen's "=HYPERLINK(…)" is a text cell in the public file, never a live link.
    cell = sheet.cell(row=3, column=body + 1)
    assert cell.data_type == "s" and str(cell.value).startswith("=HYPERLINK")
    assert [p for p in PERSONAL if p in everything_in(response.data)] == []


def test_the_published_answers_download_as_csv_with_no_personal_data(
    client: FlaskClient, published: int
) -> None:
    raw = client.get(f"/consultations/{published}/responses.csv").data
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel reads Vietnamese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    body = rows[0].index("Nội dung ý kiến")
    assert rows[2][body].startswith("'=HYPERLINK")  # escaped: a spreadsheet shows it as text
    assert len(rows) == 1 + len(OPINIONS)
    assert [p for p in PERSONAL if p in raw.decode("utf-8-sig")] == []


def test_the_published_report_states_the_counts_and_answers_without_personal_data(
    client: FlaskClient, published: int
) -> None:
    response = client.get(f"/consultations/{published}/synthesis.docx")
    assert response.status_code == 200
    assert f"bao-cao-tong-hop-{published}.docx" in response.headers["Content-Disposition"]
    lines = docx_reader.lines(response.data)
    text = "\n".join(lines)
    assert "Tổng số ý kiến nhận được: 3 ý kiến" in text
    # Each opinion is a row with its answer, and no row says whose or where from.
    (uptake,) = [rows for rows in tables(response.data) if rows[0][2:3] == ["Nội dung ý kiến"]]
    by_body = {row[2]: row for row in uptake[1:]}
    assert set(by_body) == {o[0] for o in OPINIONS}
    for body, _article, _name, _village, _contact, code, reason, answer in OPINIONS:
        assert by_body[body][4] == DISPOSITION.vi(code)
        assert answer in by_body[body][5] and reason in by_body[body][5]
        assert not [v for v in PERSONAL if v in " ".join(by_body[body])]
    # Villages appear only as counts, in the table by village.
    (by_village,) = [rows for rows in tables(response.data) if rows[0][1:2] == ["Thôn, tổ dân phố"]]
    assert sorted(row[1:3] for row in by_village[1:]) == sorted(
        [[v, "1"] for v in VILLAGES] + [["Không ghi", "1"]]
    )
    assert [p for p in NAMES_AND_CONTACTS if p in everything_in(response.data)] == []


def tables(data: bytes) -> list[list[list[str]]]:
    return [
        [[" ".join(p.text for p in cell).strip() for cell in row] for row in block.rows]
        for block in docx_reader.blocks(data)
        if block.kind == "table"
    ]
