"""Every API error as ``{"error": {"code", "message", "fields"}}``, in the caller's language.

The app's one error handler (:mod:`consult.errorhandlers`) calls :func:`consult_error` and
:func:`http_error` for requests under ``/api/``; domain errors carry their status and message,
HTTP errors (unknown path, wrong method, too large, rate limit) are worded here. The parser
(:mod:`consult.api.base`) turns marshmallow's messages into :class:`~consult.errors.Invalid`
with :func:`invalid_from`, one entry per field saying how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from consult.errors import ConsultError, Invalid
from consult.i18n import _

PASSED_ON = ("Allow", "Retry-After")
"""Headers of an HTTP error that tell the caller what to do next; kept in the JSON answer."""


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "Each invalid field and how to fix it"},
    )


class ErrorSchema(Schema):
    """The shape of every error answer, for the OpenAPI document (components "Error")."""

    error = fields.Nested(ErrorBodySchema, required=True)


class BadRequest(ConsultError):
    """The request could not be read at all (not JSON, or broken JSON)."""

    code = "bad_request"
    status = 400


def error_response(
    status: int, code: str, message: str, fields: Mapping[str, Any] | None = None
) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "fields": dict(fields or {})}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="consult"'
    return response


def database_unavailable() -> Response:
    return error_response(
        503,
        "database_unavailable",
        _("The database is unavailable; try again in a little while (see Retry-After)."),
    )


def consult_error(exc: ConsultError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    code, message = _http_message(status, exc)
    response = error_response(status, code, message)
    for name, value in exc.get_headers():
        if name in PASSED_ON:
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
    if status < 500:
        return exc.name.lower().replace(" ", "_"), _(
            "The request was refused (%(status)s %(name)s).", status=status, name=exc.name
        )
    return "internal_error", _("Something went wrong on the server; the error was recorded.")


# --- marshmallow ------------------------------------------------------------------------------


def invalid_from(messages: Any) -> Invalid:
    """marshmallow's messages as :class:`Invalid`: one entry per field, saying how to fix it."""
    problems = flatten(messages)
    return Invalid(
        _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
    )


def flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """``{"articles": {1: {"number": [...]}}}`` → ``{"articles[1].number": "..."}``."""
    if not isinstance(messages, Mapping):
        items = messages if isinstance(messages, list | tuple) else [messages]
        return {prefix or "_body": " ".join(friendly(str(m)) for m in items)}
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
