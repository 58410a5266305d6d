"""What API callers are told when something is refused: one error shape, a status that says
why, the fields to fix, in the caller's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from consult import create_app
from consult.models import Organization
from consult.runtime import Runtime
from consult.scheduler import tick
from tests.helpers import Api, Clock, error_of, post_draft, start, take

ARTICLE = {"number": "1", "title": "Phạm vi", "text": "Quy chế này quy định việc..."}


def test_staff_endpoints_answer_401_without_a_valid_token(
    client: FlaskClient, open_id: int
) -> None:
    created = client.post("/api/v1/consultations", json={"workflow": "qcdc-ubnd-xa"})
    error = error_of(created, 401)
    assert error["code"] == "unauthenticated"
    assert created.headers["WWW-Authenticate"].startswith("Bearer")
    error_of(client.patch("/api/v1/comments/1", json={"disposition": "accepted"}), 401)
    error_of(client.get(f"/api/v1/consultations/{open_id}/comments"), 401)
    error_of(client.post(f"/api/v1/consultations/{open_id}/actions/start_posting", json={}), 401)
    forged = client.get("/api/v1/consultations", headers={"Authorization": "Bearer forged"})
    assert "POST /api/v1/auth/token" in error_of(forged, 401)["message"]
    wrong = client.post("/api/v1/auth/token", json={"username": "tuphap", "password": "nope"})
    assert error_of(wrong, 401)["code"] == "unauthenticated"


def test_a_logged_in_web_session_does_not_act_in_the_api(
    client: FlaskClient, commune: Organization
) -> None:
    """The API is exempt from CSRF, so a browser's session cookie must not count in it."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token is not None
    logged_in = client.post(
        "/login",
        data={"username": "tuphap", "password": "dongson2024", "csrf_token": token.group(1)},
    )
    assert logged_in.status_code == 302
    created = client.post(
        "/api/v1/consultations",
        json={"workflow": "qcdc-ubnd-xa", "title": "Quy chế", "articles": [ARTICLE]},
    )
    error_of(created, 401)


