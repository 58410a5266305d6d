"""Notifications: reminders, closes, publication deadlines and the report to the People's
Council, queued once and e-mailed through a real SMTP server (aiosmtpd) started here."""

from __future__ import annotations

import threading
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from sqlmodel import Session, col, select

from consult.db import write_session
from consult.models import Document, Notification, Organization, User
from consult.runtime import Runtime, build_runtime
from consult.scheduler import tick
from consult.services import notifications
from tests.helpers import Clock, decide, post_draft, start, take, vn_utc
from tests.smtp import SmtpServer, sending_to

TITLE = "Quy chế thực hiện dân chủ của UBND xã"
STAFF = ("tuphap", "mttq", "hdnd", "chutich", "vanthu")


def address(username: str) -> str:
    return f"{username}@dongson.example.vn"


# --- the runtime sending mail ------------------------------------------------------------------


@pytest.fixture
def rt(core: Runtime, commune: Organization, smtp: SmtpServer) -> Runtime:
    """The core runtime sending through the test's SMTP server; every demo user has an
    address."""
    with write_session(core.db) as session:
        for user in session.exec(select(User).where(col(User.username).in_(STAFF))):
            user.email = address(user.username)
            session.add(user)
    return sending_to(core, smtp, "https://consult.dongson.example.vn")


def user_id(runtime: Runtime, username: str) -> int:
    with Session(runtime.db) as session:
        found = session.exec(select(User).where(User.username == username)).one()
        assert found.id is not None
        return found.id


def notices(runtime: Runtime, kind: str | None = None) -> list[Notification]:
    with Session(runtime.db) as session:
        query = select(Notification).order_by(col(Notification.id))
        if kind:
            query = query.where(Notification.kind == kind)
        return list(session.exec(query))


def recipients(mails: list[tuple[str, EmailMessage]]) -> list[str]:
    return [to.split("@")[0] for to, _m in mails]


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def posted(runtime: Runtime, organization: Organization) -> int:
    """A consultation posted on Fri 01/03/2024: comments until Thu 21/03 24:00."""
    cid = start(runtime, organization, title=TITLE)
    post_draft(runtime, cid)
    return cid


# --- reminders and the close ------------------------------------------------------------------


def test_reviewer_and_drafter_are_reminded_before_the_window_closes_and_told_when_it_has(
    rt: Runtime, commune: Organization, clock: Clock, smtp: SmtpServer
) -> None:
    cid = posted(rt, commune)
    assert tick(rt) == []
    clock.set(vn_utc(2024, 3, 18, 8))  # 18, 19, 20 and 21/03 are left: four days, not yet
    tick(rt)
    assert smtp.inbox.take() == []

    clock.set(vn_utc(2024, 3, 19, 8))  # three days left
    tick(rt)
    mails = smtp.inbox.take()
    assert recipients(mails) == ["mttq", "tuphap"]  # the reviewer and the drafter
    for _to, message in mails:
        assert message["Subject"] == f"Nhắc việc: còn 3 ngày lấy ý kiến về dự thảo {TITLE}"
        assert "kết thúc lúc 24:00 ngày 21/03/2024 (giờ Việt Nam)" in body(message)
        assert f"https://consult.dongson.example.vn/staff/consultations/{cid}" in body(message)
        assert message["From"] == "ubnd@dongson.example.vn"
    tick(rt)
    clock.advance(hours=20)
    tick(rt)
    assert smtp.inbox.take() == []  # once only

    clock.set(vn_utc(2024, 3, 21, 8))  # the last day
    tick(rt)
    mails = smtp.inbox.take()
    assert recipients(mails) == ["mttq", "tuphap"]
    for _to, message in mails:
        assert (
            message["Subject"] == f"Nhắc việc: hôm nay là ngày cuối lấy ý kiến về dự thảo {TITLE}"
        )
        assert "24:00 ngày 21/03/2024" in body(message)

    clock.set(vn_utc(2024, 3, 22, 0, 5))
    assert [t.action for t in tick(rt)] == ["close_posting"]
    mails = smtp.inbox.take()
    assert recipients(mails) == ["mttq", "tuphap"]
    for _to, message in mails:
        assert "tổng hợp, tiếp thu, giải trình" in message["Subject"]
        assert "đã kết thúc lúc 24:00 ngày 21/03/2024" in body(message)
    assert tick(rt) == []
    assert smtp.inbox.take() == []

    sent = notices(rt)
    assert [(n.kind, n.email_status) for n in sent].count(("window_closed", "sent")) == 2
    assert all(n.email_status == "sent" and n.attempts == 1 for n in sent)
    with Session(rt.db) as session:
        inbox = notifications.unread(session, user_id(rt, "mttq"))
        assert [n.kind for n in inbox] == ["window_closed", "reminder_1d", "reminder_3d"]
        assert notifications.unread(session, user_id(rt, "hdnd")) == []


