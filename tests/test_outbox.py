"""One outbox for every e-mail: the citizen's "tell me by e-mail" goes through the same claim,
send and retry as staff notices. An SMTP outage is retried after the back-off; an address the
server refuses for good, or the sixth failure, gives up; the citizen's address is erased once
the one e-mail has gone out or been given up. Through the portal's form, the JSON API and a
real SMTP server (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from consult.db import write_session
from consult.models import Comment, Notification, Organization, ReceiptSubscription, User
from consult.runtime import Runtime
from consult.scheduler import tick
from consult.services import notifications
from consult.services.notifications import receipt_notices
from tests.helpers import (
    WINDOW_ENDS,
    Api,
    Clock,
    comments_of,
    portal_step,
    post_draft,
    receipt_of,
    start,
    take,
)
from tests.smtp import SmtpServer, sending_to

DEAD = "khongton@example.vn"


@pytest.fixture
def mailing(runtime: Runtime, smtp: SmtpServer) -> Runtime:
    """The app sending through the test's SMTP server, which refuses ``DEAD`` for good."""
    smtp.inbox.refused.add(DEAD)
    return sending_to(runtime, smtp, "https://gopy.dongson.example.vn")


def posted(runtime: Runtime, commune: Organization, title: str) -> int:
    """Posted on Fri 01/03/2024: opinions until 24:00 on 21/03/2024."""
    consultation_id = start(runtime, commune, title=title)
    post_draft(runtime, consultation_id)
    return consultation_id


def ask_to_be_told(client: FlaskClient, consultation_id: int, contact: str) -> str:
    """A citizen sends an opinion and asks for the e-mail; its receipt."""
    return receipt_of(
        portal_step(
            client,
            consultation_id,
            "send",
            body=f"Xin báo cho tôi qua {contact}.",
            contact=contact,
            notify="y",
        )
    )


def answer_all(api: Api, runtime: Runtime, consultation_id: int) -> None:
    reviewer = api.headers("tuphap")  # the committee answers (Art. 28)
    for opinion in comments_of(runtime, consultation_id):
        response = api.client.patch(
            f"/api/v1/comments/{opinion.id}",
            json={"disposition": "accepted", "response": "Xin tiếp thu."},
            headers=reviewer,
        )
        assert response.status_code == 200, response.get_json()


def published(runtime: Runtime, clock: Clock, *consultation_ids: int) -> None:
    """The window closes and the synthesis is submitted: the responses are public."""
    clock.set(WINDOW_ENDS)
    runtime.engine.reconcile(runtime.db, clock())
    for consultation_id in consultation_ids:
        take(runtime, consultation_id, "submit_synthesis", "mttq", {"summary": "Đã tiếp thu."})


def subscription(runtime: Runtime, receipt: str) -> ReceiptSubscription:
    with Session(runtime.db) as session:
        return session.exec(
            select(ReceiptSubscription)
            .join(Comment, col(Comment.id) == col(ReceiptSubscription.comment_id))
            .where(Comment.receipt == receipt)
        ).one()


@pytest.fixture
def answered(
    client: FlaskClient, api: Api, runtime: Runtime, clock: Clock, commune: Organization
) -> str:
    """An opinion whose citizen asked for the e-mail, answered and public; its receipt."""
    consultation_id = posted(runtime, commune, "Quy chế dân chủ xã Đông Sơn")
    receipt = ask_to_be_told(client, consultation_id, "mai@example.vn")
    answer_all(api, runtime, consultation_id)
    published(runtime, clock, consultation_id)
    return receipt


def test_a_mail_server_outage_is_retried_and_the_citizen_told_once(
    mailing: Runtime, clock: Clock, smtp: SmtpServer, answered: str
) -> None:
    smtp.stop()
    tick(mailing)
    waiting = subscription(mailing, answered)
    assert (waiting.status, waiting.attempts) == ("waiting", 1)
    assert waiting.email == "mai@example.vn"  # kept until the one e-mail has gone out
    assert waiting.next_attempt_at == mailing.now() + notifications.RETRY_DELAYS[0]
    assert "Connection" in waiting.last_error or "refused" in waiting.last_error

    smtp.start()
    clock.advance(seconds=30)
    tick(mailing)
    assert smtp.inbox.take() == []  # still backing off
    clock.advance(seconds=30)
    tick(mailing)
    [(to, message)] = smtp.inbox.take()
    assert to == "mai@example.vn"
    assert f"https://gopy.dongson.example.vn/receipts/{answered}" in message.get_content()
    clock.advance(hours=1)
    tick(mailing)
    assert smtp.inbox.take() == []
    sent = subscription(mailing, answered)
    assert (sent.status, sent.attempts, sent.email, sent.last_error) == ("sent", 2, "", "")


