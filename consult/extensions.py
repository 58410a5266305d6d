"""Flask extensions, created once here and bound to the app in :func:`consult.create_app`."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
"""Counts in ``RATELIMIT_STORAGE_URI`` (``CONSULT_RATELIMIT_STORAGE``: memory, or Redis)."""
READS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def _reading() -> bool:
    """Every limit of consult is on a write (``POST``: opinions, answers, logins, tokens) and
    none on a read, so a read skips the limiter's look at the view's limits, which cost a
    page about a tenth of its time."""
    return request.method in READS


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, opened without building its signer when the request
    carries no session cookie, as most do (citizens reading and sending, the API), and not
    saved when nothing touched it."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and (
            "HTTP_COOKIE" not in request.environ or self.get_cookie_name(app) not in request.cookies
        ):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if not (session or session.modified or session.accessed):
            return  # Flask's own would set, delete or vary nothing either
        super().save_session(app, session, response)


def select_locale() -> str:
    """The language chosen on the page (cookie ``lang``), else Vietnamese; then English."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen not in languages and request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or languages[0]
    return page_language(languages, chosen)


def page_language(languages: list[str], chosen: str | None) -> str:
    """A page's language: the one chosen (``?lang=``, cookie ``lang``) if consult has it,
    else the first of the installation's languages."""
    return str(chosen) if chosen in languages else str(languages[0])
