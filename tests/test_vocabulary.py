"""One vocabulary: every channel, disposition and document type is named alike on the pages
(in Vietnamese), in the CSV, JSON and XLSX exports and in the synthesis report."""

from __future__ import annotations

import csv
import io
import json

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlmodel import col, select

from consult import vocabulary
from consult.db import write_session
from consult.documents import docx_reader
from consult.models import Comment, Organization
from consult.runtime import Runtime
from consult.services import answers, intake
from consult.vocabulary import CHANNEL, DISPOSITION
from tests.helpers import MORNING_AFTER_WINDOW, actor, login, post_draft, start, take

ANSWERS = {
    "accepted": ("", "Đã bổ sung vào Điều 3."),
    "partly_accepted": ("", "Tiếp thu phần công khai tại nhà văn hóa."),
    "not_accepted": ("Đã có quy định tại Luật.", ""),
    "out_of_scope": ("", ""),
    "duplicate": ("", ""),
}


def test_the_vietnamese_catalog_words_every_code_as_the_documents_do(app: Flask) -> None:
    tables = (
        vocabulary.CHANNEL,
        vocabulary.DISPOSITION,
        vocabulary.DOC_TYPE,
        vocabulary.AUDIT_ACTION,
    )
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        for table in tables:
            for term in [*table, *([table.missing] if table.missing else [])]:
                assert term.label() == term.vi, (term.code, term.label(), term.vi)
    with app.test_request_context("/?lang=en", headers={"Accept-Language": "en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            assert vocabulary.channel_label("paper") == "On paper"
            assert vocabulary.disposition_label(None) == "Not yet reviewed"


def test_codes_validated_elsewhere_come_from_the_vocabulary() -> None:
    from consult.documents.records import TYPE_CODES
    from consult.models.comment import CHANNELS, DISPOSITIONS
    from consult.workflow.schema import DOC_TYPES

    assert CHANNEL.codes == CHANNELS and "online" in CHANNELS
    assert DISPOSITION.codes == DISPOSITIONS and "none" not in DISPOSITIONS
    assert TYPE_CODES == DOC_TYPES == vocabulary.DOC_TYPES
    assert "" in DOC_TYPES and "CV" not in DOC_TYPES  # a letter has no type code (Decree 30)
    assert DISPOSITION.vi(None) == DISPOSITION.vi("none") == "Chưa xử lý"
    assert CHANNEL.vi("carrier pigeon") == "carrier pigeon"  # unknown codes shown as they are


def _consultation_with_every_code(runtime: Runtime, commune: Organization, clock: object) -> int:
    """One opinion per channel; the dispositions cycle through every code, two left open."""
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    codes = [*DISPOSITION.codes, None, None, None]
    with write_session(runtime.db) as session:
        staff = actor(session, "mttq")
        for n, channel in enumerate(CHANNEL.codes):
            intake.submit(
                session,
                consultation_id,
                intake.CommentInput(
                    body=f"Ý kiến số {n + 1} gửi {channel}.", channel=channel, article="3"
                ),
                runtime.now(),
                entered_by=staff if channel != "online" else None,
            )
    clock.set(MORNING_AFTER_WINDOW)  # type: ignore[attr-defined]
    take(runtime, consultation_id, "close_posting", "system")
    with write_session(runtime.db) as session:
        rows = session.exec(
            select(Comment)
            .where(Comment.consultation_id == consultation_id)
            .order_by(col(Comment.id))
        ).all()
        reviewer = actor(session, "tuphap")  # the committee answers (Art. 28)
        for row, code in zip(rows, codes, strict=True):
            if code is None:
                continue
            reason, response = ANSWERS[code]
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


def _expected() -> dict[str, tuple[str, str]]:
    """Each opinion's text → its channel's and its disposition's official wording."""
    codes = [*DISPOSITION.codes, None, None, None]
    return {
        f"Ý kiến số {n + 1} gửi {channel}.": (CHANNEL.vi(channel), DISPOSITION.vi(code))
        for n, (channel, code) in enumerate(zip(CHANNEL.codes, codes, strict=True))
    }


def test_pages_exports_and_the_synthesis_report_name_each_code_alike(
    runtime: Runtime, commune: Organization, clock: object, client: FlaskClient
) -> None:
    consultation_id = _consultation_with_every_code(runtime, commune, clock)
    expected = _expected()
    login(client, "mttq")

    # The review table, in Vietnamese: each row's channel and disposition.
    page = client.get(f"/staff/review/{consultation_id}").get_data(as_text=True)
    for channel in CHANNEL.codes:
        assert f"<td>{CHANNEL.vi(channel)}</td>" in page, channel
    for code in [*DISPOSITION.codes, "none"]:
        assert f'<span class="tag tag-{code}">{DISPOSITION.vi(code)}</span>' in page, code

    # CSV, JSON and XLSX: the same words in the "Hình thức" and "Kết quả xử lý" columns.
    raw = client.get(f"/staff/review/{consultation_id}/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    head = rows[0]
    at = {name: head.index(name) for name in ("Nội dung ý kiến", "Hình thức", "Kết quả xử lý")}
    seen_csv = {
        r[at["Nội dung ý kiến"]]: (r[at["Hình thức"]], r[at["Kết quả xử lý"]]) for r in rows[1:]
    }
    assert seen_csv == expected

    data = json.loads(client.get(f"/staff/review/{consultation_id}/export.json").data)
    assert {o["body"]: (o["channel"], o["disposition"]) for o in data["opinions"]} == expected

    sheet = load_workbook(
        io.BytesIO(client.get(f"/staff/review/{consultation_id}/export.xlsx").data)
    ).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    xlsx_at = {name: values[0].index(name) for name in at}
    seen_xlsx = {
        r[xlsx_at["Nội dung ý kiến"]]: (r[xlsx_at["Hình thức"]], r[xlsx_at["Kết quả xử lý"]])
        for r in values[1:]
    }
    assert seen_xlsx == expected

    # The synthesis report: the count tables and the uptake table use the same words.
    docx = client.get(f"/staff/review/{consultation_id}/report.docx")
    assert docx.status_code == 200
    tables = [b for b in docx_reader.blocks(docx.data) if b.kind == "table"]

    def cells(table: docx_reader.Block) -> list[list[str]]:
        return [[" ".join(p.text for p in cell).strip() for cell in row] for row in table.rows]

    by_caption = {cells(t)[0][1]: cells(t)[1:] for t in tables if len(cells(t)[0]) == 4}
    assert {r[1] for r in by_caption["Hình thức"]} == {CHANNEL.vi(c) for c in CHANNEL.codes}
    assert {r[1] for r in by_caption["Kết quả xử lý"]} == {
        DISPOSITION.vi(c) for c in [*DISPOSITION.codes, "none"]
    }
    uptake = next(cells(t) for t in tables if cells(t)[0][2:3] == ["Nội dung ý kiến"])
    assert {r[4] for r in uptake[1:]} == {DISPOSITION.vi(c) for c in [*DISPOSITION.codes, "none"]}
