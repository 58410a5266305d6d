"""The review workbench's bulk form refuses each mistake with a message above the table and
changes nothing; the Front proposes, the legal officer takes the proposals."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from consult.models import Comment, Organization
from consult.runtime import Runtime
from tests.helpers import csrf, flashes, login, post_draft, start


@pytest.fixture
def opened(runtime: Runtime, commune: Organization, client: FlaskClient) -> int:
    """A consultation open for opinions, with three citizens' opinions on article 2."""
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    for n in range(3):
        sent = client.post(
            f"/api/v1/consultations/{cid}/comments",
            json={"body": f"Ý kiến thứ {n} về đối tượng áp dụng.", "article": "2"},
        )
        assert sent.status_code == 201, sent.get_json()
    return cid


def comments(runtime: Runtime, cid: int) -> list[Comment]:
    with Session(runtime.db) as session:
        query = select(Comment).where(Comment.consultation_id == cid).order_by(col(Comment.id))
        return list(session.exec(query))


def bulk(client: FlaskClient, cid: int, ids: list[Any], **form: str) -> str:
    """Post the bulk form as the page does; the messages on the page it returns to."""
    data: dict[str, Any] = {"csrf_token": csrf(client, f"/staff/review/{cid}"), "ids": ids}
    data.update(form)
    posted = client.post(f"/staff/review/{cid}/bulk", data=data)
    assert posted.status_code == 302
    return " | ".join(flashes(client.get(posted.location).get_data(as_text=True)))


def test_the_bulk_form_refuses_each_mistake_and_answers_nothing(
    client: FlaskClient, runtime: Runtime, opened: int
) -> None:
    login(client, "tuphap")
    ids = [str(c.id) for c in comments(runtime, opened)]
    assert "Hãy chọn ít nhất một ý kiến." in bulk(client, opened, [], disposition="accepted")
    too_many = [str(n) for n in range(1, 5002)]
    assert "Mỗi lần tối đa 5000 ý kiến." in bulk(client, opened, too_many, disposition="accepted")
    page = bulk(client, opened, [*ids, "99999"], disposition="accepted")
    assert "Một số ý kiến đã chọn không thuộc đợt lấy ý kiến này." in page
    page = bulk(client, opened, ids, disposition="not_accepted", articles="2", reason="Trùng.")
    assert "Chỉ ý kiến được tiếp thu hoặc tiếp thu một phần mới dẫn đến sửa điều." in page
    page = bulk(client, opened, ids, disposition="maybe")
    assert (
        "Chọn một trong: accepted, partly_accepted, not_accepted, out_of_scope, duplicate." in page
    )
    page = bulk(client, opened, ids, do="take")
    assert "Không ý kiến nào đã chọn có đề xuất hướng xử lý." in page
    assert {c.disposition for c in comments(runtime, opened)} == {None}


def test_an_expired_bulk_form_is_refused_and_changes_nothing(
    client: FlaskClient, runtime: Runtime, opened: int
) -> None:
    login(client, "tuphap")
    ids = [str(c.id) for c in comments(runtime, opened)]
    posted = client.post(
        f"/staff/review/{opened}/bulk",
        data={"csrf_token": "old", "ids": ids, "disposition": "accepted"},
    )
    assert posted.status_code == 400
    page = unescape(posted.get_data(as_text=True))
    assert "Biểu mẫu đã hết hạn hoặc được gửi từ nơi khác (thiếu mã bảo mật)." in page
    assert {c.disposition for c in comments(runtime, opened)} == {None}


def test_the_front_proposes_and_the_legal_officer_takes_the_proposals(
    client: FlaskClient, runtime: Runtime, opened: int
) -> None:
    ids = [str(c.id) for c in comments(runtime, opened)]
    login(client, "tuphap")  # the Front proposes, not the legal officer
    refused = client.post(
        f"/staff/review/{opened}/bulk",
        data={
            "csrf_token": csrf(client, f"/staff/review/{opened}"),
            "ids": ids[:1],
            "do": "propose",
            "disposition": "accepted",
        },
    )
    assert refused.status_code == 403
    assert "Việc đề xuất hướng xử lý ý kiến do" in unescape(refused.get_data(as_text=True))
    client.post("/logout", data={"csrf_token": csrf(client, "/")})

    login(client, "mttq")
    page = bulk(client, opened, ids[:2], do="propose", disposition="maybe")
    assert (
        "Chọn một trong: accepted, partly_accepted, not_accepted, out_of_scope, duplicate." in page
    )
    page = bulk(client, opened, ids[:2], do="propose", disposition="not_accepted", note="Đã có.")
    assert "Đã đề xuất hướng xử lý cho 2 ý kiến." in page
    page = bulk(client, opened, ids, do="group", group="cung-noi-dung")
    assert "Đã đưa 3 ý kiến vào nhóm." in page
    client.post("/logout", data={"csrf_token": csrf(client, "/")})

    login(client, "tuphap")
    page = bulk(client, opened, ids, do="take")
    assert "Đã xử lý 2 ý kiến theo đề xuất." in page
    rows = comments(runtime, opened)
    assert [c.disposition for c in rows] == ["not_accepted", "not_accepted", None]
    assert rows[0].reason == "Đã có."  # the proposal's note became the explanation
    assert {c.group_key for c in rows} == {"cung-noi-dung"}


def test_an_opinions_page_refuses_a_scan_not_chosen_and_a_proposal_not_understood(
    client: FlaskClient, runtime: Runtime, opened: int
) -> None:
    first = comments(runtime, opened)[0]
    login(client, "mttq")
    page = f"/staff/review/opinions/{first.id}"
    assert client.get("/staff/review/opinions/99999").status_code == 404
    no_scan = client.post(page, data={"csrf_token": csrf(client, page)})
    assert no_scan.status_code == 422
    assert "Hãy chọn tệp." in unescape(no_scan.get_data(as_text=True))
    odd = client.post(
        f"/staff/comments/{first.id}/propose",
        data={"csrf_token": csrf(client, page), "disposition": "maybe", "note": ""},
    )
    assert odd.status_code == 422
    assert "Chọn một trong: accepted" in unescape(odd.get_data(as_text=True))
    assert comments(runtime, opened)[0].proposed_disposition is None


def shown(client: FlaskClient, cid: int, query: str) -> list[int]:
    """The opinions the review table lists for a filter, by id."""
    html = client.get(f"/staff/review/{cid}?{query}").get_data(as_text=True)
    return [int(i) for i in re.findall(r'<tr id="y-kien-(\d+)"', html)]


def test_the_review_table_filters_by_disposition_article_channel_and_name(
    client: FlaskClient, runtime: Runtime, opened: int
) -> None:
    named = client.post(
        f"/api/v1/consultations/{opened}/comments",
        json={"body": "Ý kiến chung về cả dự thảo.", "author_name": "Bà Lê Thị Hoa"},
    )
    assert named.status_code == 201
    on_article, general = comments(runtime, opened)[0], comments(runtime, opened)[-1]
    login(client, "tuphap")
    bulk(client, opened, [str(on_article.id)], disposition="accepted", response="Tiếp thu.")
    assert shown(client, opened, "disposition=accepted") == [on_article.id]
    assert shown(client, opened, "article=general") == [general.id]
    assert shown(client, opened, "anonymous=no") == [general.id]
    assert len(shown(client, opened, "channel=online")) == 4
    assert shown(client, opened, "channel=paper") == []