def test_an_extended_window_is_reminded_of_again_before_its_new_end(
    rt: Runtime, commune: Organization, clock: Clock, smtp: SmtpServer
) -> None:
    cid = posted(rt, commune)
    clock.set(vn_utc(2024, 3, 19, 8))
    tick(rt)
    assert len(smtp.inbox.take()) == 2
    take(rt, cid, "extend_window", "tuphap", {"days": 5, "reason": "Thôn 5 chưa họp xong."})
    tick(rt)
    assert smtp.inbox.take() == []  # now 8 days are left
    clock.set(vn_utc(2024, 3, 24, 8))
    tick(rt)
    mails = smtp.inbox.take()
    assert recipients(mails) == ["mttq", "tuphap"]
    assert all("24:00 ngày 26/03/2024" in body(m) for _to, m in mails)


# --- choices ------------------------------------------------------------------------------------


def test_a_user_who_turned_email_off_gets_only_the_in_app_notice(
    rt: Runtime, commune: Organization, clock: Clock, smtp: SmtpServer
) -> None:
    mttq, tuphap = user_id(rt, "mttq"), user_id(rt, "tuphap")
    with write_session(rt.db) as session:
        notifications.set_preference(session, mttq, "reminder_3d", email=False, in_app=True)
        notifications.set_preference(session, tuphap, "reminder_3d", email=True, in_app=False)
    with Session(rt.db) as session:
        chosen = {p.kind: p for p in notifications.preferences(session, mttq)}
        assert list(chosen) == list(notifications.KINDS)
        assert (chosen["reminder_3d"].email, chosen["reminder_3d"].in_app) == (False, True)
        assert (chosen["reminder_1d"].email, chosen["reminder_1d"].in_app) == (True, True)
    posted(rt, commune)
    clock.set(vn_utc(2024, 3, 19, 8))
    tick(rt)
    assert recipients(smtp.inbox.take()) == ["tuphap"]
    with write_session(rt.db) as session:
        inbox = notifications.unread(session, mttq)
        assert [n.kind for n in inbox] == ["reminder_3d"]
        assert "24:00 ngày 21/03/2024" in inbox[0].body
        assert notifications.unread(session, tuphap) == []  # in-app turned off for the kind
        assert notifications.unread_count(session, mttq) == 1
        other = notifications.unread(session, tuphap, limit=5)
        assert (
            notifications.mark_read(session, mttq, [inbox[0].id, *(n.id for n in other)], rt.now())
            == 1
        )
        assert notifications.unread(session, mttq) == []
        with pytest.raises(notifications.Invalid):
            notifications.set_preference(session, mttq, "gossip", email=True, in_app=True)


