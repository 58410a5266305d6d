"""consult: public consultation on commune regulations (Quy chế thực hiện dân chủ)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask

from consult.config import ROOT, load_settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app. Never starts the scheduler: `consult serve` or `consult scheduler` do.

    ``test_config`` overrides settings (``database_url``…) and may carry ``clock``, a
    callable returning the current aware UTC instant, for tests that move time.
    """
    from consult import errorhandlers, extensions, front, web
    from consult.api import init_app as init_api
    from consult.i18n import ensure_catalogs
    from consult.runtime import build_runtime

    overrides = dict(test_config or {})
    clock = overrides.pop("clock", None)
    flask_overrides = {k: overrides.pop(k) for k in list(overrides) if k.isupper()}
    settings = load_settings(overrides)

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(settings.instance_dir),
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        LANGUAGES=list(settings.languages),
        BABEL_DEFAULT_LOCALE=settings.languages[0],
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        RATELIMIT_ENABLED=settings.ratelimit.strip().lower() != "off",
        PUBLIC_WRITE_LIMIT=settings.ratelimit,
        LOGIN_ACCOUNT_LIMIT=settings.login_limit,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage,
        WTF_CSRF_TIME_LIMIT=settings.session_hours * 3600,
    )
    app.config.update(flask_overrides)
    ensure_catalogs(ROOT / "translations")
    runtime = build_runtime(settings, clock=clock)
    app.extensions["consult"] = runtime
    app.session_interface = extensions.CookieSessions()

    extensions.login_manager.init_app(app)
    extensions.csrf.init_app(app)
    extensions.babel.init_app(app, locale_selector=extensions.select_locale)
    extensions.limiter.init_app(app)
    web.init_app(app)
    init_api(app)
    errorhandlers.init_app(app)
    front.init_app(app)
    return app
