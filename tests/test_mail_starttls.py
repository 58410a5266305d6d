"""E-mail as production sends it: a submission port that demands STARTTLS before AUTH, with
the account and password checked by the server (aiosmtpd, a certificate from a test CA made
here by trustme), configured through the ``CONSULT_SMTP_*`` environment an operator sets."""

from __future__ import annotations

import dataclasses
import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from consult.config import load_settings
from consult.db import write_session
from consult.models import Comment, Notification, Organization, ReceiptSubscription, User
from consult.runtime import Runtime, build_runtime
from consult.scheduler import tick
from consult.services import answers
from consult.services.notifications import RETRY_DELAYS, outbox
from tests.conftest import Clock
from tests.helpers import MORNING_AFTER_WINDOW, TOKEN, actor, post_draft, start, take

ACCOUNT = ("thongbao@dongson.example.vn", "mat-khau-gui-thu")
THREE_DAYS_LEFT = datetime(2024, 3, 19, 1, 0, tzinfo=UTC)  # Tue 19/03/2024 08:00 in Vietnam


@dataclasses.dataclass
class Delivery:
    """A message the server accepted, and how the session that sent it was secured."""

    to: list[str]
    message: EmailMessage
    tls: bool
    login: str


class SubmissionServer:
    """aiosmtpd on a free local port: STARTTLS required, then AUTH (one account), then mail."""

    def __init__(self, context: ssl.SSLContext, mechanism: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.delivered: list[Delivery] = []
        self.logins: list[tuple[str, str, bool, bool]] = []
        """Every AUTH tried: (mechanism, login, over TLS, accepted)."""
        self._lock = threading.Lock()
        other = {"LOGIN": "PLAIN", "PLAIN": "LOGIN"}[mechanism]
        self._controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            auth_exclude_mechanism=[other],
            authenticator=self.authenticate,
        )

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        login, password = data.login.decode(), data.password.decode()
        accepted = (login, password) == ACCOUNT
        with self._lock:
            self.logins.append((mechanism, login, session.ssl is not None, accepted))
        return AuthResult(success=accepted, handled=False, auth_data=login if accepted else None)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.delivered.append(
                Delivery(
                    list(envelope.rcpt_tos),
                    parsed,
                    tls=session.ssl is not None,
                    login=str(session.auth_data or ""),
                )
            )
        return "250 Message accepted for delivery"

    def __enter__(self) -> SubmissionServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


