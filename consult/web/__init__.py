"""The server-rendered web UI: public pages for citizens, staff pages, login.

Blueprints: ``public`` (:mod:`.public` and :mod:`.portal`), ``staff`` (:mod:`.staff`,
:mod:`.steps`, :mod:`.working_draft`, :mod:`.entry`, :mod:`.meetings`, :mod:`.notices`,
the staff half of :mod:`.ballots`; its public half joins ``public``),
``review`` (:mod:`.review`, :mod:`.opinions`,
:mod:`.drafts`, :mod:`.report`), ``documents`` and ``register`` (official documents and the
register), ``auth``.
"""

from __future__ import annotations

from flask import Flask

from consult import scope


def init_app(app: Flask) -> None:
    from consult.web import (  # noqa: F401  (modules whose routes join a blueprint)
        admin,
        admin_workflows,
        auth,
        ballots,
        documents,
        entry,
        filters,
        headers,
        meetings,
        notices,
        portal,
        province,
        public,
        register,
        report,
        staff,
        steps,
        working_draft,
    )

    scope.init_app(app)
    filters.init_app(app)
    headers.init_app(app)
    auth.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(register.bp)
    app.register_blueprint(admin.bp)
    documents.init_app(app)
    report.init_app(app)
