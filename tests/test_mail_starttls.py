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
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import Session, col, select

from consult.config import load_settings
from consult.db import write_session
from consult.models import Notification, Organization, User
from consult.runtime import Runtime, build_runtime
from consult.scheduler import tick
from consult.services.notifications import RETRY_DELAYS
from tests.conftest import Clock
from tests.helpers import post_draft, start

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