@pytest.fixture
def certificate_authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A CA the machine trusts for this test only (``SSL_CERT_FILE``, which OpenSSL's default
    verify paths read), as an operator's system trusts the mail relay's real CA."""
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return authority


def server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


def mailing(core: Runtime, port: int, password: str = ACCOUNT[1]) -> Runtime:
    """The runtime with the mail settings read from the environment, as `consult scheduler`
    reads them in production; every member of staff has an address."""
    environ = {
        "CONSULT_SMTP_HOST": "127.0.0.1",
        "CONSULT_SMTP_PORT": str(port),
        "CONSULT_SMTP_STARTTLS": "true",
        "CONSULT_SMTP_USER": ACCOUNT[0],
        "CONSULT_SMTP_PASSWORD": password,
        "CONSULT_SMTP_FROM": "ubnd@dongson.example.vn",
        "CONSULT_BASE_URL": "https://consult.dongson.example.vn",
    }
    base = core.settings
    settings = load_settings(
        {
            "database_url": base.database_url,
            "workflows_dir": base.workflows_dir,
            "instance_dir": base.instance_dir,
        },
        environ=environ,
    )
    with write_session(core.db) as session:
        for user in session.exec(select(User)):
            user.email = f"{user.username}@dongson.example.vn"
            session.add(user)
    return build_runtime(settings, clock=core.clock)


def reminders(runtime: Runtime) -> list[Notification]:
    with Session(runtime.db) as session:
        query = select(Notification).where(Notification.kind == "reminder_3d")
        return list(session.exec(query.order_by(col(Notification.id))))


def three_days_before_the_close(runtime: Runtime, commune: Organization, clock: Clock) -> None:
    """A posted consultation (comments until Thu 21/03 24:00), seen on Tue 19/03: the
    reviewer and the drafter are due a reminder."""
    post_draft(runtime, start(runtime, commune))
    clock.set(THREE_DAYS_LEFT)


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_a_staff_reminder_goes_out_over_starttls_after_the_server_checked_the_login(
    core: Runtime,
    commune: Organization,
    clock: Clock,
    certificate_authority: trustme.CA,
    mechanism: str,
) -> None:
    with SubmissionServer(server_context(certificate_authority), mechanism) as server:
        runtime = mailing(core, server.port)
        three_days_before_the_close(runtime, commune, clock)
        tick(runtime)
    assert server.logins == [(mechanism, ACCOUNT[0], True, True)]  # once, inside TLS
    assert sorted(to for d in server.delivered for to in d.to) == [
        "mttq@dongson.example.vn",
        "tuphap@dongson.example.vn",
    ]
    for delivery in server.delivered:
        assert delivery.tls and delivery.login == ACCOUNT[0]
        assert delivery.message["From"] == "ubnd@dongson.example.vn"
        assert delivery.message["Subject"].startswith("Nhắc việc: còn 3 ngày lấy ý kiến")
    assert [(n.email_status, n.attempts) for n in reminders(runtime)] == [("sent", 1)] * 2
    runtime.db.dispose()


def test_a_wrong_smtp_password_leaves_the_notice_waiting_for_a_retry_then_it_goes_out(
    core: Runtime, commune: Organization, clock: Clock, certificate_authority: trustme.CA
) -> None:
    with SubmissionServer(server_context(certificate_authority), "PLAIN") as server:
        wrong = mailing(core, server.port, password="mat-khau-cu")
        three_days_before_the_close(wrong, commune, clock)
        tick(wrong)  # no exception: the pass goes on
        assert server.delivered == []
        assert [accepted for *_how, accepted in server.logins] == [False]
        waiting = reminders(wrong)
        assert len(waiting) == 2
        for notice in waiting:
            assert (notice.email_status, notice.attempts) == ("pending", 1)
            assert notice.last_error.startswith("SMTPAuthenticationError: (535")
            assert notice.next_attempt_at == clock() + RETRY_DELAYS[0]
        wrong.db.dispose()

        # The operator corrects CONSULT_SMTP_PASSWORD; after the back-off both go out.
        right = mailing(core, server.port)
        clock.advance(seconds=RETRY_DELAYS[0].total_seconds() - 1)
        tick(right)
        assert server.delivered == []  # not before the back-off
        clock.advance(seconds=1)
        tick(right)
    assert len(server.delivered) == 2 and all(d.tls for d in server.delivered)
    assert [(n.email_status, n.attempts, n.last_error) for n in reminders(right)] == [
        ("sent", 2, "")
    ] * 2
    right.db.dispose()


def test_a_relay_whose_certificate_is_not_trusted_never_sees_the_password(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    """The certificate is checked: a server presenting one from an unknown CA is refused before
    any AUTH, and the notice waits for the next attempt."""
    unknown = trustme.CA()
    with SubmissionServer(server_context(unknown), "PLAIN") as server:
        runtime = mailing(core, server.port)
        three_days_before_the_close(runtime, commune, clock)
        tick(runtime)
    assert server.logins == [] and server.delivered == []
    for notice in reminders(runtime):
        assert (notice.email_status, notice.attempts) == ("pending", 1)
        assert "CERTIFICATE_VERIFY_FAILED" in notice.last_error
        assert notice.next_attempt_at == clock() + timedelta(minutes=1)
    runtime.db.dispose()


# --- what changes while an e-mail waits, a slow server, a citizen's receipt -----------------


def test_a_notice_whose_recipient_lost_the_address_or_left_while_it_waited_is_not_sent(
    core: Runtime, commune: Organization, clock: Clock, certificate_authority: trustme.CA
) -> None:
    with SubmissionServer(server_context(certificate_authority), "PLAIN") as server:
        wrong = mailing(core, server.port, password="mat-khau-cu")
        three_days_before_the_close(wrong, commune, clock)
        tick(wrong)  # both reminders wait for a retry
        right = mailing(core, server.port)
        with write_session(core.db) as session:
            mttq = session.exec(select(User).where(User.username == "mttq")).one()
            mttq.email = ""  # the Front's officer removed the address meanwhile
            tuphap = session.exec(select(User).where(User.username == "tuphap")).one()
            tuphap.is_active = False  # and the legal officer has left
            session.add_all([mttq, tuphap])
        clock.advance(minutes=1)
        tick(right)
    assert server.delivered == []
    assert [(n.email_status, n.attempts) for n in reminders(right)] == [("none", 1)] * 2
    wrong.db.dispose()
    right.db.dispose()


def test_a_slow_server_gets_what_fits_in_the_pass_and_the_rest_goes_at_the_next(
    core: Runtime,
    commune: Organization,
    clock: Clock,
    certificate_authority: trustme.CA,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each e-mail takes the server 200 s: the first fits the pass's 300 s, the second is left
    for the next pass, unclaimed and without an attempt counted against it."""
    seconds = iter(range(0, 10_000, 200))
    monkeypatch.setattr(outbox, "time", SimpleNamespace(monotonic=lambda: next(seconds)))
    with SubmissionServer(server_context(certificate_authority), "LOGIN") as server:
        runtime = mailing(core, server.port)
        three_days_before_the_close(runtime, commune, clock)
        tick(runtime)
        first = [d.to for d in server.delivered]
        after_one_pass = [
            (n.email_status, n.attempts, n.next_attempt_at) for n in reminders(runtime)
        ]
        tick(runtime)  # the next pass, at the same instant
    assert len(first) == 1
    assert sorted(after_one_pass) == [("pending", 0, None), ("sent", 1, None)]
    assert len(server.delivered) == 2 and server.delivered[1].to != first[0]
    assert [(n.email_status, n.attempts) for n in reminders(runtime)] == [("sent", 1)] * 2
    runtime.db.dispose()