def test_roles_are_checked_where_the_rule_lives(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = start(runtime, commune)
    council = api.headers("hdnd")
    refused = api.client.post(
        "/api/v1/consultations",
        json={"workflow": "qcdc-ubnd-xa", "title": "Quy chế", "articles": [ARTICLE]},
        headers=council,
    )
    assert error_of(refused, 403)["code"] == "forbidden"
    post_draft(runtime, cid)
    receipt = api.client.post(f"/api/v1/consultations/{cid}/comments", json={"body": "Góp ý."})
    assert receipt.status_code == 201
    listing = api.client.get(f"/api/v1/consultations/{cid}/comments", headers=council)
    assert listing.status_code == 200  # the council follows the opinions…
    review_path = f"/api/v1/comments/{listing.get_json()['items'][0]['id']}"
    review = api.client.patch(review_path, json={"disposition": "accepted"}, headers=council)
    assert error_of(review, 403)["code"] == "forbidden"  # …but the committee answers them
    front = api.client.patch(
        review_path, json={"disposition": "accepted"}, headers=api.headers("mttq")
    )
    assert error_of(front, 403)["code"] == "forbidden"  # the Front proposes (Art. 28)
    answered = api.client.patch(
        review_path, json={"disposition": "accepted"}, headers=api.headers("tuphap")
    )
    assert answered.status_code == 200

    clock.advance(days=21)
    tick(runtime)
    take(runtime, cid, "submit_synthesis", "mttq")
    signed_by_drafter = api.client.post(
        f"/api/v1/consultations/{cid}/actions/issue_decision",
        json={},
        headers=api.headers("tuphap"),
    )
    error = error_of(signed_by_drafter, 403)
    assert "signer" in error["message"]
    take(runtime, cid, "generate_synthesis", "tuphap")
    take(runtime, cid, "approve_synthesis", "chutich")
    signed = api.client.post(
        f"/api/v1/consultations/{cid}/actions/issue_decision",
        json={},
        headers=api.headers("chutich"),
    )
    assert signed.status_code == 200


def test_unknown_things_are_404_and_wrong_methods_405(api: Api, open_id: int) -> None:
    drafter = api.headers("tuphap")
    unknown_action = api.client.post(
        f"/api/v1/consultations/{open_id}/actions/fly_to_the_moon", json={}, headers=drafter
    )
    assert error_of(unknown_action, 404)["code"] == "not_found"
    unknown_consultation = api.client.post(
        "/api/v1/consultations/9999/actions/start_posting", json={}, headers=drafter
    )
    error_of(unknown_consultation, 404)
    error_of(api.client.get("/api/v1/consultations/9999"), 404)
    error_of(api.client.get("/api/v1/receipts/ABCD-EFGH"), 404)
    error_of(
        api.client.patch("/api/v1/comments/9999", json={"disposition": "x"}, headers=drafter), 404
    )
    nowhere = api.client.get("/api/v1/nowhere")
    assert "openapi.json" in error_of(nowhere, 404)["message"]
    wrong_method = api.client.put(f"/api/v1/consultations/{open_id}")  # PATCH and DELETE exist
    assert error_of(wrong_method, 405)["code"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"]
    # Outside the API the web UI's own pages answer.
    assert not api.client.get("/nowhere").is_json


def test_a_draft_is_invisible_to_citizens(
    api: Api, runtime: Runtime, commune: Organization
) -> None:
    cid = start(runtime, commune)
    error_of(api.client.get(f"/api/v1/consultations/{cid}"), 404)
    error_of(api.client.get(f"/api/v1/consultations/{cid}/documents"), 404)
    error_of(api.client.post(f"/api/v1/consultations/{cid}/comments", json={"body": "x"}), 404)
    assert api.client.get("/api/v1/consultations").get_json()["items"] == []
    seen = api.client.get(f"/api/v1/consultations/{cid}", headers=api.headers("mttq"))
    assert seen.status_code == 200 and seen.get_json()["state"] == "draft"


def test_a_bad_payload_is_422_naming_the_field_and_the_law(
    api: Api, runtime: Runtime, commune: Organization
) -> None:
    cid = start(runtime, commune)
    drafter = api.headers("tuphap")
    path = f"/api/v1/consultations/{cid}/actions/start_posting"

    bad_date = error_of(
        api.client.post(path, json={"posted_on": "30/01/2024"}, headers=drafter), 422
    )
    assert bad_date["code"] == "invalid"
    assert "2024-03-04" in bad_date["fields"]["posted_on"]  # an example of the right form
    too_short = error_of(api.client.post(path, json={"comment_days": 10}, headers=drafter), 422)
    assert "Điều 28(2)" in too_short["message"]
    assert "comment_days" in too_short["fields"]
    unknown = error_of(api.client.post(path, json={"colour": "red"}, headers=drafter), 422)
    assert list(unknown["fields"]) == ["colour"]
    not_an_object = error_of(api.client.post(path, json=["posted_on"], headers=drafter), 422)
    assert not_an_object["code"] == "invalid"
    in_english = api.client.post(
        path, json={"comment_days": 10}, headers={**drafter, "Accept-Language": "en"}
    )
    assert "must be at least" in error_of(in_english, 422)["message"]
    # Nothing was half-done: the draft is still a draft, and once the Chairman has signed the
    # plan the right payload goes through.
    take(runtime, cid, "sign_plan", "chutich")
    assert api.client.post(path, json={}, headers=drafter).get_json()["state"] == "consulting"


def test_a_new_consultation_is_checked_field_by_field(api: Api, commune: Organization) -> None:
    drafter = api.headers("tuphap")

    def create(body: dict[str, Any], lang: str = "vi") -> Any:
        return api.client.post(
            "/api/v1/consultations", json=body, headers={**drafter, "Accept-Language": lang}
        )

    unknown_workflow = error_of(
        create({"workflow": "qcdc-mars", "title": "Quy chế", "articles": [ARTICLE]}), 422
    )
    assert "qcdc-ubnd-xa" in unknown_workflow["fields"]["workflow"]
    twice = error_of(
        create({"workflow": "qcdc-ubnd-xa", "title": "Quy chế", "articles": [ARTICLE, ARTICLE]}),
        422,
    )
    assert list(twice["fields"]) == ["articles[1].number"]
    empty = error_of(create({"workflow": "qcdc-ubnd-xa", "title": " ", "articles": []}), 422)
    assert set(empty["fields"]) == {"title", "articles"}
    missing = error_of(create({"title": "x" * 301, "articles": [{"number": 1}]}, lang="en"), 422)
    assert missing["fields"] == {
        "workflow": "Required: fill it in.",
        "title": "At most 300 characters (you wrote 301); shorten it.",
        "articles[0].text": "Required: fill it in.",
    }
    extra = error_of(create({"workflow": "qcdc-ubnd-xa", "owner": "me"}, lang="en"), 422)
    assert extra["fields"]["owner"] == "Unknown field: remove it."


def test_a_broken_body_is_400(api: Api, open_id: int) -> None:
    broken = api.client.post(
        f"/api/v1/consultations/{open_id}/comments",
        data="{not json",
        content_type="application/json",
    )
    assert error_of(broken, 400)["code"] == "bad_request"
    form = api.client.post(f"/api/v1/consultations/{open_id}/comments", data={"body": "x"})
    assert error_of(form, 400)["code"] == "bad_request"


def test_comments_are_checked_and_late_ones_refused(
    api: Api, runtime: Runtime, open_id: int, clock: Clock
) -> None:
    path = f"/api/v1/consultations/{open_id}/comments"
    unknown = error_of(api.client.post(path, json={"body": "Góp ý.", "email": "a@b.vn"}), 422)
    assert list(unknown["fields"]) == ["email"]
    no_article = error_of(api.client.post(path, json={"body": "Góp ý.", "article": 42}), 422)
    assert list(no_article["fields"]) == ["article"]
    empty = error_of(api.client.post(path, json={"body": "   "}), 422)
    assert list(empty["fields"]) == ["body"]

    clock.advance(days=20, hours=16)  # Thu 21/03/2024 24:00 in Vietnam: the window is over
    late = error_of(api.client.post(path, json={"body": "Góp ý muộn."}), 409)
    assert late["code"] == "not_allowed_now"
    assert "24:00 ngày 21/03/2024" in late["message"]
    in_english = api.client.post(path, json={"body": "Late."}, headers={"Accept-Language": "en"})
    assert "closed at 24:00 on 21/03/2024" in error_of(in_english, 409)["message"]
    assert api.client.get(f"/api/v1/consultations/{open_id}").get_json()["comment_count"] == 0


def test_comment_list_pages_and_refuses_bad_filters(api: Api, open_id: int) -> None:
    base = f"/api/v1/consultations/{open_id}/comments"
    for n in range(3):
        body = {"body": f"Góp ý số {n} về công khai", "article": "2" if n else None}
        assert api.client.post(base, json=body).status_code == 201
    reviewer = api.headers("mttq")
    page = api.client.get(f"{base}?per_page=2&page=2", headers=reviewer).get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 2, 2, 1)
    found = api.client.get(f"{base}?q=cong+khai&article=2", headers=reviewer).get_json()
    assert found["total"] == 2
    too_many = error_of(api.client.get(f"{base}?per_page=500", headers=reviewer), 422)
    assert list(too_many["fields"]) == ["per_page"]
    unknown = error_of(api.client.get(f"{base}?sort=name", headers=reviewer), 422)
    assert list(unknown["fields"]) == ["sort"]


@pytest.fixture
def limited_app(
    database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path
) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "limited",
            "ratelimit": "2/minute",
            "clock": clock,
            "TESTING": True,
        }
    )
    yield app
    app.extensions["consult"].db.dispose()


