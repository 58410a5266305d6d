"""An opinion received on paper, entered by staff: the form names each field typed wrong and
stores nothing; one received on an earlier day counts from the end of that day."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.models import Comment, Organization
from consult.runtime import Runtime
from tests.conftest import Clock
from tests.helpers import csrf, login, post_draft, start


@pytest.fixture
def page(client: FlaskClient, runtime: Runtime, commune: Organization, clock: Clock) -> str:
    """The entry form of a consultation posted on Fri 01/03/2024, on Wed 06/03/2024."""
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    clock.set(datetime(2024, 3, 6, 2, 0, tzinfo=UTC))
    login(client, "mttq")
    return f"/staff/consultations/{cid}/opinions/new"


def enter(client: FlaskClient, page: str, **fields: str) -> tuple[int, str]:
    form = {
        "csrf_token": csrf(client, page),
        "channel": "paper",
        "received_on": "2024-03-06",
        "body": "Đề nghị niêm yết thêm tại chợ xã.",
        "author_name": "Ông Nguyễn Văn Tư",
        "locality": "",
        "contact": "",
        "article": "",
        "represents": "1",
    }
    sent = client.post(page, data={**form, **fields})
    return sent.status_code, unescape(sent.get_data(as_text=True))


def stored(runtime: Runtime) -> list[Comment]:
    with Session(runtime.db) as session:
        return list(session.exec(select(Comment)))


def test_each_field_typed_wrong_is_named_and_nothing_is_stored(
    client: FlaskClient, runtime: Runtime, page: str
) -> None:
    status, html = enter(client, page, received_on="06/03/2024")
    assert status == 422 and "Ngày không hợp lệ: hãy viết NNNN-TT-NN, ví dụ 2024-03-04." in html
    status, html = enter(client, page, represents="hai")
    assert status == 422 and "Phải là số nguyên." in html
    status, html = enter(client, page, represents="0")
    assert status == 422 and "Ít nhất là 1." in html
    status, html = enter(client, page, channel="carrier-pigeon")
    assert status == 422 and "paper" in html  # the channels it may be received through
    assert stored(runtime) == []


def test_an_opinion_received_on_an_earlier_day_counts_from_that_days_end(
    client: FlaskClient, runtime: Runtime, page: str
) -> None:
    status, _html = enter(client, page, received_on="2024-03-04")
    assert status == 302
    [opinion] = stored(runtime)
    # 23:59:59 on Mon 04/03/2024 in Vietnam, the day it reached the commune.
    assert opinion.received_at == datetime(2024, 3, 4, 16, 59, 59, tzinfo=UTC)
    assert opinion.channel == "paper" and opinion.entered_by_id is not None