def test_without_an_address_or_with_email_disabled_the_notice_stays_in_app(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    assert core.settings.smtp_host == ""  # e-mail is off by default
    posted(core, commune)
    with write_session(core.db) as session:
        hdnd = session.exec(select(User).where(User.username == "mttq")).one()
        hdnd.email = address("mttq")
        session.add(hdnd)
    clock.set(vn_utc(2024, 3, 19, 8))
    tick(core)
    by_user = {n.user_id: n for n in notices(core)}
    assert by_user[user_id(core, "tuphap")].email_status == "none"  # no address
    assert by_user[user_id(core, "mttq")].email_status == "none"  # dropped: e-mail disabled
    assert by_user[user_id(core, "mttq")].last_error == "e-mail disabled"
    with Session(core.db) as session:
        assert notifications.unread_count(session, user_id(core, "mttq")) == 1


# --- delivery failures --------------------------------------------------------------------------


def test_an_smtp_outage_is_retried_after_the_backoff_and_delivered_once(
    rt: Runtime, commune: Organization, clock: Clock, smtp: SmtpServer
) -> None:
    posted(rt, commune)
    clock.set(vn_utc(2024, 3, 19, 8))
    smtp.stop()
    tick(rt)
    waiting = notices(rt)
    assert len(waiting) == 2
    for notice in waiting:
        assert (notice.email_status, notice.attempts) == ("pending", 1)
        assert notice.next_attempt_at == rt.now() + timedelta(minutes=1)
        assert "Connection" in notice.last_error or "refused" in notice.last_error
    smtp.start()
    clock.advance(seconds=30)
    tick(rt)
    assert smtp.inbox.take() == []  # still backing off
    clock.advance(seconds=30)
    tick(rt)
    assert recipients(smtp.inbox.take()) == ["mttq", "tuphap"]
    clock.advance(hours=1)
    tick(rt)
    assert smtp.inbox.take() == []
    assert all((n.email_status, n.attempts) == ("sent", 2) for n in notices(rt))


def test_an_email_is_given_up_after_six_attempts_and_the_error_kept(
    rt: Runtime, commune: Organization, clock: Clock, smtp: SmtpServer
) -> None:
    posted(rt, commune)
    clock.set(vn_utc(2024, 3, 19, 8))
    smtp.stop()
    for delay in (*notifications.RETRY_DELAYS, timedelta(0)):
        tick(rt)
        clock.advance(seconds=delay.total_seconds())
    for notice in notices(rt, "reminder_3d"):
        assert (notice.email_status, notice.attempts) == ("failed", 6)
        assert notice.last_error
        assert notice.next_attempt_at is None
    smtp.start()
    clock.advance(days=1)
    tick(rt)
    assert [n for n in notices(rt, "reminder_3d") if n.email_status != "failed"] == []
    assert smtp.inbox.take() == []


# --- the decision, its publication and the report to the council -----------------------------


def issued_on_monday_25_march(rt: Runtime, commune: Organization, clock: Clock) -> int:
    """Posted 01/03, closed 21/03 24:00, decision signed Mon 25/03/2024 (as QĐ 268 was)."""
    cid = posted(rt, commune)
    clock.set(vn_utc(2024, 3, 25, 8))
    tick(rt)
    take(rt, cid, "submit_synthesis", "mttq", {"summary": "Không có ý kiến."})
    decide(rt, cid, {"issued_on": "2024-03-25"})
    return cid


def decision_of(runtime: Runtime, consultation_id: int) -> Document:
    with Session(runtime.db) as session:
        return session.exec(
            select(Document).where(
                Document.consultation_id == consultation_id, Document.type == "QĐ"
            )
        ).one()


def test_a_decision_must_be_published_within_5_working_days_and_is_flagged_after(
    rt: Runtime, commune: Organization, clock: Clock, smtp: SmtpServer
) -> None:
    cid = issued_on_monday_25_march(rt, commune, clock)
    decision = decision_of(rt, cid)
    # Tue 26, Wed 27, Thu 28, Fri 29, (weekend 30–31), Mon 01/04: the fifth working day.
    deadline = notifications.publication_deadline(rt.calendar, decision)
    assert deadline == vn_utc(2024, 4, 2, 0)
    assert not notifications.is_publication_overdue(
        rt.calendar, decision, deadline - timedelta(seconds=1)
    )
    assert notifications.is_publication_overdue(rt.calendar, decision, deadline)

    smtp.inbox.take()
    tick(rt)
    mails = smtp.inbox.take()
    assert recipients(mails) == ["vanthu"]  # the records office
    subject, text = mails[0][1]["Subject"], body(mails[0][1])
    assert subject == f"Hạn công khai Quyết định số {decision.symbol}: 24:00 ngày 01/04/2024"
    assert f"Quyết định số {decision.symbol} ngày 25/03/2024 về việc ban hành {TITLE}" in text
    assert "Điều 12(3)" in text

    clock.set(vn_utc(2024, 4, 1, 23, 59))
    tick(rt)
    assert smtp.inbox.take() == []
    clock.set(vn_utc(2024, 4, 2, 8))
    tick(rt)
    mails = smtp.inbox.take()
    assert recipients(mails) == ["vanthu"]
    assert mails[0][1]["Subject"] == f"Quá hạn công khai Quyết định số {decision.symbol}"
    assert "hạn công khai là 24:00 ngày 01/04/2024" in body(mails[0][1])
    tick(rt)
    assert smtp.inbox.take() == []

    take(rt, cid, "publish", "vanthu", {"signed_digitally": True})
    assert not notifications.is_publication_overdue(rt.calendar, decision_of(rt, cid), rt.now())


def test_the_council_and_the_signer_are_asked_to_report_once_the_regulation_is_in_force(
    rt: Runtime, commune: Organization, clock: Clock, smtp: SmtpServer
) -> None:
    cid = issued_on_monday_25_march(rt, commune, clock)
    symbol = decision_of(rt, cid).symbol
    take(rt, cid, "publish", "vanthu", {"signed_digitally": True})
    clock.set(vn_utc(2024, 3, 28, 8))
    tick(rt)
    smtp.inbox.take()
    take(rt, cid, "issue_implementation_plan", "chutich")
    tick(rt)
    mails = smtp.inbox.take()
    assert recipients(mails) == ["chutich", "hdnd"]
    for _to, message in mails:
        assert message["Subject"] == f"Báo cáo Hội đồng nhân dân về việc lấy ý kiến dự thảo {TITLE}"
        text = body(message)
        assert f"theo Quyết định số {symbol} ngày 25/03/2024" in text
        assert "kỳ họp thường lệ gần nhất của Hội đồng nhân dân xã Đông Sơn" in text
        assert "Điều 28(5)" in text
    clock.advance(days=1)
    tick(rt)
    assert smtp.inbox.take() == []


# --- two schedulers -----------------------------------------------------------------------------


def test_two_schedulers_ticking_at_once_send_each_email_once(
    rt: Runtime, commune: Organization, clock: Clock, smtp: SmtpServer
) -> None:
    for n in range(3):
        post_draft(rt, start(rt, commune, title=f"{TITLE} (lần {n + 1})"))
    other = build_runtime(rt.settings, clock=clock)  # its own connection pool: a 2nd process
    try:

        def race() -> list[Any]:
            barrier = threading.Barrier(2)
            results: list[Any] = []

            def run(runtime: Runtime) -> None:
                barrier.wait()
                results.append(tick(runtime))

            threads = [threading.Thread(target=run, args=(r,)) for r in (rt, other)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return results

        clock.set(vn_utc(2024, 3, 19, 8))
        race()
        mails = smtp.inbox.take()
        assert len(mails) == 6
        assert len({m["Message-ID"] for _to, m in mails}) == 6
        assert len(notices(rt, "reminder_3d")) == 6

        clock.set(vn_utc(2024, 3, 22, 8))
        results = race()
        assert sum(len(r) for r in results) == 3  # each close applied once
        mails = smtp.inbox.take()
        assert sorted(m["Subject"][:20] for _to, m in mails).count("Đã hết thời hạn lấy ") == 6
        assert len(mails) == 6
        race()
        assert smtp.inbox.take() == []
        assert all(n.email_status == "sent" and n.attempts == 1 for n in notices(rt))
    finally:
        other.db.dispose()