def test_a_flood_of_opinions_from_one_address_is_rate_limited(
    limited_app: Flask, commune: Organization
) -> None:
    runtime = limited_app.extensions["consult"]
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    client = limited_app.test_client()
    path = f"/api/v1/consultations/{cid}/comments"
    for n in range(2):
        assert client.post(path, json={"body": f"Góp ý {n}"}).status_code == 201
    flood = client.post(path, json={"body": "Góp ý 3"})
    error = error_of(flood, 429)
    assert error["code"] == "rate_limited"
    assert int(flood.headers["Retry-After"]) > 0
    # Reading is never limited.
    assert client.get(f"/api/v1/consultations/{cid}").status_code == 200


CONTRACT_PATHS = {
    ("get", "/workflows"),
    ("post", "/consultations"),
    ("get", "/consultations"),
    ("get", "/consultations/{id}"),
    ("post", "/consultations/{id}/actions/{action}"),
    ("post", "/consultations/{id}/comments"),
    ("get", "/receipts/{receipt}"),
    ("get", "/consultations/{id}/comments"),
    ("patch", "/comments/{id}"),
    ("get", "/consultations/{id}/documents"),
    ("post", "/auth/token"),
    ("get", "/openapi.json"),
}


def test_the_openapi_document_describes_every_path_of_the_contract(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "/api/v1"}]
    described = {(m, p) for p, ops in document["paths"].items() for m in ops if m != "parameters"}
    assert described >= CONTRACT_PATHS  # the contract's paths; additions are documented too
    create = document["paths"]["/consultations"]["post"]
    assert create["security"] == [{"bearer": []}]
    assert set(create["responses"]) >= {"201", "401", "403", "422"}
    schema = document["components"]["schemas"]["ConsultationIn"]
    assert set(schema["required"]) == {"workflow", "title", "articles"}
    comment = document["components"]["schemas"]["CommentIn"]
    assert set(comment["properties"]) == {
        *("body", "author_name", "locality", "contact", "article", "clause")
    }
    assert "security" not in document["paths"]["/consultations/{id}/comments"]["post"]


