"""Administration: accounts, villages and posting places, holidays, in pages and the API."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.models import ApiToken, AuditEvent, Organization, PostingPlace
from consult.runtime import Runtime
from tests.files import HOLIDAY_FILES
from tests.helpers import NOTICE_2025, PASSWORD, TOKEN, Api, csrf, login, start


def test_only_an_administrator_opens_the_administration(
    client: FlaskClient, commune: Organization
) -> None:
    assert client.get("/staff/admin/").status_code == 302  # to the login
    login(client, "tuphap")
    refused = client.get("/staff/admin/users")
    assert refused.status_code == 403
    assert "quản trị" in refused.get_data(as_text=True).lower()
    client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})
    login(client, "admin")
    page = client.get("/staff/admin/users")
    assert page.status_code == 200
    assert "tuphap" in page.get_data(as_text=True)


def test_the_administrator_creates_an_account_that_can_log_in(
    client: FlaskClient, commune: Organization, runtime: Runtime
) -> None:
    login(client, "admin")
    sent = client.post(
        "/staff/admin/users",
        data={
            "csrf_token": csrf(client, "/staff/admin/users"),
            "username": "kiemsat",
            "full_name": "Lê Văn Kiểm",
            "password": "matkhau-moi-1",
            "roles": ["reviewer", "council"],
        },
    )
    assert sent.status_code == 302
    listed = client.get("/staff/admin/users").get_data(as_text=True)
    assert "Lê Văn Kiểm" in listed
    with Session(runtime.db) as session:
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "user_add" in actions
    other = runtime  # the account logs in with its password
    api = Api(client.application.test_client())
    assert api.token("kiemsat", "matkhau-moi-1")
    del other


def test_a_bad_account_is_refused_naming_the_field_without_a_500(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "admin")
    sent = client.post(
        "/staff/admin/users",
        data={
            "csrf_token": csrf(client, "/staff/admin/users"),
            "username": "tuphap",
            "password": "short",
            "roles": ["drafter"],
        },
    )
    assert sent.status_code == 422
    html = sent.get_data(as_text=True)
    assert "tuphap" in html and "8" in html  # the username taken, the password's minimum
    missing_csrf = client.post("/staff/admin/users", data={"username": "x"})
    assert missing_csrf.status_code == 400


def test_deactivating_refuses_the_session_and_the_token_at_once(
    app, commune: Organization, runtime: Runtime
) -> None:  # type: ignore[no-untyped-def]
    drafter_browser, admin_browser = app.test_client(), app.test_client()
    login(drafter_browser, "tuphap")
    assert drafter_browser.get("/staff/").status_code == 200
    token = Api(app.test_client()).token("tuphap")
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/users", headers=bearer).status_code == 403

    login(admin_browser, "admin")
    done = admin_browser.post(
        "/staff/admin/users/tuphap",
        data={"csrf_token": csrf(admin_browser, "/staff/admin/users/tuphap"), "roles": ["drafter"]},
    )  # "active" unticked
    assert done.status_code == 302

    assert drafter_browser.get("/staff/").status_code == 302  # back to the login
    assert app.test_client().get("/api/v1/consultations", headers=bearer).status_code == 401
    with Session(runtime.db) as session:
        assert session.exec(select(ApiToken)).all() == []
    relogin = app.test_client().post(
        "/api/v1/auth/token", json={"username": "tuphap", "password": PASSWORD}
    )
    assert relogin.status_code == 401


def test_the_last_administrator_cannot_be_removed(api: Api, commune: Organization) -> None:
    headers = api.headers("admin")
    taken = api.client.patch("/api/v1/users/admin", json={"roles": ["clerk"]}, headers=headers)
    assert taken.status_code == 409
    assert "admin" in taken.get_json()["error"]["message"]
    off = api.client.patch("/api/v1/users/admin", json={"active": False}, headers=headers)
    assert off.status_code == 409


def test_api_accounts_villages_and_posting_places(api: Api, commune: Organization) -> None:
    headers = api.headers("admin")
    created = api.client.post(
        "/api/v1/users",
        json={"username": "thuky", "password": "matkhau-moi-1", "roles": ["clerk"]},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json() == {
        "username": "thuky",
        "full_name": "",
        "roles": ["clerk"],
        "active": True,
    }
    bad = api.client.post(
        "/api/v1/users",
        json={"username": "x", "password": "matkhau-moi-1", "roles": ["king"]},
        headers=headers,
    )
    assert bad.status_code == 422 and "role" in bad.get_json()["error"]["fields"]
    changed = api.client.patch(
        "/api/v1/users/thuky", json={"roles": ["clerk", "signer"]}, headers=headers
    )
    assert changed.get_json()["roles"] == ["clerk", "signer"]
    assert api.client.patch("/api/v1/users/nobody", json={}, headers=headers).status_code == 404

    village = api.client.post("/api/v1/villages", json={"name": "Thôn Mới"}, headers=headers)
    assert village.status_code == 201
    again = api.client.post("/api/v1/villages", json={"name": "thôn mới"}, headers=headers)
    assert again.status_code == 409
    place = api.client.post(
        "/api/v1/posting-places",
        json={"name": "Nhà văn hóa thôn Mới", "village": "Thôn Mới"},
        headers=headers,
    )
    assert place.status_code == 201
    assert place.get_json() == {
        "name": "Nhà văn hóa thôn Mới",
        "village": "Thôn Mới",
        "kind": "village",
    }
    unknown = api.client.post(
        "/api/v1/posting-places", json={"name": "X", "village": "Thôn Không Có"}, headers=headers
    )
    assert unknown.status_code == 422 and "village" in unknown.get_json()["error"]["fields"]
    places = api.client.get("/api/v1/posting-places", headers=headers).get_json()["items"]
    assert places[-1]["name"] == "Nhà văn hóa thôn Mới"
    # Drafters are not administrators.
    drafter = api.headers("tuphap")
    assert api.client.get("/api/v1/villages", headers=drafter).status_code == 403
    assert (
        api.client.post("/api/v1/villages", json={"name": "Y"}, headers=drafter).status_code == 403
    )


def test_posting_places_entered_are_the_start_postings_default(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    login(client, "admin")
    token = csrf(client, "/staff/admin/villages")
    client.post("/staff/admin/villages", data={"csrf_token": token, "village-name": "Thôn Mới"})
    sent = client.post(
        "/staff/admin/posting-places",
        data={
            "csrf_token": token,
            "place-place": "Nhà văn hóa thôn Mới",
            "place-village": "Thôn Mới",
        },
    )
    assert sent.status_code == 302
    page = client.get("/staff/admin/villages").get_data(as_text=True)
    assert "Nhà văn hóa thôn Mới" in page and "(Thôn Mới)" in page
    with Session(runtime.db) as session:
        place = session.exec(
            select(PostingPlace).where(PostingPlace.name == "Nhà văn hóa thôn Mới")
        ).one()
        assert place.kind == "village" and place.locality_id is not None
    consultation_id = start(runtime, commune)
    client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})
    login(client, "tuphap")
    form = client.get(f"/staff/consultations/{consultation_id}/actions/start_posting")
    assert "Nhà văn hóa thôn Mới" in form.get_data(as_text=True)


def test_the_administrator_enters_next_years_holidays(
    client: FlaskClient, commune: Organization, runtime: Runtime
) -> None:
    login(client, "admin")
    page = client.get("/staff/admin/holidays")
    assert page.status_code == 200
    token = TOKEN.search(page.get_data(as_text=True))[1]  # type: ignore[index]
    bad = client.post(
        "/staff/admin/holidays",
        data={"csrf_token": token, "year": "2025", "source": "TB", "days_off": "1/13/2025 x"},
    )
    assert bad.status_code == 422
    assert "line 1" in bad.get_data(as_text=True) or "dòng 1" in bad.get_data(as_text=True)
    lacking = client.post(
        "/staff/admin/holidays",
        data={"csrf_token": token, "year": "2025", "source": "TB", "days_off": "01/01/2025 Tết"},
    )
    assert lacking.status_code == 422 and "02/09/2025" in lacking.get_data(as_text=True)
    sent = client.post(
        "/staff/admin/holidays",
        data={
            "csrf_token": token,
            "year": "2025",
            "source": "Thông báo 6150/TB-BLĐTBXH",
            "days_off": NOTICE_2025,
            "working_days": "26/04/2025 Làm bù",
        },
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    shown = client.get("/staff/admin/holidays?year=2025").get_data(as_text=True)
    assert "Thông báo 6150/TB-BLĐTBXH" in shown and "02/05/2025" in shown
    described = client.get("/api/v1/holidays/2025").get_json()
    assert described["origin"] == "announcement"
    assert described["working_days"] == [{"date": "2025-04-26", "name": "Làm bù"}]
    assert runtime.calendar.is_working_day(__import__("datetime").date(2025, 4, 26))


def test_api_holidays_anyone_reads_an_administrator_enters(api: Api, commune: Organization) -> None:
    year = max(HOLIDAY_FILES) + 1  # no file yet: computed, provisional
    path = f"/api/v1/holidays/{year}"
    read = api.client.get(path)
    assert read.status_code == 200 and read.get_json()["provisional"] is True
    body = {"source": "TB", "days_off": [{"date": f"{year}-01-01", "name": "Tết"}]}
    assert api.client.put(path, json=body).status_code == 401
    drafter = api.client.put(path, json=body, headers=api.headers("tuphap"))
    assert drafter.status_code == 403
    lacking = api.client.put(path, json=body, headers=api.headers("admin"))
    assert lacking.status_code == 422 and "days_off" in lacking.get_json()["error"]["fields"]
    assert re.search(f"02/09/{year}", lacking.get_json()["error"]["message"])