def test_a_citizen_who_wrote_in_english_is_told_once_in_english_over_starttls(
    core: Runtime,
    client: FlaskClient,
    commune: Organization,
    clock: Clock,
    certificate_authority: trustme.CA,
) -> None:
    consultation_id = start(core, commune)
    post_draft(core, consultation_id)
    path = f"/consultations/{consultation_id}/comment"
    client.set_cookie("lang", "en")

    def send() -> str:
        token = TOKEN.search(client.get(path).get_data(as_text=True))
        assert token is not None
        sent = client.post(
            path,
            data={
                "csrf_token": token.group(1),
                "body": "Please post the draft at the market too.",
                "contact": "visitor@example.org",
                "notify": "y",
                "step": "send",
            },
        )
        assert sent.status_code == 302
        return str(sent.location).rsplit("/", 1)[-1]

    receipt = send()
    assert send() == receipt  # sent twice (a double click): one opinion, one wish, one e-mail
    with write_session(core.db) as session:
        (opinion,) = session.exec(select(Comment)).all()
        assert opinion.id is not None
        answers.review(
            session,
            core.engine,
            opinion.id,
            actor(session, "tuphap"),
            clock(),
            disposition="accepted",
            response="Xin tiếp thu: niêm yết thêm tại chợ.",
        )
    clock.set(MORNING_AFTER_WINDOW)
    take(core, consultation_id, "close_posting", "system")
    take(core, consultation_id, "submit_synthesis", "mttq", {"summary": "Đã tiếp thu."})
    with SubmissionServer(server_context(certificate_authority), "PLAIN") as server:
        runtime = mailing(core, server.port)
        tick(runtime)
    (delivery,) = [d for d in server.delivered if d.to == ["visitor@example.org"]]
    assert delivery.tls and delivery.login == ACCOUNT[0]
    assert delivery.message["Subject"] == f"Your opinion {receipt} has been answered"
    text = delivery.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Read it here: https://consult.dongson.example.vn/receipts/{receipt}" in text
    assert "your address has now been erased" in text
    with Session(core.db) as session:
        (subscription,) = session.exec(select(ReceiptSubscription)).all()
    assert (subscription.status, subscription.email, subscription.language) == ("sent", "", "en")
    runtime.db.dispose()
