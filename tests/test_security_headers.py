"""Every answer carries the security headers; staff pages are never cached; production cookies
are Secure; logins are throttled per account as well as per address."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from consult import create_app
from consult.extensions import limiter
from consult.models import Organization
from tests.helpers import PASSWORD, Clock, csrf, login

EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response: object, what: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in EVERYWHERE.items():
        assert headers.get(name) == value, (what, name)
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, what
    assert "unsafe-inline" not in policy and "http" not in policy, what  # no CDN, no inline
    assert "camera=()" in headers["Permissions-Policy"], what


def test_every_answer_carries_the_security_headers(
    client: FlaskClient, commune: Organization
) -> None:
    for path in ("/", "/login", "/nowhere", "/static/style.css", "/healthz", "/api/v1/workflows"):
        response = client.get(path)
        assert_secured(response, path)
        response.close()
    assert_secured(client.get("/api/v1/consultations/999"), "API 404")
    assert_secured(client.post("/api/v1/auth/token", json={}), "API 422")
    login(client, "tuphap")
    assert_secured(client.get("/staff/"), "staff")


def test_staff_pages_and_staff_api_answers_are_not_cached(
    client: FlaskClient, commune: Organization
) -> None:
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    token = client.post("/api/v1/auth/token", json={"username": "tuphap", "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    assert client.get("/api/v1/consultations", headers=bearer).headers["Cache-Control"] == (
        "no-store"
    )
    login(client, "tuphap")
    assert client.get("/staff/").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"  # a staff member's view


def test_no_page_needs_inline_script_or_style(client: FlaskClient, commune: Organization) -> None:
    import re

    login(client, "tuphap")
    for path in ("/", "/staff/", "/login"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son\w+=|\sstyle=|<style", html), path


@pytest.fixture
def production(
    database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path, commune: Organization
) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "off",
            "production": True,
            "secret_key": "a-production-secret-of-enough-length",
            "clock": clock,
            "TESTING": True,
        }
    )
    yield app
    app.extensions["consult"].db.dispose()


def test_production_cookies_are_secure_and_https_is_required(production: Flask) -> None:
    client = production.test_client()
    token = csrf(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": "tuphap", "password": PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_cookies_work_over_plain_http(client: FlaskClient, app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.fixture
def throttled(
    database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path, commune: Organization
) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "100/minute",
            "login_limit": "3/minute",
            "clock": clock,
            "TESTING": True,
        }
    )
    limiter.reset()
    yield app
    limiter.reset()
    app.extensions["consult"].db.dispose()


def test_failed_logins_are_throttled_per_account_across_page_and_api(throttled: Flask) -> None:
    page, other_address = throttled.test_client(), throttled.test_client()
    token = csrf(page, "/login")
    wrong = {"csrf_token": token, "username": "tuphap", "password": "sai-mat-khau"}
    assert [page.post("/login", data=wrong).status_code for _ in range(2)] == [401, 401]
    api = other_address.post(
        "/api/v1/auth/token",
        json={"username": "TuPhap", "password": "sai"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert api.status_code == 401  # the third failure, from elsewhere
    locked = page.post("/login", data={**wrong, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Quá nhiều lần đăng nhập sai" in locked.get_data(as_text=True)
    assert "Retry-After" in locked.headers
    other = page.post("/login", data={**wrong, "username": "mttq", "password": PASSWORD})
    assert other.status_code == 302  # another account is not locked


def test_successful_logins_do_not_count_against_the_account(throttled: Flask) -> None:
    client = throttled.test_client()
    for _ in range(5):
        login(client, "tuphap")
        client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})