def test_workflows_lists_the_bundled_definitions_with_stages_and_actions(
    client: FlaskClient,
) -> None:
    items = {w["id"]: w for w in client.get("/api/v1/workflows").get_json()["items"]}
    assert {"qcdc-co-quan", "qcdc-ubnd-xa"} <= set(items)
    commune = items["qcdc-ubnd-xa"]
    stages = {s["name"]: s for s in commune["stages"]}
    assert list(stages)[:3] == ["draft", "consulting", "synthesis"]
    actions = {a["name"]: a for s in commune["stages"] for a in s["actions"]}
    assert {"start_posting", "close_posting", "submit_synthesis", "issue_decision", "publish"} <= (
        set(actions)
    )
    assert actions["issue_decision"]["roles"] == ["signer"]
    assert actions["close_posting"]["roles"] == ["system"]
    assert "comment_days" in {f["name"] for f in actions["start_posting"]["payload"]}
    window = next(w for w in commune["windows"] if w["accepts_comments"])
    assert (window["duration"], window["basis"]) == ("20d", "Luật 10/2022/QH15, Điều 28(2)")


def test_healthz_reports_the_database_and_whether_the_scheduler_keeps_up(
    client: FlaskClient, runtime: Runtime, open_id: int, clock: Clock
) -> None:
    healthy = client.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.get_json()["database"] == "ok"
    assert healthy.get_json()["scheduler"]["status"] == "ok"
    assert healthy.get_json()["scheduler"]["overdue_windows"] == 0

    clock.advance(days=21)  # the window ended hours ago and no scheduler ran
    behind = client.get("/healthz").get_json()["scheduler"]
    assert behind["status"] == "behind" and behind["overdue_windows"] == 1
    assert behind["oldest_overdue_since"] == "2024-03-21T17:00:00+00:00"

    tick(runtime)
    caught_up = client.get("/healthz").get_json()["scheduler"]
    assert caught_up["status"] == "ok" and caught_up["overdue_windows"] == 0
    assert caught_up["last_transition_at"] == clock().isoformat()
