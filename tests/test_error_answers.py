"""One error handler for the whole app: API callers get the JSON error shape, visitors of the
pages the HTML error page, and whatever failed leaves nothing half-written."""

from __future__ import annotations

import logging

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult import scope
from consult.models import Locality, Organization
from consult.runtime import Runtime
from tests.helpers import Api, error_of


def test_a_body_that_is_not_json_is_400_saying_how_to_send_it(api: Api, open_id: int) -> None:
    path = f"/api/v1/consultations/{open_id}/comments"
    english = {"Accept-Language": "en"}
    as_text = api.client.post(path, data="Góp ý.", content_type="text/plain", headers=english)
    assert "Content-Type: application/json" in error_of(as_text, 400)["message"]
    not_utf8 = api.client.post(
        path, data=b'{"body": "\xff"}', content_type="application/json", headers=english
    )
    assert error_of(not_utf8, 400)["code"] == "bad_request"
    assert "not valid JSON" in error_of(not_utf8, 400)["message"]
    # An empty body is an empty object: the missing field is named.
    empty = api.client.post(path, data="", content_type="application/json", headers=english)
    assert error_of(empty, 422)["fields"] == {"body": "Required: fill it in."}


def test_the_language_switch_may_come_with_any_query(api: Api, open_id: int) -> None:
    assert api.client.get("/api/v1/consultations?lang=en").status_code == 200
    base = f"/api/v1/consultations/{open_id}/comments"
    reviewer = api.headers("mttq")
    listed = api.client.get(f"{base}?lang=vi&per_page=10", headers=reviewer)
    assert listed.status_code == 200 and listed.get_json()["per_page"] == 10
    too_many = error_of(api.client.get(f"{base}?lang=en&per_page=500", headers=reviewer), 422)
    assert too_many["fields"] == {"per_page": "From 1 to 200."}


def test_a_too_large_request_is_413_in_the_api_and_a_page_elsewhere(
    app: Flask, api: Api, open_id: int
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    big = {"body": "x" * 2000}
    refused = api.client.post(f"/api/v1/consultations/{open_id}/comments", json=big)
    assert error_of(refused, 413)["code"] == "too_large"
    page = api.client.post(f"/consultations/{open_id}/comment?lang=en", data=big)
    assert page.status_code == 413 and not page.is_json
    assert "Too large" in page.get_data(as_text=True)


def test_the_api_answers_every_http_error_in_its_shape(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/api/v1/gone", "api_gone", lambda: abort(410))
    gone = error_of(client.get("/api/v1/gone"), 410)
    assert gone == {"code": "gone", "message": "Yêu cầu bị từ chối (410 Gone).", "fields": {}}


def test_a_wrong_method_on_a_page_answers_the_page_with_the_allowed_methods(
    client: FlaskClient,
) -> None:
    response = client.delete("/?lang=en")
    assert response.status_code == 405 and not response.is_json
    assert "Not allowed this way" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]


@pytest.fixture
def failing_app(app: Flask, commune: Organization) -> Flask:
    """The app with two views that write a village, then fail unexpectedly."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: answer, do not re-raise

    def write_then_fail() -> str:
        scope.db().add(Locality(organization_id=commune.id, name="Thôn Lỗi"))
        scope.db().flush()
        raise RuntimeError("the disk is on fire")

    app.add_url_rule("/api/v1/fail", "api_fail", write_then_fail)
    app.add_url_rule("/fail", "page_fail", write_then_fail)
    return app


def test_an_unexpected_error_is_500_logged_once_and_leaves_nothing_written(
    failing_app: Flask, runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR):
        answer = client.get("/api/v1/fail", headers={"Accept-Language": "en"})
    error = error_of(answer, 500)
    assert error["code"] == "internal_error" and "recorded" in error["message"]
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1 and "the disk is on fire" in str(logged[0].exc_info[1])

    caplog.clear()
    with caplog.at_level(logging.ERROR):
        page = client.get("/fail?lang=en")
    assert page.status_code == 500 and not page.is_json
    assert "Something went wrong" in page.get_data(as_text=True)
    assert len([r for r in caplog.records if r.exc_info]) == 1

    with Session(runtime.db) as session:
        assert session.exec(select(Locality).where(Locality.name == "Thôn Lỗi")).all() == []
