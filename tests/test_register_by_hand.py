"""A document the records office enters in the register by hand (signed on paper outside
consult) and its signed scan: the form's refusals, the number check as the clerk types, the
scan's refusals, and what the public may download."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.models import Document, Organization
from consult.runtime import Runtime
from tests.conftest import Clock
from tests.helpers import csrf, flashes, login

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
REGISTER = "/staff/register?year=2024"


def entry(client: FlaskClient, **fields: str) -> object:
    form = {
        "csrf_token": csrf(client, REGISTER),
        "type": "TB",
        "number": "",
        "issued_on": "2024-03-01",
        "subject": "Thông báo lịch tiếp công dân",
        "signer_name": "",
        "signer_title": "",
    }
    return client.post(REGISTER, data={**form, **fields})


@pytest.fixture
def notice(client: FlaskClient, commune: Organization, runtime: Runtime) -> Document:
    """A notice entered by hand by the records office, logged in as vanthu."""
    login(client, "vanthu")
    entered = entry(client)
    assert entered.status_code == 302  # type: ignore[attr-defined]
    with Session(runtime.db) as session:
        return session.exec(select(Document).where(Document.type == "TB")).one()


def test_an_entry_without_its_subject_is_refused_and_not_numbered(
    client: FlaskClient, commune: Organization, runtime: Runtime
) -> None:
    login(client, "vanthu")
    refused = entry(client, subject="")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    for fields, message in (
        ({"number": "12a"}, "Phải là số nguyên, từ 1 trở lên."),
        ({"number": "0"}, "Phải là số nguyên, từ 1 trở lên."),
        ({"issued_on": "01/03/2024"}, "Ngày không hợp lệ: hãy viết NNNN-TT-NN, ví dụ 2024-03-04."),
    ):
        wrong = entry(client, **fields)
        assert wrong.status_code == 422, fields  # type: ignore[attr-defined]
        assert message in unescape(wrong.get_data(as_text=True)), fields  # type: ignore[attr-defined]
    with Session(runtime.db) as session:
        assert session.exec(select(Document)).first() is None


def test_the_number_check_answers_as_the_clerk_types(client: FlaskClient, notice: Document) -> None:
    assert notice.number == 1
    check = "/staff/register/check?type=TB"
    assert client.get(f"{check}&issued_on=2024-05-02").get_json() == {
        "available": None,
        "message": "",
    }  # no number typed yet
    taken = client.get(f"{check}&number=1&issued_on=02/05/2024").get_json()
    assert taken["available"] is False and taken["year"] == 2024  # a day not yet understood
    assert taken["symbol"] == "01/TB-UBND" and "01/TB-UBND" in taken["message"]


def test_a_scan_must_be_chosen_and_not_empty(
    client: FlaskClient, notice: Document, runtime: Runtime
) -> None:
    upload = f"/staff/documents/{notice.id}/signed"
    token = csrf(client, REGISTER)
    nothing = client.post(upload, data={"csrf_token": token}, follow_redirects=True)
    assert "Hãy chọn tệp PDF để tải lên." in flashes(nothing.get_data(as_text=True))
    empty = client.post(
        upload,
        data={"csrf_token": token, "file": (io.BytesIO(b""), "tb.pdf")},
        follow_redirects=True,
    )
    assert "Tệp rỗng." in flashes(empty.get_data(as_text=True))
    assert client.get(f"/staff/documents/{notice.id}/signed.pdf").status_code == 404


def test_a_published_hand_entry_is_downloaded_as_its_scan_only(
    client: FlaskClient, notice: Document, runtime: Runtime
) -> None:
    upload = f"/staff/documents/{notice.id}/signed"
    token = csrf(client, REGISTER)
    for _ in range(2):  # the same scan twice is stored once, under its SHA-256
        sent = client.post(
            upload,
            data={"csrf_token": token, "file": (io.BytesIO(PDF), "tb.pdf"), "publish": "y"},
        )
        assert sent.status_code == 302
    stored = list((Path(runtime.settings.instance_dir) / "uploads" / "documents").iterdir())
    assert [p.read_bytes() for p in stored] == [PDF]
    client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})
    public = client.get(f"/documents/{notice.id}/signed.pdf")
    assert public.status_code == 200 and public.data == PDF  # of no consultation: public
    assert client.get(f"/documents/{notice.id}/download").data == PDF
    stored[0].unlink()  # the scan lost from the disk: not found, never a server error
    assert client.get(f"/documents/{notice.id}/signed.pdf").status_code == 404


def test_the_report_page_takes_its_period_in_either_order(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "vanthu")
    page = client.get("/staff/documents/report?from=2024-06-30&to=2024-01-01")
    assert page.status_code == 200
    text = unescape(page.get_data(as_text=True))
    assert "01/01/2024" in text and "30/06/2024" in text


def test_the_report_in_the_second_half_year_covers_july_to_december(
    client: FlaskClient, commune: Organization, clock: Clock
) -> None:
    clock.set(datetime(2024, 8, 15, 1, 0, tzinfo=UTC))
    login(client, "vanthu")
    text = unescape(client.get("/staff/documents/report").get_data(as_text=True))
    assert "01/07/2024" in text and "31/12/2024" in text
    assert client.get("/staff/register/disclosures?year=2024&quarter=5").status_code == 404
