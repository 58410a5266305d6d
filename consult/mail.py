"""Sending e-mail through the SMTP server the settings name (``smtp_*``).

One :class:`Mailer` is one SMTP session: the delivery pass opens it, sends its batch and
closes it. Messages are UTF-8 (Vietnamese subjects are encoded per RFC 2047).
"""

from __future__ import annotations

import smtplib
import ssl
from contextlib import suppress
from datetime import datetime
from email import message_from_string, policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime
from types import TracebackType

from consult.config import Settings

TIMEOUT_SECONDS = 30


def enabled(settings: Settings) -> bool:
    """E-mail is off when no SMTP host is configured."""
    return bool(settings.smtp_host.strip())


def compose(
    settings: Settings, *, to: str, subject: str, body: str, sent_at: datetime, message_id: str
) -> EmailMessage:
    """A plain-text UTF-8 message from ``smtp_from``; ``message_id`` is the left part of the
    Message-ID, so a resent message keeps its id and mail clients can tell it is the same."""
    # The Subject is encoded here by email.header and stored as already-folded source text,
    # which the generator then leaves alone: EmailMessage's own folder (before Python 3.13)
    # puts the space between two encoded words outside them, where readers drop it, and a
    # subject reads "thựchiện" instead of "thực hiện".
    encoded = Header(" ".join(subject.split()), "utf-8", header_name="Subject").encode()
    message = message_from_string(f"Subject: {encoded}\n\n", policy=policy.default)
    assert isinstance(message, EmailMessage)
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Date"] = format_datetime(sent_at)
    domain = settings.smtp_from.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    # Quoted-printable keeps the message 7-bit for servers without 8BITMIME.
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message


class Mailer:
    """An SMTP session: ``with Mailer(settings) as mailer: mailer.send(message)``.

    Entering connects (STARTTLS and login when configured); a failure raises
    :class:`OSError` or :class:`smtplib.SMTPException`.
    """

    def __init__(self, settings: Settings, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        settings = self.settings
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return self

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            raise RuntimeError("Mailer.send outside `with Mailer(...)`")
        self._smtp.send_message(message)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._smtp is None:
            return
        # The messages are already accepted or refused; a failing QUIT changes nothing.
        with suppress(smtplib.SMTPException, OSError):
            self._smtp.quit()
        self._smtp.close()
        self._smtp = None
