"""Many communes on one database: a commune's staff see and touch only their commune.

Commune B is the demo (xã Đông Sơn with its 2024 history, opinions, documents, a signed copy
and a scan); commune A is xã Tân Lập, set up beside it, whose one account holds every role.
Every staff page and every API route is called as A's staff with B's ids: 403 or 404, and no
list shows B's data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from consult import create_app
from consult.db import write_session
from consult.documents import signed
from consult.models import Comment, Consultation, Document, Organization, User
from consult.permissions import ROLES
from consult.services import organizations, scans, users
from tests.conftest import DEMO_DAY, LoadDemo
from tests.helpers import PASSWORD, Clock, actor, csrf, login

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
A_USER = "tanlap"


@pytest.fixture
def two(
    database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path, load_demo: LoadDemo
) -> tuple[Flask, dict[str, Any]]:
    """The app and B's ids."""
    load_demo(DEMO_DAY)
    app = create_app(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "off",
            "clock": clock,
            "TESTING": True,
        }
    )
    runtime = app.extensions["consult"]
    with write_session(runtime.db) as session:
        done = organizations.set_up(
            session,
            code="TANLAP",
            name="Ủy ban nhân dân xã Tân Lập",
            place="Tân Lập",
            admin_username="tanlap_admin",
            password=PASSWORD,
            now=clock(),
        )
        users.create(
            session,
            username=A_USER,
            password=PASSWORD,
            roles=list(ROLES),
            organization=done.organization,
            now=clock(),
        )
        b = session.exec(select(Organization).where(Organization.code == "UBND")).one()
        consultation_ids = [c.id for c in session.exec(select(Consultation))]
        comment = session.exec(select(Comment).order_by(col(Comment.id))).first()
        assert comment is not None
        document = session.exec(select(Document).order_by(col(Document.id))).first()
        assert document is not None
        clerk = actor(session, "vanthu")
        signed.store(
            session,
            document,
            PDF,
            original_name="ky.pdf",
            actor=clerk,
            now=clock(),
            instance_dir=runtime.settings.instance_dir,
        )
        scan = scans.attach(
            session,
            runtime.settings.uploads_dir,
            comment,
            PNG,
            "phieu.png",
            actor(session, "mttq"),
            clock(),
        )
        titles = [c.title for c in session.exec(select(Consultation))]
        ids = {
            "consultation_id": consultation_ids,
            "id": consultation_ids,
            "comment_id": [comment.id],
            "document_id": [document.id],
            "scan_id": [scan.id],
            "username": ["tuphap", "admin"],
            "org": b.id,
            "titles": titles,
            "b_users": [u.username for u in session.exec(select(User))],
        }
    yield app, ids
    runtime.db.dispose()


STAFF_VALUES = {
    "action_name": "start_posting",
    "action": "start_posting",
    "key": "plan",
    "fmt": "csv",
    "step": "approve",
}


