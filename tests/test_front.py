"""The front (``consult.front``): a citizen's opinion and a kept public page are answered
before Flask's request handling, exactly as Flask answers them; whatever the front cannot
finish goes on to Flask, which refuses it as always."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from consult.front import Front
from consult.models import Comment, Organization
from consult.runtime import Runtime
from consult.web import page_cache
from tests.helpers import WINDOW_ENDS, Clock, post_draft, start


class Passed:
    """Counts the requests the front passed on to Flask."""

    def __init__(self, app: Flask) -> None:
        front = app.wsgi_app
        assert isinstance(front, Front)
        self.flask_app = front.flask_app
        self.count = 0
        front.flask_app = self

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        self.count += 1
        return self.flask_app(environ, start_response)


@pytest.fixture
def passed(app: Flask) -> Passed:
    return Passed(app)


def answer_of(response: TestResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, sorted(response.headers.items()), response.get_data()


def test_a_kept_page_is_answered_by_the_front_as_flask_answers_it(
    app: Flask, client: FlaskClient, open_id: int, passed: Passed
) -> None:
    page = f"/consultations/{open_id}"
    rendered = client.get(page)
    assert rendered.status_code == 200 and passed.count == 1  # Flask renders it and keeps it
    kept = client.get(page)
    assert passed.count == 1, "the kept page was answered by the front"
    assert answer_of(kept) == answer_of(rendered)
    etag = rendered.headers["ETag"]
    held = client.get(page, headers={"If-None-Match": etag})
    assert held.status_code == 304 and passed.count == 1
    page_cache.pages_of(app).entries.clear()  # as in a worker that has not rendered it yet
    held_by_flask = client.get(page, headers={"If-None-Match": etag})
    assert passed.count == 2
    assert answer_of(held) == answer_of(held_by_flask)
    # In English (the language cookie) it is another page, rendered once, then kept.
    client.set_cookie("lang", "en")
    english = client.get(page)
    assert passed.count == 3 and "Comment" in english.get_data(as_text=True)
    assert answer_of(client.get(page)) == answer_of(english) and passed.count == 3


def test_pages_the_front_does_not_keep_go_to_flask(
    client: FlaskClient, open_id: int, passed: Passed, clock: Clock
) -> None:
    page = f"/consultations/{open_id}"
    client.get(page)
    for asked in (f"{page}?lang=en", f"{page}?page=1&x=1", "/consultations/999999"):
        client.get(asked)
    assert passed.count == 4
    assert client.get("/consultations/99999999999999").status_code == 404
    client.set_cookie("session", "anything")  # a cookie: maybe a staff member, never kept
    client.get(page)
    assert passed.count == 6
    client.delete_cookie("session")
    clock.set(WINDOW_ENDS)  # the window closed by the clock: another version of the page
    assert "Góp ý toàn bộ dự thảo" not in client.get(page).get_data(as_text=True)
    assert passed.count == 7


def test_an_opinion_is_stored_by_the_front_and_answered_as_flask_answers_it(
    client: FlaskClient, runtime: Runtime, commune: Organization, passed: Passed
) -> None:
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    path = f"/api/v1/consultations/{cid}/comments"
    fast = client.post(path, json={"body": "Đồng ý.", "author_name": "Lê Văn Ba"})
    assert fast.status_code == 201 and passed.count == 0
    by_flask = client.post(f"{path}?lang=vi", json={"body": "Đồng ý với Điều 1.", "article": "1"})
    assert by_flask.status_code == 201 and passed.count == 1

    def shape(response: TestResponse) -> tuple[list[tuple[str, str]], list[str]]:
        headers = sorted(
            (name, value)
            for name, value in response.headers.items()
            if name not in ("Location", "Content-Length")
        )
        return headers, sorted(response.get_json())

    assert shape(fast) == shape(by_flask)
    for sent in (fast, by_flask):
        receipt = sent.get_json()["receipt"]
        assert sent.headers["Location"] == f"/api/v1/receipts/{receipt}"
    with Session(runtime.db) as session:
        stored = session.exec(select(Comment).where(Comment.consultation_id == cid)).all()
    assert {(c.body, c.author_name, c.receipt) for c in stored} == {
        ("Đồng ý.", "Lê Văn Ba", fast.get_json()["receipt"]),
        ("Đồng ý với Điều 1.", "", by_flask.get_json()["receipt"]),
    }
    # Sent again (a phone retrying on a bad line): the same receipt, nothing stored twice.
    again = client.post(path, json={"body": "Đồng ý.", "author_name": "Lê Văn Ba"})
    assert again.get_json()["receipt"] == fast.get_json()["receipt"] and passed.count == 1


def test_what_the_front_cannot_store_flask_refuses_as_always(
    client: FlaskClient, runtime: Runtime, commune: Organization, passed: Passed, clock: Clock
) -> None:
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    path = f"/api/v1/consultations/{cid}/comments"
    empty = client.post(path, json={"body": "  "}, headers={"Accept-Language": "vi"})
    assert empty.status_code == 422 and "body" in empty.get_json()["error"]["fields"]
    broken = client.post(path, data=b'{"body": ', content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "bad_request"
    unknown = client.post(path, json={"body": "Đồng ý.", "article": "99"})
    assert unknown.status_code == 422 and "article" in unknown.get_json()["error"]["fields"]
    assert (
        client.post("/api/v1/consultations/999999/comments", json={"body": "x"}).status_code == 404
    )
    assert passed.count == 4
    clock.set(WINDOW_ENDS)
    late = client.post(path, json={"body": "Đồng ý."})
    assert late.status_code == 409 and passed.count == 5
    with Session(runtime.db) as session:
        assert session.exec(select(Comment).where(Comment.consultation_id == cid)).all() == []
