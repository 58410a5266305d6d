"""The JSON API under ``/api/v1`` (described at ``/api/v1/openapi.json``), and ``/healthz``.

Modules: ``base`` (the blueprint, reading bodies), ``auth`` (bearer tokens), ``routes``
(workflows, consultations, actions, documents), ``comments`` (opinions, receipts),
``present`` (what each caller sees), ``schemas``, ``errors``, ``openapi``, ``health``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Importing the view modules registers their routes on the blueprint.
    from consult.api import (  # noqa: F401
        auth,
        comments,
        errors,
        health,
        openapi,
        register,
        routes,
    )
    from consult.api.base import bp
    from consult.extensions import csrf

    csrf.exempt(bp)
    errors.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(health.bp)
