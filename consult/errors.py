"""Typed domain errors, translated once into HTTP answers (api) and flash messages (web)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ConsultError(Exception):
    """Base of every error a user may see. ``message`` is already in the user's language."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = dict(fields or {})


class Invalid(ConsultError):
    """The input is malformed: ``fields`` maps each bad field to what is wrong and how to fix it."""

    code = "invalid"
    status = 422


class Unauthenticated(ConsultError):
    code = "unauthenticated"
    status = 401


class Forbidden(ConsultError):
    """The actor's roles do not allow this."""

    code = "forbidden"
    status = 403


class NotFound(ConsultError):
    code = "not_found"
    status = 404


class NotAllowedNow(ConsultError):
    """Allowed in principle, but not now: the message says why and until when."""

    code = "not_allowed_now"
    status = 409


class Conflict(NotAllowedNow):
    """Someone else changed the record first (the compare-and-set lost)."""

    code = "conflict"
