"""The administration's forms refuse what is missing or taken with a message next to the field
(422 or 409, the page shown again, nothing saved)."""

from __future__ import annotations

import io
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.models import Organization, User
from consult.runtime import Runtime
from consult.services import definitions
from tests.helpers import csrf, login


def post(client: FlaskClient, path: str, page: str, **data: object) -> tuple[int, str]:
    sent = client.post(path, data={"csrf_token": csrf(client, page), **data})
    return sent.status_code, unescape(sent.get_data(as_text=True))


def test_an_account_without_a_username_is_refused_next_to_the_field(
    client: FlaskClient, commune: Organization, runtime: Runtime
) -> None:
    login(client, "admin")
    page = "/staff/admin/users"
    status, html = post(client, page, page, username="", password="matkhau2024", roles=["clerk"])
    assert status == 422 and "Nhập tên đăng nhập." in html
    with Session(runtime.db) as session:
        assert session.exec(select(User).where(User.username == "")).first() is None


def test_the_last_administrator_cannot_take_away_their_own_role_on_the_page(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "admin")
    page = "/staff/admin/users/admin"
    status, html = post(client, page, page, roles=["clerk"], active="y")
    assert status == 409
    assert "admin là quản trị viên cuối cùng còn hoạt động" in html
    assert client.get("/staff/admin/").status_code == 200  # still an administrator


def test_a_village_without_a_name_or_already_listed_is_refused(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "admin")
    page = "/staff/admin/villages"
    status, html = post(client, page, page, **{"village-name": " "})
    assert status == 422 and "Nhập tên." in html
    status, html = post(client, page, page, **{"village-name": "Thôn Đồng Bông"})
    assert status == 409 and "Thôn Đồng Bông đã có trong danh sách." in html


def test_a_posting_place_without_a_name_or_in_an_unknown_village_is_refused(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "admin")
    path, page = "/staff/admin/posting-places", "/staff/admin/villages"
    status, html = post(client, path, page, **{"place-place": ""})
    assert status == 422 and "Nhập tên." in html
    status, html = post(
        client, path, page, **{"place-place": "Nhà văn hóa thôn Mới", "place-village": "Thôn Mới"}
    )
    assert status == 422 and "Không có thôn Thôn Mới: hãy thêm thôn đó trước." in html
    assert "Nhà văn hóa thôn Mới" not in client.get(page).get_data(as_text=True)


def test_a_years_holidays_without_their_notice_are_refused(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "admin")
    page = "/staff/admin/holidays"
    status, html = post(client, page, page, year="2025", source="", days_off="")
    assert status == 422
    assert "Ghi thông báo quy định các ngày nghỉ này." in html
    assert "Liệt kê các ngày nghỉ của năm." in html


def test_an_uploaded_definition_that_is_empty_not_utf8_or_too_large_is_refused(
    client: FlaskClient, commune: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(client, "admin")
    page = "/staff/admin/workflows"

    def upload(data: bytes) -> tuple[int, str]:
        sent = client.post(
            page,
            data={"csrf_token": csrf(client, page), "file": (io.BytesIO(data), "moi.yaml")},
            content_type="multipart/form-data",
        )
        return sent.status_code, unescape(sent.get_data(as_text=True))

    status, html = upload(b"")
    assert status == 422 and "Chọn tệp YAML của định nghĩa quy trình." in html
    status, html = upload("id: quy-trình\n".encode("utf-16"))
    assert status == 422 and "moi.yaml:1: tệp không phải văn bản UTF-8" in html
    monkeypatch.setattr(definitions, "MAX_BYTES", 100)  # a smaller limit, the same refusal
    status, html = upload(b"# " + b"x" * 100)
    assert status == 422 and "moi.yaml:1: tệp lớn hơn 512 KB" in html
    assert client.get(f"{page}/khong-co").status_code == 404
