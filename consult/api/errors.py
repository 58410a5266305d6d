"""Every API error as ``{"error": {"code", "message", "fields"}}``, in the caller's language.

Domain errors (:class:`~consult.errors.ConsultError`) carry their status and message; HTTP
errors (unknown path, wrong method, broken body, rate limit) are translated here. The
request's session is rolled back first, so a failed write leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, default_exceptions

from consult.errors import ConsultError, Invalid
from consult.i18n import _

API_PREFIX = "/api/"
HTTP_CODES = (400, 404, 405, 413, 415, 429, 500)


class BadRequest(ConsultError):
    """The request could not be read at all (not JSON, or broken JSON)."""

    code = "bad_request"
    status = 400


def error_response(
    status: int, code: str, message: str, fields: Mapping[str, Any] | None = None
) -> Response:
    _rollback()
    response = jsonify({"error": {"code": code, "message": message, "fields": dict(fields or {})}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="consult"'
    return response


def _rollback() -> None:
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def consult_error(exc: ConsultError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    code, message = _http_message(status, exc)
    response = error_response(status, code, message)
    for name, value in exc.get_headers():
        if name.lower() in ("allow", "retry-after"):
            response.headers[name] = value
    return response


def _http_message(status: int, exc: HTTPException) -> tuple[str, str]:
    if status == 400:
        return "bad_request", _("The request could not be read; send a JSON object.")
    if status == 404:
        return "not_found", _(
            "There is nothing at %(path)s; the API's paths are listed in /api/v1/openapi.json.",
            path=request.path,
        )
    if status == 405:
        return "method_not_allowed", _(
            "%(method)s is not allowed on %(path)s; allowed: %(allowed)s.",
            method=request.method,
            path=request.path,
            allowed=", ".join(getattr(exc, "valid_methods", None) or []),
        )
    if status == 413:
        return "too_large", _("The request is too large.")
    if status == 415:
        return "unsupported_media_type", _("Send JSON (Content-Type: application/json).")
    if status == 429:
        return "rate_limited", _(
            "Too many requests from your address (limit: %(limit)s); wait a little and try again.",
            limit=str(getattr(exc, "description", "") or ""),
        )
    return "internal_error", _("Something went wrong on the server; the error was recorded.")


# --- marshmallow ------------------------------------------------------------------------------


def invalid_from(exc: ValidationError) -> Invalid:
    """A marshmallow failure as :class:`Invalid`: one entry per field, saying how to fix it."""
    problems = flatten(exc.normalized_messages())
    return Invalid(
        _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
    )


def flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """``{"articles": {1: {"number": [...]}}}`` → ``{"articles[1].number": "..."}``."""
    if isinstance(messages, Mapping):
        result: dict[str, str] = {}
        for key, value in messages.items():
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
            elif key == "_schema":
                name = prefix or "_body"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            result.update(flatten(value, name))
        return result
    if isinstance(messages, list | tuple):
        if all(not isinstance(m, Mapping | list | tuple) for m in messages):
            return {prefix or "_body": " ".join(friendly(str(m)) for m in messages)}
        result = {}
        for value in messages:
            result.update(flatten(value, prefix))
        return result
    return {prefix or "_body": friendly(str(messages))}


def friendly(message: str) -> str:
    """marshmallow's own English messages, translated and saying how to fix the field."""
    known: dict[str, Callable[[], str]] = {
        "Missing data for required field.": lambda: _("Required: fill it in."),
        "Unknown field.": lambda: _("Unknown field: remove it."),
        "Field may not be null.": lambda: _("Must not be null: give a value or leave it out."),
        "Not a valid string.": lambda: _("Must be text."),
        "Not a valid integer.": lambda: _("Must be a whole number."),
        "Not a valid date.": lambda: _("Not a valid date: write YYYY-MM-DD, e.g. 2024-03-04."),
        "Not a valid list.": lambda: _("Must be a list."),
        "Not a valid boolean.": lambda: _("Must be true or false."),
        "Invalid input type.": lambda: _("Send a JSON object."),
    }
    translate = known.get(message)
    return translate() if translate else message


# --- registration -----------------------------------------------------------------------------


def register_on(bp: Blueprint) -> None:
    """The blueprint's handlers: domain errors and HTTP errors raised in its views."""
    bp.register_error_handler(ConsultError, consult_error)
    for status in HTTP_CODES:
        bp.register_error_handler(status, http_error)


def init_app(app: Flask) -> None:
    """App-wide handlers for errors raised before routing (unknown path, wrong method): JSON
    under ``/api/``, else whatever the web UI registered before."""
    for status in HTTP_CODES:
        exc_class = default_exceptions[status]
        previous = app.error_handler_spec[None][status].get(exc_class)
        app.register_error_handler(status, _api_or(previous))


def _api_or(previous: Callable[[Any], Any] | None) -> Callable[[HTTPException], Any]:
    def handle(exc: HTTPException) -> Any:
        if request.path.startswith(API_PREFIX):
            return http_error(exc)
        return previous(exc) if previous is not None else exc

    return handle
