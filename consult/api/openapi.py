"""The OpenAPI 3 document, generated from the routes and their marshmallow schemas.

Each view declares what it takes and gives with :func:`document`; the document walks the
app's URL map, so a route cannot exist without appearing in it, under the path it really
has (``/consultations/{id}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema
from werkzeug.routing import Rule

from consult.api.base import bp
from consult.api.schemas import ErrorOut

F = TypeVar("F", bound=Callable[..., Any])
SchemaRef = type[Schema] | Mapping[str, Any]

ERROR_TEXT = {
    400: "The request could not be read (not JSON, broken JSON)",
    401: "No valid bearer token",
    403: "The caller's roles do not allow this",
    404: "No such consultation, action, comment or receipt",
    409: "Not allowed in the current state; the message says why and until when",
    422: "Invalid fields; `fields` names each one and how to fix it",
    429: "Rate limited; retry after the Retry-After header's seconds",
}
_VARIABLE = re.compile(r"<(?:(\w+):)?(\w+)>")
_CACHE_KEY = "consult.openapi"


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    description: str = ""
    body: SchemaRef | None = None
    query: type[Schema] | None = None
    responses: Mapping[int, SchemaRef | None] = field(default_factory=dict)
    errors: tuple[int, ...] = ()

    def to_openapi(self, rule: Rule, method: str, requires_token: bool) -> dict[str, Any]:
        operation: dict[str, Any] = {
            "summary": self.summary,
            "tags": [self.tag],
            "operationId": f"{rule.endpoint.removeprefix('api.')}_{method}",
            "responses": {},
        }
        if self.description:
            operation["description"] = self.description
        if self.query is not None:
            operation["parameters"] = [{"in": "query", "schema": self.query}]
        if self.body is not None:
            operation["requestBody"] = {
                # A free-form payload may be left out: {} takes every default.
                "required": not isinstance(self.body, Mapping),
                "content": {"application/json": {"schema": self.body}},
            }
        for status, schema in self.responses.items():
            response: dict[str, Any] = {"description": "OK" if status < 300 else "Created"}
            if schema is not None:
                response["content"] = {"application/json": {"schema": schema}}
            operation["responses"][str(status)] = response
        errors = set(self.errors) | ({401} if requires_token else set())
        for status in sorted(errors):
            operation["responses"][str(status)] = {
                "description": ERROR_TEXT.get(status, "Error"),
                "content": {"application/json": {"schema": "Error"}},
            }
        if requires_token:
            operation["security"] = [{"bearer": []}]
        return operation


def document(**kwargs: Any) -> Callable[[F], F]:
    """Declare a view's operation for the OpenAPI document."""
    operation = Operation(**kwargs)

    def mark(view: F) -> F:
        view.openapi = operation  # type: ignore[attr-defined]
        return view

    return mark


def build(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="consult",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "Public consultation on commune regulations (Quy chế thực hiện dân chủ). "
                "Staff authenticate with POST /auth/token, then Authorization: Bearer TOKEN. "
                "Errors are {error: {code, message, fields}}; messages follow Accept-Language "
                "(vi by default, en)."
            )
        },
        servers=[{"url": bp.url_prefix or "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorOut)
    paths: dict[str, dict[str, Any]] = {}
    parameters: dict[str, list[dict[str, Any]]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        view = app.view_functions[rule.endpoint]
        operation: Operation | None = getattr(view, "openapi", None)
        if operation is None:
            continue
        path, path_parameters = _path(rule)
        parameters[path] = path_parameters
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation.to_openapi(
                rule, method.lower(), bool(getattr(view, "requires_token", False))
            )
    for path, operations in paths.items():
        spec.path(path=path, operations=operations, parameters=parameters[path] or None)
    return spec.to_dict()


def _path(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    relative = rule.rule.removeprefix(bp.url_prefix or "")
    found: list[dict[str, Any]] = []

    def variable(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        kind = "integer" if converter == "int" else "string"
        found.append({"in": "path", "name": name, "required": True, "schema": {"type": kind}})
        return "{" + name + "}"

    return _VARIABLE.sub(variable, relative), found


@bp.route("/openapi.json")
@document(summary="This document", tag="meta", responses={200: None})
def openapi_document() -> ResponseReturnValue:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if _CACHE_KEY not in app.extensions:
        app.extensions[_CACHE_KEY] = build(app)
    return jsonify(app.extensions[_CACHE_KEY])
