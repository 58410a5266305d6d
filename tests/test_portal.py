"""The citizens' portal: preview, resends stored once, length limits, the receipt's QR code,
the e-mail when the response is published, closed consultations and the archive.

Driven through Flask's test client with CSRF on, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import segno
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.models import Comment, ReceiptSubscription
from consult.runtime import Runtime
from consult.scheduler import tick
from consult.services import intake
from consult.services.intake import CommentInput
from consult.services.notifications import receipt_notices
from tests.helpers import (
    PORTAL_FORM,
    WINDOW_ENDS,
    Clock,
    comments_of,
    csrf,
    login,
    portal_step,
    receipt_of,
    take,
    text,
)
from tests.smtp import SmtpServer, sending_to

# --- preview ---------------------------------------------------------------------------------


def test_preview_shows_what_will_be_sent_and_stores_nothing_until_sent(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    body = "Đề nghị niêm yết <b>dự toán</b> tại nhà văn hóa.\nDòng thứ hai."
    preview = portal_step(
        client, open_id, "preview", body=body, article="3", locality="Thôn Đồng Bông"
    )
    assert preview.status_code == 200  # type: ignore[attr-defined]
    html = preview.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "&lt;b&gt;dự toán&lt;/b&gt; tại nhà văn hóa.<br>" in html and "<b>dự toán" not in html
    shown = text(preview)
    assert "Điều 3" in shown and "Thôn Đồng Bông" in shown and "Ẩn danh" in shown
    assert comments_of(runtime, open_id) == []

    # The preview's form carries everything back: sending it stores the opinion as previewed.
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert hidden["article"] == "3" and hidden["locality"] == "Thôn Đồng Bông"
    sent = client.post(
        PORTAL_FORM.format(id=open_id),
        data={**hidden, "body": body, "csrf_token": token.group(1), "step": "send"},
    )
    code = receipt_of(sent)
    [stored] = comments_of(runtime, open_id)
    assert stored.receipt == code and stored.body == body and stored.locality == "Thôn Đồng Bông"


def test_going_back_from_the_preview_keeps_the_text_in_the_form(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    body = "Nên ghi rõ ngày bắt đầu và kết thúc niêm yết."
    edit = portal_step(client, open_id, "edit", body=body, author_name="Lê Thị Hà")
    assert edit.status_code == 200  # type: ignore[attr-defined]
    html = edit.get_data(as_text=True)  # type: ignore[attr-defined]
    assert re.search(rf'<textarea [^>]*id="body"[^>]*>\s*{re.escape(body)}</textarea>', html)
    assert 'value="Lê Thị Hà"' in html
    assert comments_of(runtime, open_id) == []


def test_a_late_preview_gets_the_closed_page_with_the_text(
    client: FlaskClient, runtime: Runtime, clock: Clock, open_id: int
) -> None:
    path = PORTAL_FORM.format(id=open_id)
    token = csrf(client, path)
    clock.set(WINDOW_ENDS)
    body = "Góp ý gửi muộn một phút."
    for step in ("preview", "send"):
        response = client.post(path, data={"csrf_token": token, "body": body, "step": step})
        assert response.status_code == 409
        assert body in text(response) and "24:00 ngày 21/03/2024" in text(response)
    assert comments_of(runtime, open_id) == []


# --- resends ---------------------------------------------------------------------------------


def test_the_same_text_from_the_same_client_within_minutes_is_stored_once(
    client: FlaskClient, runtime: Runtime, clock: Clock, open_id: int
) -> None:
    body = "Đề nghị công khai danh sách hộ nghèo tại thôn."
    first = receipt_of(portal_step(client, open_id, "send", body=body, article="3"))
    clock.advance(minutes=3)
    again = receipt_of(portal_step(client, open_id, "send", body=body + "\r\n", article="3"))
    assert again == first
    assert len(comments_of(runtime, open_id)) == 1

    # Another article, another text, or another client: a new opinion.
    other_article = receipt_of(portal_step(client, open_id, "send", body=body, article="1"))
    other_text = receipt_of(
        portal_step(client, open_id, "send", body=body + " Xin cảm ơn.", article="3")
    )
    client.environ_base["HTTP_USER_AGENT"] = "Zalo in-app browser"
    other_client = receipt_of(portal_step(client, open_id, "send", body=body, article="3"))
    assert len({first, other_article, other_text, other_client}) == 4

    # After the window (10 minutes), the same text counts as a new opinion.
    del client.environ_base["HTTP_USER_AGENT"]
    clock.advance(minutes=11)
    later = receipt_of(portal_step(client, open_id, "send", body=body, article="3"))
    assert later != first
    assert len(comments_of(runtime, open_id)) == 5


def test_the_api_gives_a_resent_opinion_its_first_receipt(
    client: FlaskClient, open_id: int
) -> None:
    path = f"/api/v1/consultations/{open_id}/comments"
    payload = {"body": "Ý kiến gửi qua ứng dụng.", "article": "2"}
    first = client.post(path, json=payload)
    second = client.post(path, json=payload)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["receipt"] == second.get_json()["receipt"]


def test_the_same_opinion_sent_at_once_from_several_connections_is_stored_once(
    runtime: Runtime, open_id: int
) -> None:
    opinion = CommentInput(body="Gửi lại vì mạng chậm.", article="3", client="same-phone")

    def send(_n: int) -> intake.Stored:
        return intake.receive(runtime.db, open_id, opinion, runtime.now())

    with ThreadPoolExecutor(max_workers=8) as pool:
        stored = list(pool.map(send, range(8)))
    assert len({s.receipt for s in stored}) == 1
    assert len(comments_of(runtime, open_id)) == 1


def test_a_receipt_code_already_given_is_drawn_again(
    runtime: Runtime, open_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = iter(["K7QM-4XPA", "K7QM-4XPA", "H3NV-8TRE"])
    monkeypatch.setattr(intake, "new_receipt", lambda: next(codes))
    first = intake.receive(runtime.db, open_id, CommentInput(body="Một"), runtime.now())
    second = intake.receive(runtime.db, open_id, CommentInput(body="Hai"), runtime.now())
    assert (first.receipt, second.receipt) == ("K7QM-4XPA", "H3NV-8TRE")
    assert sorted(c.body for c in comments_of(runtime, open_id)) == ["Hai", "Một"]


def test_only_a_keyed_hash_of_the_client_is_kept_and_only_for_minutes(
    client: FlaskClient, runtime: Runtime, clock: Clock, open_id: int
) -> None:
    client.environ_base["REMOTE_ADDR"] = "203.0.113.57"
    receipt = receipt_of(portal_step(client, open_id, "send", body="Một ý kiến."))
    with Session(runtime.db) as session:
        [stored] = session.exec(select(Comment)).all()
    assert stored.receipt == receipt
    assert stored.resend_key is not None and re.fullmatch(r"[0-9a-f]{64}", stored.resend_key)
    assert "203.0.113" not in repr(stored)
    clock.advance(minutes=11)
    tick(runtime)
    with Session(runtime.db) as session:
        [stored] = session.exec(select(Comment)).all()
    assert stored.resend_key is None
    # Past the window the key is gone: the same text again is a new opinion.
    assert receipt_of(portal_step(client, open_id, "send", body="Một ý kiến.")) != receipt


# --- bad input ---------------------------------------------------------------------------------


def test_too_long_an_opinion_is_refused_with_a_clear_message_and_the_text_kept(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    body = "Ý kiến rất dài. " * 313  # 5008 characters, over the limit of 5000
    for step in ("preview", "send"):
        response = portal_step(client, open_id, step, body=body, author_name="A" * 121)
        assert response.status_code == 422  # type: ignore[attr-defined]
        html = response.get_data(as_text=True)  # type: ignore[attr-defined]
        body_error = re.search(r'id="body-error">([^<]+)<', html)
        assert body_error and "5000" in body_error.group(1) and "5008" in body_error.group(1)
        name_error = re.search(r'id="author_name-error">([^<]+)<', html)
        assert name_error and "120" in name_error.group(1)
        assert body.strip() in html  # the textarea still holds it
    assert comments_of(runtime, open_id) == []


def test_the_form_needs_no_script_and_loads_nothing_from_elsewhere(
    client: FlaskClient, open_id: int
) -> None:
    for path in ("/", f"/consultations/{open_id}", PORTAL_FORM.format(id=open_id), "/archive"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), path
        assert "onclick" not in html and "<script>" not in html
    form = client.get(PORTAL_FORM.format(id=open_id)).get_data(as_text=True)
    assert re.search(r'<form method="post" action="/consultations/\d+/comment"', form)
    assert 'type="submit" name="step" value="send"' in form
    assert 'type="submit" name="step" value="preview"' in form


# --- receipt and e-mail --------------------------------------------------------------------------


def test_the_receipt_page_shows_a_qr_code_of_its_own_address(
    client: FlaskClient, open_id: int
) -> None:
    code = receipt_of(portal_step(client, open_id, "send", body="Ý kiến có mã QR."))
    html = client.get(f"/receipts/{code}").get_data(as_text=True)
    address = f"http://localhost/receipts/{code}"
    assert f'href="{address}"' in html
    expected = segno.make(address, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    drawn = re.search(r'<path [^>]*d="([^"]+)"', expected)
    assert drawn and drawn.group(1) in html  # the very modules of that address
    assert '<svg role="img"' in html and "<title>" in html


def test_asking_for_an_email_needs_an_address(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    response = portal_step(
        client, open_id, "send", body="Ý kiến.", contact="0912 345 678", notify="y"
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="contact-error"' in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert comments_of(runtime, open_id) == []


def test_citizen_is_emailed_once_when_the_response_is_published(
    client: FlaskClient, runtime: Runtime, clock: Clock, open_id: int, smtp: SmtpServer
) -> None:
    code = receipt_of(
        portal_step(
            client, open_id, "send", body="Xin báo cho tôi.", contact="mai@example.vn", notify="y"
        )
    )
    assert "mai@example.vn" not in text(client.get(f"/receipts/{code}"))
    mailing = sending_to(runtime, smtp, "https://gopy.dongson.example.vn")
    # Answered but not yet public (the review is still open): nothing is sent.
    login(client, "tuphap")  # the committee answers (Art. 28)
    [row] = comments_of(runtime, open_id)
    token = csrf(client, f"/staff/comments/{row.id}/review")
    client.post(
        f"/staff/comments/{row.id}/review",
        data={"csrf_token": token, "disposition": "accepted", "response": "Xin tiếp thu."},
    )
    tick(mailing)
    assert smtp.inbox.take() == []

    clock.set(WINDOW_ENDS)
    runtime.engine.reconcile(runtime.db, clock())
    take(runtime, open_id, "submit_synthesis", "mttq", {"summary": "Đã tiếp thu."})
    tick(mailing)
    tick(mailing)
    [(to, message)] = smtp.inbox.take()
    assert to == "mai@example.vn"
    assert code in str(message["Subject"])
    assert f"https://gopy.dongson.example.vn/receipts/{code}" in message.get_content()
    with Session(runtime.db) as session:
        [subscription] = session.exec(select(ReceiptSubscription)).all()
    assert subscription.status == "sent" and subscription.email == ""


def test_email_waits_while_no_mail_server_is_configured(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    code = receipt_of(
        portal_step(
            client, open_id, "send", body="Báo tôi nhé.", contact="ha@example.vn", notify="y"
        )
    )
    assert runtime.settings.smtp_host == ""
    assert receipt_notices.deliver(runtime.db, runtime.engine, runtime.settings, runtime.now()) == 0
    with Session(runtime.db) as session:
        [subscription] = session.exec(select(ReceiptSubscription)).all()
    assert subscription.status == "waiting" and subscription.email == "ha@example.vn"
    assert client.get(f"/receipts/{code}").status_code == 200


# --- closed consultations and the archive ------------------------------------------------------


def test_the_archive_lists_the_two_2024_consultations_with_their_decisions(
    client: FlaskClient, seeded: dict[str, int]
) -> None:
    page = text(client.get("/archive"))
    assert "2024" in page
    assert "156/QĐ-UBND" in page and "26/02/2024" in page
    assert "268/QĐ-UBND" in page and "25/03/2024" in page
    assert "(sửa đổi, bổ sung)" not in page  # the open one is on the home page
    assert "/archive" in client.get("/").get_data(as_text=True)


def test_a_closed_consultation_shows_its_result_and_the_decision(
    client: FlaskClient, seeded: dict[str, int]
) -> None:
    closed = seeded["closed"]
    page = text(client.get(f"/consultations/{closed}"))
    assert "HĐND, UBMTTQ xã tổng hợp ý kiến Nhân dân" in page  # the synthesis
    assert "268/QĐ-UBND" in page and "25/03/2024" in page
    assert "24:00 ngày 21/03/2024" in page  # the window's closing moment
    assert "Góp ý điều này" not in page  # no comment buttons once closed
    html = client.get(f"/consultations/{closed}").get_data(as_text=True)
    link = re.search(
        r'<section [^>]*class="panel decision"[^>]*>.*?href="([^"]+)" download', html, re.S
    )
    assert link, "no download link for the decision"
    download = client.get(link.group(1))
    assert download.status_code == 200 and download.data[:2] == b"PK"  # a DOCX (zip)
    client.get("/lang/en?next=/")
    english = text(client.get(f"/consultations/{closed}"))
    assert "268/QĐ-UBND" in english and "25/03/2024" in english
    assert "24:00 on 21/03/2024" in english
