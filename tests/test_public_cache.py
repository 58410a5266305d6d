"""The public consultation page under a surge: rendered once per version of what it shows,
kept in the process, revalidated by browsers and nginx with its ETag — and never stale: a new
opinion, a staff action or the window closing by the clock shows on the next view."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient
from sqlmodel import select

from consult.db import write_session
from consult.models import Comment
from consult.runtime import Runtime
from consult.scheduler import tick
from consult.services import answers, intake
from consult.web.public import RESPONSES_PER_PAGE
from tests.helpers import MORNING_AFTER_WINDOW, WINDOW_ENDS, Clock, actor, login, take


def text(response: object) -> str:
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_repeat_view_is_served_from_the_cache_and_revalidates_with_its_etag(
    client: FlaskClient, open_id: int
) -> None:
    first = client.get(f"/consultations/{open_id}")
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = client.get(f"/consultations/{open_id}")
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    held = client.get(f"/consultations/{open_id}", headers={"If-None-Match": first.headers["ETag"]})
    assert held.status_code == 304 and held.get_data() == b""


def test_a_new_opinion_shows_on_the_next_view(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    before = client.get(f"/consultations/{open_id}")
    assert "1 ý kiến" not in text(before)
    # Stored by another process, as far as this one knows: straight through the service.
    intake.receive(
        runtime.db, open_id, intake.CommentInput(body="Đồng ý.", article="1"), runtime.now()
    )
    after = client.get(
        f"/consultations/{open_id}", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "1 ý kiến" in text(after)


def test_a_staff_action_shows_on_the_next_view(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    client.get(f"/consultations/{open_id}")
    reason = "Thôn Rừng Phẳng bị mất điện, người dân chưa kịp góp ý."
    take(runtime, open_id, "extend_window", "tuphap", {"days": 5, "reason": reason})
    public = text(client.get(f"/consultations/{open_id}"))
    assert "gia hạn đến 24:00 ngày 26/03/2024" in public and reason in public


def test_the_window_closing_by_the_clock_shows_without_any_write(
    client: FlaskClient, open_id: int, clock: Clock
) -> None:
    assert "Góp ý toàn bộ dự thảo" in text(client.get(f"/consultations/{open_id}"))
    clock.set(WINDOW_ENDS)
    assert "Góp ý toàn bộ dự thảo" not in text(client.get(f"/consultations/{open_id}"))


def test_staff_pages_are_not_cached_for_citizens(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    login(client, "tuphap")
    staff_view = client.get(f"/consultations/{open_id}")
    assert staff_view.status_code == 200 and "ETag" not in staff_view.headers


def test_the_published_responses_page_through_links_of_their_own(
    client: FlaskClient, runtime: Runtime, open_id: int, clock: Clock
) -> None:
    """The body is rendered once for every reader: its pager links carry the page only,
    never another reader's query arguments."""
    for n in range(RESPONSES_PER_PAGE + 5):
        intake.receive(runtime.db, open_id, intake.CommentInput(body=f"Ý kiến số {n}."), clock())
    clock.set(MORNING_AFTER_WINDOW)
    tick(runtime)
    with write_session(runtime.db) as session:
        ids = [
            c.id for c in session.exec(select(Comment).where(Comment.consultation_id == open_id))
        ]
        answers.dispose(
            session,
            runtime.engine,
            open_id,
            [i for i in ids if i is not None],
            actor(session, "tuphap"),
            clock(),
            disposition="out_of_scope",
            response="Cảm ơn ý kiến.",
        )
    take(runtime, open_id, "submit_synthesis", "mttq")
    odd = client.get(f"/consultations/{open_id}?page=1&ref=zalo")
    assert f"/consultations/{open_id}?page=2" in odd.get_data(as_text=True)
    assert "ref=zalo" not in odd.get_data(as_text=True)
    second = client.get(f"/consultations/{open_id}?page=2").get_data(as_text=True)
    assert second.count("Ý kiến số") == 5 and "ref=zalo" not in second
    assert f'href="/consultations/{open_id}?page=1"' in second


def test_the_header_kept_for_readers_never_hides_a_message_or_a_login(
    client: FlaskClient, open_id: int
) -> None:
    """A reader with a cookie (the form's session) gets the page rendered with its counts
    but the header and footer kept: never a flashed message lost, never a staff header."""
    page = f"/consultations/{open_id}"
    client.set_cookie("session", "")  # a cookie: the page is rendered, not answered whole
    plain = client.get(page).get_data(as_text=True)
    assert "Cán bộ đăng nhập" in plain and "ETag" not in client.get(page).headers
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Đã nhận ý kiến của bạn.")]
    flashed = client.get(page).get_data(as_text=True)
    assert "Đã nhận ý kiến của bạn." in flashed
    assert "Đã nhận ý kiến của bạn." not in client.get(page).get_data(as_text=True)  # once
    login(client, "tuphap")
    staff = client.get(page).get_data(as_text=True)
    assert "Đăng xuất" in staff and "Cán bộ đăng nhập" not in staff
    assert client.get(f"{page}?page=1").get_data(as_text=True).count("Đăng xuất") == 1
