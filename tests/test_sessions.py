"""Sessions the server can end: a copied cookie stops working after logout, a password change
or deactivation; an idle session expires; an API token can be revoked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from consult.actor import SYSTEM
from consult.db import write_session
from consult.errors import Invalid
from consult.models import ApiToken, Organization, User
from consult.runtime import Runtime
from consult.services import users
from tests.helpers import PASSWORD, Api, csrf, login

NEW_PASSWORD = "mat-khau-moi-2025"


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


@pytest.fixture
def staff(app: Flask, client: FlaskClient, commune: Organization) -> Iterator[FlaskClient]:
    login(client, "tuphap")
    yield client


def user_named(runtime: Runtime, username: str) -> User:
    with write_session(runtime.db) as session:
        return session.exec(select(User).where(User.username == username)).one()


def test_a_copied_session_cookie_is_refused_after_logout(app: Flask, staff: FlaskClient) -> None:
    thief = copy_of(app, staff)
    assert thief.get("/staff/").status_code == 200  # the copy works while the session lives
    staff.post("/logout", data={"csrf_token": csrf(staff, "/staff/")})
    assert staff.get("/staff/").status_code == 302
    refused = thief.get("/staff/")
    assert refused.status_code == 302 and "/login" in refused.location


def test_a_copied_session_cookie_is_refused_after_a_password_change(
    app: Flask, staff: FlaskClient, runtime: Runtime
) -> None:
    thief = copy_of(app, staff)
    with write_session(runtime.db) as session:
        user = session.exec(select(User).where(User.username == "tuphap")).one()
        users.change_password(session, user, current=PASSWORD, new=NEW_PASSWORD, now=runtime.now())
    assert thief.get("/staff/").status_code == 302
    fresh = app.test_client()
    token = csrf(fresh, "/login")
    old = fresh.post(
        "/login", data={"csrf_token": token, "username": "tuphap", "password": PASSWORD}
    )
    assert old.status_code == 401
    new = fresh.post(
        "/login", data={"csrf_token": token, "username": "tuphap", "password": NEW_PASSWORD}
    )
    assert new.status_code == 302 and fresh.get("/staff/").status_code == 200


def test_a_password_change_needs_the_current_password_and_a_new_one_that_is_not_the_name(
    runtime: Runtime, commune: Organization
) -> None:
    with write_session(runtime.db) as session:
        user = session.exec(select(User).where(User.username == "tuphap")).one()
        with pytest.raises(Invalid) as wrong:
            users.change_password(session, user, current="sai", new=NEW_PASSWORD, now=runtime.now())
        assert set(wrong.value.fields) == {"current_password"}
        with pytest.raises(Invalid) as same:
            users.change_password(session, user, current=PASSWORD, new="TuPhap", now=runtime.now())
        assert set(same.value.fields) == {"new_password"}


def test_a_deactivated_account_loses_its_sessions_and_tokens_at_once(
    app: Flask, staff: FlaskClient, runtime: Runtime, api: Api
) -> None:
    thief = copy_of(app, staff)
    headers = api.headers("tuphap")
    assert api.client.get("/api/v1/consultations", headers=headers).status_code == 200
    with write_session(runtime.db) as session:
        user = session.exec(select(User).where(User.username == "tuphap")).one()
        users.deactivate(session, user, actor=SYSTEM, now=runtime.now())
    assert staff.get("/staff/").status_code == 302
    assert thief.get("/staff/").status_code == 302
    assert api.client.get("/api/v1/consultations", headers=headers).status_code == 401
    refused = api.client.post(
        "/api/v1/auth/token", json={"username": "tuphap", "password": PASSWORD}
    )
    assert refused.status_code == 401
    with write_session(runtime.db) as session:
        assert session.exec(select(ApiToken)).all() == []


def test_only_an_administrator_deactivates_an_account(
    runtime: Runtime, commune: Organization
) -> None:
    from consult.errors import Forbidden

    with write_session(runtime.db) as session:
        target = session.exec(select(User).where(User.username == "tuphap")).one()
        admin = users.actor_for(
            session, session.exec(select(User).where(User.username == "admin")).one()
        )
        signer = users.actor_for(
            session, session.exec(select(User).where(User.username == "chutich")).one()
        )
        with pytest.raises(Forbidden):
            users.deactivate(session, target, actor=signer, now=runtime.now())
        users.deactivate(session, target, actor=admin, now=runtime.now())
        assert not target.is_active


def test_an_idle_session_expires(
    app: Flask, staff: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from itsdangerous import TimestampSigner

    assert staff.get("/staff/").status_code == 200
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(later))
    assert staff.get("/staff/").status_code == 302


def test_a_revoked_api_token_answers_401(api: Api, commune: Organization) -> None:
    kept, revoked = api.headers("tuphap"), api.headers("tuphap")
    gone = api.client.delete("/api/v1/auth/token", headers=revoked)
    assert gone.status_code == 204
    answer = api.client.get("/api/v1/consultations", headers=revoked)
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthenticated"
    assert api.client.get("/api/v1/consultations", headers=kept).status_code == 200
    assert api.client.delete("/api/v1/auth/token").status_code == 401
