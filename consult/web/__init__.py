"""The server-rendered web UI: public pages for citizens, staff pages, login."""

from __future__ import annotations

from flask import Flask

from consult import scope


def init_app(app: Flask) -> None:
    from consult.web import auth, documents, filters, public, staff

    scope.init_app(app)
    filters.init_app(app)
    auth.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(auth.bp)
    documents.init_app(app)
    from consult.web import review

    review.init_app(app)
