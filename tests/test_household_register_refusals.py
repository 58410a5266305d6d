"""The household register and the paper answers of a household vote, on the vote's page: an
XLSX register is read like a CSV one; an empty file, one over 5 MB, a row in an unknown village,
an answer before any vote is open and an answer dated wrong are each refused with a message."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlmodel import Session, select

from consult.models import Household, Organization
from consult.runtime import Runtime
from tests.conftest import Clock
from tests.helpers import csrf, flashes, login, start, take

VILLAGE = "Thôn Đồng Bông"
HEADINGS = ["Mã hộ", "Chủ hộ", "Thôn", "Địa chỉ"]


@pytest.fixture
def vote(runtime: Runtime, commune: Organization, client: FlaskClient) -> int:
    """A household vote in preparation; the legal officer on its page."""
    cid = start(runtime, commune, "bieu-quyet-ho-gia-dinh", "Đóng góp làm đường bê tông thôn")
    login(client, "tuphap")
    return cid


def upload(client: FlaskClient, cid: int, data: bytes, name: str) -> list[str]:
    page = f"/staff/consultations/{cid}/ballot"
    sent = client.post(
        f"/staff/consultations/{cid}/households",
        data={"csrf_token": csrf(client, page), "register": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    return flashes(sent.get_data(as_text=True))


def households(runtime: Runtime) -> list[str]:
    with Session(runtime.db) as session:
        return sorted(h.code for h in session.exec(select(Household)))


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_register_is_imported(client: FlaskClient, runtime: Runtime, vote: int) -> None:
    rows = [
        HEADINGS,
        ["DB001", "Nguyễn Văn An", VILLAGE, "Xóm 1"],
        ["DB002", "Lê Thị Bình", VILLAGE, ""],
    ]
    upload(client, vote, xlsx(rows), "ho-gia-dinh.XLSX")
    assert households(runtime) == ["DB001", "DB002"]
    assert f"{VILLAGE}: 2" in client.get(f"/staff/consultations/{vote}/ballot").get_data(
        as_text=True
    )


def test_an_empty_a_too_large_or_a_wrong_register_is_refused_and_nothing_imported(
    client: FlaskClient, runtime: Runtime, vote: int
) -> None:
    assert "Tệp trống: dòng đầu tiên ghi tên các cột." in upload(client, vote, b"", "ho.csv")
    big = ("Mã hộ,Chủ hộ,Thôn\n" + "DB001,Nguyễn Văn An,Thôn Đồng Bông\n" * 160_000).encode()
    assert "Danh sách hộ gia đình: tệp lớn hơn 5 MB." in upload(client, vote, big, "ho.csv")
    wrong = "Mã hộ,Chủ hộ,Thôn\nDB001,Nguyễn Văn An,Thôn Mới\n".encode()
    [message] = upload(client, vote, wrong, "ho.csv")
    assert message.startswith("Dòng 2: ghi mã hộ, họ tên chủ hộ và một trong các thôn (")
    assert households(runtime) == []


def test_answers_wait_for_the_vote_and_need_a_day_written_day_first(
    client: FlaskClient, runtime: Runtime, vote: int, clock: Clock
) -> None:
    upload(client, vote, f"Mã hộ,Chủ hộ,Thôn\nDB001,Nguyễn Văn An,{VILLAGE}\n".encode(), "h.csv")
    page = f"/staff/consultations/{vote}/ballot"
    answer = {"household": "DB001", "option": "agree", "channel": "paper"}
    early = client.post(
        page, data={"csrf_token": csrf(client, page), **answer, "answered_on": "04/03/2024"}
    )
    assert early.status_code == 409  # no vote is open yet
    take(runtime, vote, "give_notice", "tuphap", {"village": VILLAGE, "vote_on": "2024-03-04"})
    clock.set(datetime(2024, 3, 4, 1, 0, tzinfo=UTC))
    misdated = client.post(
        page, data={"csrf_token": csrf(client, page), **answer, "answered_on": "hôm nay"}
    )
    assert misdated.status_code == 422
    assert "Ngày không hợp lệ: viết ngày/tháng/năm, ví dụ 04/03/2024." in misdated.get_data(
        as_text=True
    )
