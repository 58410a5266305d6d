"""The draft revised after the comment window, as the legal officer does it on the revise
page: an unchanged text is refused, a new article is added, the comparison of any two
versions shows what was added, changed or is missing, and after the decision nothing changes."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from consult.models import Organization
from consult.runtime import Runtime
from tests.conftest import Clock
from tests.helpers import (
    ARTICLES,
    MORNING_AFTER_WINDOW,
    csrf,
    decide,
    login,
    post_draft,
    start,
    take,
)


def typed(articles: list[tuple[str, str, str]]) -> str:
    return "\n".join(f"Điều {n}. {title}\n{text}" for n, title, text in articles)


POSTED = [(a.number, a.title, a.text) for a in ARTICLES]
REVISED = [
    POSTED[0],
    ("2", "Đối tượng áp dụng", "Công dân cư trú và tạm trú trên địa bàn xã."),
    POSTED[2],
    ("4", "Hiệu lực thi hành", "Quy chế có hiệu lực kể từ ngày ký."),
]


@pytest.fixture
def closed(runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient) -> int:
    """A consultation whose comment window has ended; the legal officer logged in."""
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    clock.set(MORNING_AFTER_WINDOW)
    take(runtime, cid, "close_posting", "system")
    login(client, "tuphap")
    return cid


def revise(client: FlaskClient, cid: int, text: str) -> tuple[int, str]:
    page = f"/staff/review/{cid}/revise"
    sent = client.post(page, data={"csrf_token": csrf(client, page), "articles": text})
    return sent.status_code, unescape(sent.get_data(as_text=True))


def statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="diff-(\d+)" data-status="(\w+)"', html))


def test_an_unchanged_text_is_refused(client: FlaskClient, closed: int) -> None:
    status, html = revise(client, closed, typed(POSTED))
    assert status == 422
    assert "Không có thay đổi: nội dung giống phiên bản 1." in html


def test_a_revision_adds_an_article_and_the_comparison_shows_it_both_ways(
    client: FlaskClient, closed: int
) -> None:
    status, _html = revise(client, closed, typed(REVISED))
    assert status == 302
    forward = unescape(client.get(f"/staff/review/{closed}/compare").get_data(as_text=True))
    assert statuses(forward) == {"1": "unchanged", "2": "changed", "3": "unchanged", "4": "added"}
    assert "Công dân cư<ins> trú và tạm</ins> trú trên địa bàn xã." in forward
    assert "<ins>Quy chế có hiệu lực kể từ ngày ký.</ins>" in forward
    back = unescape(
        client.get(f"/staff/review/{closed}/compare?from=2&to=1").get_data(as_text=True)
    )
    assert statuses(back) == {"1": "unchanged", "2": "changed", "3": "unchanged", "4": "removed"}
    assert "<del>Quy chế có hiệu lực kể từ ngày ký.</del>" in back
    assert client.get(f"/staff/review/{closed}/compare?to=9").status_code == 404


def test_after_the_decision_the_draft_is_no_longer_revised(
    client: FlaskClient, runtime: Runtime, closed: int
) -> None:
    take(runtime, closed, "submit_synthesis", "mttq")
    decide(runtime, closed)
    page = unescape(client.get(f"/staff/review/{closed}/revise").get_data(as_text=True))
    assert "Quyết định đã được ban hành; không thể chỉnh sửa dự thảo nữa." in page
    status, _html = revise(client, closed, typed(REVISED))
    assert status == 409