def test_the_citizens_email_is_given_up_after_six_attempts_and_the_address_erased(
    mailing: Runtime, clock: Clock, smtp: SmtpServer, answered: str
) -> None:
    smtp.stop()
    for delay in (*notifications.RETRY_DELAYS, timedelta(0)):
        tick(mailing)
        clock.advance(seconds=delay.total_seconds())
    given_up = subscription(mailing, answered)
    assert (given_up.status, given_up.attempts, given_up.email) == ("failed", 6, "")
    assert given_up.last_error
    smtp.start()
    clock.advance(days=1)
    tick(mailing)
    assert smtp.inbox.take() == []


def test_an_address_the_server_refuses_for_good_is_not_retried_and_is_erased(
    client: FlaskClient,
    api: Api,
    mailing: Runtime,
    clock: Clock,
    smtp: SmtpServer,
    commune: Organization,
) -> None:
    consultation_id = posted(mailing, commune, "Quy chế dân chủ xã Đông Sơn")
    dead = ask_to_be_told(client, consultation_id, DEAD)
    alive = ask_to_be_told(client, consultation_id, "mai@example.vn")
    answer_all(api, mailing, consultation_id)
    published(mailing, clock, consultation_id)
    tick(mailing)
    assert [to for to, _m in smtp.inbox.take()] == ["mai@example.vn"]
    refused = subscription(mailing, dead)
    assert (refused.status, refused.attempts, refused.email) == ("failed", 1, "")
    assert "550" in refused.last_error
    assert subscription(mailing, alive).status == "sent"


def test_opinions_still_under_review_do_not_hold_back_those_already_answered_in_public(
    client: FlaskClient,
    api: Api,
    mailing: Runtime,
    clock: Clock,
    smtp: SmtpServer,
    commune: Organization,
) -> None:
    in_review = posted(mailing, commune, "Quy chế dân chủ xã Đông Sơn")
    done = posted(mailing, commune, "Quy chế công khai tài chính")
    early = ask_to_be_told(client, in_review, "ha@example.vn")
    later = ask_to_be_told(client, done, "mai@example.vn")
    answer_all(api, mailing, in_review)
    answer_all(api, mailing, done)
    published(mailing, clock, done)  # the other one's synthesis is still being written

    sent = receipt_notices.deliver(mailing.db, mailing.engine, mailing.settings, clock(), limit=1)
    assert sent == 1
    assert [to for to, _m in smtp.inbox.take()] == ["mai@example.vn"]
    assert subscription(mailing, later).status == "sent"
    waiting = subscription(mailing, early)
    assert (waiting.status, waiting.attempts, waiting.email) == ("waiting", 0, "ha@example.vn")


def test_a_staff_address_refused_for_good_is_not_retried_and_the_notice_stays_in_app(
    mailing: Runtime, clock: Clock, smtp: SmtpServer, commune: Organization
) -> None:
    with write_session(mailing.db) as session:
        for user in session.exec(select(User).where(col(User.username).in_(["tuphap", "mttq"]))):
            user.email = DEAD if user.username == "tuphap" else "mttq@dongson.example.vn"
            session.add(user)
    posted(mailing, commune, "Quy chế dân chủ xã Đông Sơn")
    clock.set(datetime(2024, 3, 19, 1, 0, tzinfo=UTC))  # 08:00 in Vietnam, 3 days left
    tick(mailing)
    assert [to for to, _m in smtp.inbox.take()] == ["mttq@dongson.example.vn"]
    clock.advance(hours=13)  # past every back-off
    tick(mailing)
    assert smtp.inbox.take() == []
    with Session(mailing.db) as session:
        tuphap = session.exec(select(User).where(User.username == "tuphap")).one()
        [notice] = session.exec(select(Notification).where(Notification.user_id == tuphap.id))
        assert (notice.email_status, notice.attempts) == ("failed", 1)
        assert "550" in notice.last_error
        assert tuphap.id is not None
        assert [n.id for n in notifications.unread(session, tuphap.id)] == [notice.id]
