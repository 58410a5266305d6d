"""A real SMTP server (aiosmtpd) on a free port, for the tests that send e-mail; the ``smtp``
fixture in conftest.py starts one per test."""

from __future__ import annotations

import dataclasses
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from consult.runtime import Runtime
from tests.helpers import free_port


class Inbox:
    """aiosmtpd handler: keeps every message the server accepts; refuses the addresses in
    ``refused`` for good (550), as a server does for a mailbox that does not exist."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refused: set[str] = set()
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def take(self) -> list[tuple[str, EmailMessage]]:
        """The messages received since the last call, as (recipient, message)."""
        with self._lock:
            taken, self.messages = self.messages, []
        return sorted(((to, m) for tos, m in taken for to in tos), key=lambda item: item[0])


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def sending_to(runtime: Runtime, server: SmtpServer, base_url: str) -> Runtime:
    """``runtime`` sending its e-mail through ``server``, with links to ``base_url``."""
    settings = runtime.settings.with_overrides(
        smtp_host="127.0.0.1",
        smtp_port=server.port,
        smtp_from="ubnd@dongson.example.vn",
        base_url=base_url,
    )
    return dataclasses.replace(runtime, settings=settings)