def _paths(app: Flask, prefix: str, ids: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(method, path, rule) for every rule under ``prefix`` that names one of B's objects."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix):
            continue
        owned = [a for a in rule.arguments if a in ids]
        if not owned:
            continue
        for value in ids[owned[0]]:
            args = {a: STAFF_VALUES.get(a, value) for a in rule.arguments}
            args[owned[0]] = value
            path = rule.build(args)[1]  # type: ignore[index]
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((method, path, rule.rule))
    return found


def _login(client: FlaskClient, username: str) -> str:
    """Log in; the session's CSRF token, sent with every POST so each reaches its view."""
    login(client, username)
    return csrf(client, "/staff/")


CITIZEN_API = {
    "/api/v1/consultations/<int:id>/comments",
    "/api/v1/consultations/<int:id>/ballot/answers",
}
BODIES = {
    "/api/v1/comments/<int:id>": {"disposition": "accepted", "response": "Tiếp thu."},
    "/api/v1/users/<username>": {"active": False},
}
"""Valid bodies, so that only the organization's scope can refuse them."""


def test_a_communes_staff_get_403_or_404_on_every_staff_page_of_another(two) -> None:  # type: ignore[no-untyped-def]
    app, ids = two
    client = app.test_client()
    token = _login(client, A_USER)
    leaks = []
    paths = _paths(app, "/staff", ids)
    assert len(paths) > 30
    for method, path, _rule in paths:
        answer = client.open(
            path, method=method, data={"csrf_token": token}, follow_redirects=method == "GET"
        )
        if answer.status_code not in (403, 404):
            leaks.append((method, path, answer.status_code))
    assert leaks == [], "\n".join(map(str, leaks))


def test_a_communes_staff_see_none_of_anothers_data_in_lists(two) -> None:  # type: ignore[no-untyped-def]
    app, ids = two
    client = app.test_client()
    _login(client, A_USER)
    for path in [
        "/staff/",
        "/staff/register",
        "/staff/register/disclosures",
        "/staff/documents/report",
        "/staff/admin/",
        "/staff/admin/users",
        "/staff/admin/villages",
    ]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        html = answer.get_data(as_text=True)
        for title in ids["titles"]:
            assert title not in html, (path, title)
        assert "156/QĐ-UBND" not in html and "Thôn Đồng Bông" not in html, path
        assert "tuphap" not in html and "Đông Sơn" not in html, path


def test_a_communes_staff_get_403_or_404_on_every_api_route_of_another(two) -> None:  # type: ignore[no-untyped-def]
    app, ids = two
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"username": A_USER, "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    leaks = []
    for method, path, rule in _paths(app, "/api/v1", ids):
        body = BODIES.get(rule, {})
        answer = client.open(path, method=method, json=body, headers=headers)
        if method == "GET" and answer.status_code == 200:
            # What anyone may read (a public consultation, a published document): A's staff
            # get exactly what a citizen gets, not the staff view.
            if answer.get_json() != client.get(path).get_json():
                leaks.append((method, path, "more than a citizen sees"))
            continue
        if rule in CITIZEN_API and method == "POST":
            continue  # anyone may comment on an open consultation
        if answer.status_code not in (403, 404):
            leaks.append((method, path, answer.status_code))
    assert leaks == [], "\n".join(map(str, leaks))
    for path in ["/api/v1/users", "/api/v1/villages", "/api/v1/posting-places", "/api/v1/register"]:
        text = client.get(path, headers=headers).get_data(as_text=True)
        assert "tuphap" not in text and "Đồng Bông" not in text and "UBND" not in text, path
    listed = client.get("/api/v1/consultations", headers=headers).get_json()["items"]
    assert all("version" not in item for item in listed)


def test_a_communes_administrator_cannot_touch_anothers_accounts(two) -> None:  # type: ignore[no-untyped-def]
    app, _ids = two
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"username": "tanlap_admin", "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    changed = client.patch("/api/v1/users/tuphap", json={"active": False}, headers=headers)
    assert changed.status_code == 404
    listed = client.get("/api/v1/users", headers=headers).get_json()["items"]
    assert {u["username"] for u in listed} == {"tanlap_admin", A_USER}
    assert re.search("tanlap", str(listed))


@pytest.fixture
def province(two):  # type: ignore[no-untyped-def]
    """Both communes under tỉnh Bắc Giang, whose administrator is ``tinh``."""
    app, ids = two
    runtime = app.extensions["consult"]
    with write_session(runtime.db) as session:
        done = organizations.set_up(
            session,
            code="BG",
            name="Ủy ban nhân dân tỉnh Bắc Giang",
            place="Bắc Giang",
            admin_username="tinh",
            password=PASSWORD,
            now=runtime.now(),
            kind="province",
        )
        for commune in session.exec(select(Organization).where(Organization.kind == "commune")):
            commune.parent_id = done.organization.id
            session.add(commune)
    return app, ids


def test_the_province_sees_both_communes_and_changes_neither(province) -> None:  # type: ignore[no-untyped-def]
    app, ids = province
    client = app.test_client()
    token = _login(client, "tinh")
    desk = client.get("/staff/").get_data(as_text=True)
    assert "/staff/province" in desk
    page = client.get("/staff/province")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ủy ban nhân dân xã Đông Sơn" in html and "Ủy ban nhân dân xã Tân Lập" in html
    assert "(sửa đổi, bổ sung)" in html  # B's consultation open for opinions now
    assert "Vi Văn Năm" not in html  # never a commenter's name

    refused = []
    for method, path, _rule in _paths(app, "/staff", ids):
        answer = client.open(
            path, method=method, data={"csrf_token": token}, follow_redirects=method == "GET"
        )
        if answer.status_code not in (403, 404):
            refused.append((method, path, answer.status_code))
    assert refused == [], "\n".join(map(str, refused))
    bearer = client.post("/api/v1/auth/token", json={"username": "tinh", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {bearer.get_json()['token']}"}
    for consultation_id in ids["consultation_id"]:
        for action in ("start_posting", "issue_decision", "publish", "close_posting"):
            answer = client.post(
                f"/api/v1/consultations/{consultation_id}/actions/{action}",
                json={},
                headers=headers,
            )
            assert answer.status_code in (403, 404), (consultation_id, action)


def test_the_province_creates_a_commune_with_its_first_administrator(province) -> None:  # type: ignore[no-untyped-def]
    app, _ids = province
    client = app.test_client()
    bearer = client.post("/api/v1/auth/token", json={"username": "tinh", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {bearer.get_json()['token']}"}
    created = client.post(
        "/api/v1/organizations",
        json={
            "code": "XUANLUONG",
            "name": "Ủy ban nhân dân xã Xuân Lương",
            "place": "Xuân Lương",
            "admin": "xuanluong",
            "password": "matkhau-moi-1",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["administrators"] == ["xuanluong"]
    listed = client.get("/api/v1/organizations", headers=headers).get_json()["items"]
    assert [c["short_name"] for c in listed] == ["xã Đông Sơn", "xã Tân Lập", "xã Xuân Lương"]
    # A commune's administrator is no province administrator.
    commune_admin = client.post(
        "/api/v1/auth/token", json={"username": "xuanluong", "password": "matkhau-moi-1"}
    ).get_json()["token"]
    other = {"Authorization": f"Bearer {commune_admin}"}
    assert client.get("/api/v1/organizations", headers=other).status_code == 403
