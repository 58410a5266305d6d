"""What every API view shares: the flask-smorest blueprint, the parser that reads bodies and
query strings through the schemas, and the error answers an operation documents.

flask-smorest (``@bp.arguments``, ``@bp.response``) validates and generates the OpenAPI
document; what it leaves to us is consult's error shape: an unreadable body is 400
``bad_request``, invalid fields are :class:`~consult.errors.Invalid` (422) naming each field
and its fix, unknown fields are refused (the schemas' ``unknown = RAISE``, query strings
included), and the language switch ``lang`` may come with any request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

import flask_smorest
from flask import Request
from marshmallow import Schema, ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import MultiDict

from consult.api import errors
from consult.api.errors import BadRequest, ErrorSchema
from consult.i18n import _
from consult.text import cleaned

F = TypeVar("F", bound=Callable[..., Any])

PREFIX = "/api/v1"
IGNORED_ARGS = frozenset({"lang"})
"""Query arguments any request may carry (the language switch), never validated by a schema."""

ERROR_TEXT = {
    400: "The request could not be read (not JSON, broken JSON)",
    401: "No valid bearer token",
    403: "The caller's roles do not allow this",
    404: "No such consultation, action, comment or receipt",
    409: "Not allowed in the current state; the message says why and until when",
    422: "Invalid fields; `fields` names each one and how to fix it",
    429: "Rate limited; retry after the Retry-After header's seconds",
}


class Parser(FlaskParser):
    """webargs' Flask parser, answering in consult's error shape."""

    def load_json(self, req: Request, schema: Schema) -> Any:
        """The request's JSON document; an empty body is ``{}`` (every default)."""
        raw = req.get_data(cache=True)
        if not raw.strip():
            return core.missing
        if not is_json_request(req):
            raise BadRequest(
                _("Send the body as JSON with the header Content-Type: application/json.")
            )
        try:
            return cleaned(core.parse_json(raw))  # no control characters (NUL…) go further
        except ValueError as exc:  # broken JSON, or bytes that are not UTF-8
            raise BadRequest(
                _("The body is not valid JSON: %(problem)s.", problem=str(exc))
            ) from exc

    def load_querystring(self, req: Request, schema: Schema) -> Any:
        kept = MultiDict([(k, v) for k, v in req.args.items(multi=True) if k not in IGNORED_ARGS])
        return self._makeproxy(kept, schema)

    def handle_error(
        self,
        error: ValidationError,
        req: Request,
        schema: Schema,
        *,
        error_status_code: int | None,
        error_headers: Mapping[str, str] | None,
    ) -> NoReturn:
        # webargs files the messages under their location ({"json": {...}}): one per parse.
        messages = error.messages
        if isinstance(messages, Mapping) and len(messages) == 1:
            (messages,) = messages.values()
        raise errors.invalid_from(messages) from error


class Blueprint(flask_smorest.Blueprint):
    # unknown=None: each schema's own setting (RAISE) holds in every location.
    ARGUMENTS_PARSER = Parser(unknown=None)


bp = Blueprint("api", __name__, url_prefix=PREFIX, description="consult's JSON API (CONTRACT.md)")


def refusals(*statuses: int, **doc: Any) -> Callable[[F], F]:
    """Document the error answers an operation may give, each ``{"error": …}`` (and any other
    OpenAPI keys of the operation, e.g. ``security``)."""
    responses = {
        status: {
            "description": ERROR_TEXT[status],
            "content": {"application/json": {"schema": ErrorSchema}},
        }
        for status in statuses
    }
    decorate: Callable[[F], F] = bp.doc(responses=responses, **doc)
    return decorate
