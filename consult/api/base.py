"""What every API view shares: the blueprint, reading a JSON body, loading it through a
schema, and declaring a write transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, request
from marshmallow import Schema, ValidationError
from sqlmodel import Session

from consult import scope
from consult.api import errors
from consult.api.errors import BadRequest
from consult.db import as_writer
from consult.i18n import _

bp = Blueprint("api", __name__, url_prefix="/api/v1")
errors.register_on(bp)

IGNORED_ARGS = frozenset({"lang"})
"""Query arguments any request may carry (the language switch), never validated by a schema."""


def json_body() -> Any:
    """The request's JSON document; an empty body is ``{}``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    if not request.is_json:
        raise BadRequest(_("Send the body as JSON with the header Content-Type: application/json."))
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(_("The body is not valid JSON: %(problem)s.", problem=str(exc))) from exc


def load(schema: Schema, data: Any) -> dict[str, Any]:
    """Validate ``data`` at the boundary; a failure is :class:`Invalid` naming each field."""
    try:
        result: dict[str, Any] = schema.load(data)
    except ValidationError as exc:
        raise errors.invalid_from(exc) from exc
    return result


def query_args() -> Mapping[str, str]:
    return {k: v for k, v in request.args.items() if k not in IGNORED_ARGS}


def writing() -> Session:
    """The request's session, declared a writer (the view commits). Kept until every view
    writes through :func:`consult.scope.writing`."""
    session = scope.db()
    as_writer(session)
    return session
