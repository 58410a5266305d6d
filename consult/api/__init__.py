"""The JSON API under ``/api/v1``, described at ``/api/v1/openapi.json``, and ``/healthz``.

flask-smorest generates the OpenAPI document from the views' ``@bp.arguments`` and
``@bp.response`` and validates with the same marshmallow schemas. Modules: ``base`` (the
blueprint, the parser, the documented refusals), ``auth`` (bearer tokens), ``routes``
(workflows, consultations, actions, documents), ``comments`` (opinions, receipts),
``drafts`` (parsing, editing and deleting a draft before posting), ``register`` (the
outgoing-document register), ``present`` (what each caller sees),
``schemas``, ``errors`` (the error shape), ``health``.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Flask
from flask_smorest.spec.plugins import FlaskPlugin

from consult.api.base import PREFIX
from consult.api.errors import ErrorSchema

DESCRIPTION = (
    "Public consultation on commune regulations (Quy chế thực hiện dân chủ). "
    "Staff authenticate with POST /auth/token, then Authorization: Bearer TOKEN. "
    "Errors are {error: {code, message, fields}}; messages follow Accept-Language "
    "(vi by default, en)."
)


class RelativePaths(FlaskPlugin):
    """Paths relative to the document's server URL ``/api/v1``: ``/consultations/{id}``."""

    def path_helper(self, rule: Any = None, **kwargs: Any) -> str | None:
        if rule is None:
            return None  # a path added as written (this document's own)
        return str(super().path_helper(rule=rule, **kwargs)).removeprefix(PREFIX)


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """None here: the app's one error handler (:mod:`consult.errorhandlers`) answers."""


def init_app(app: Flask) -> None:
    # Importing the view modules registers their routes on the blueprint.
    from consult.api import (  # noqa: F401
        admin,
        auth,
        ballots,
        comments,
        drafts,
        health,
        province,
        register,
        routes,
    )
    from consult.api.base import bp
    from consult.extensions import csrf

    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)  # flask-smorest serves openapi.json
    api = Api(
        app,
        spec_kwargs={
            "title": "consult",
            "version": "1",
            "openapi_version": "3.0.3",
            "info": {"description": DESCRIPTION},
            "servers": [{"url": PREFIX}],
            "flask_plugin": RelativePaths(),
        },
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    csrf.exempt(bp)
    api.register_blueprint(bp)
    api.spec.path(
        path="/openapi.json",
        operations={
            "get": {
                "summary": "This document",
                "tags": ["meta"],
                "responses": {"200": {"description": "The OpenAPI 3 document"}},
            }
        },
    )
    app.register_blueprint(health.bp)
