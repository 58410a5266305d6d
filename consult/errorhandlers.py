"""The app's one error handler: whatever a request runs into is answered here, once, after
the request's unit of work is rolled back (nothing is left half-written): the JSON shape
``{"error": {"code", "message", "fields"}}`` under ``/api/`` (:mod:`consult.api.errors`), the
HTML error page elsewhere (:mod:`consult.web.errors`).

An unexpected exception is logged once, with its traceback, by Flask (``handle_exception``),
which then hands the 500 it becomes (``InternalServerError``) to :func:`_server_error`.

A database that cannot be reached, is read-only or full (SQLAlchemy's ``OperationalError``,
``InterfaceError``, a pool timeout) is 503 with ``Retry-After``: the static page
``static/unavailable.html`` (it needs no database) or the API's ``database_unavailable``;
the log gets one line per kind of failure per :data:`LOG_INTERVAL`, not a traceback per
request.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import psycopg
from flask import Flask, Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from consult import scope
from consult.api import errors as api_errors
from consult.errors import ConsultError
from consult.web import errors as web_errors

UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    PoolTimeout,
    # the drivers' own, from the paths that use a raw connection (the citizens' intake)
    sqlite3.OperationalError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
LOG_INTERVAL = 60.0
"""Seconds between two log lines about the same kind of database failure."""
RETRY_AFTER = "30"
_logged: dict[str, float] = {}
_logged_lock = threading.Lock()


def _for_api() -> bool:
    return request.path.startswith(scope.API_PATHS)


def _rollback() -> None:
    try:
        scope.rollback()
    except SQLAlchemyError:  # the database itself failed: the answer must still go out
        current_app.logger.warning("rollback after an error failed", exc_info=True)


def _consult_error(exc: ConsultError) -> ResponseReturnValue:
    _rollback()
    return api_errors.consult_error(exc) if _for_api() else web_errors.consult_error_page(exc)


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    _rollback()
    return api_errors.http_error(exc) if _for_api() else web_errors.http_error_page(exc)


def _csrf_error(exc: CSRFError) -> ResponseReturnValue:
    _rollback()
    return api_errors.http_error(exc) if _for_api() else web_errors.expired_form_page(exc)


def _server_error(exc: InternalServerError) -> ResponseReturnValue:
    # Flask logged the original exception with its traceback before calling this.
    return _http_error(exc)


def failure_kind(exc: BaseException) -> str:
    """What failed, in a few words: the driver's error class and its first line."""
    origin = getattr(exc, "orig", None) or exc
    first = (str(origin).strip().splitlines() or [""])[0]
    return f"{type(origin).__name__}: {first[:200]}"


def log_once(kind: str, now: float | None = None) -> bool:
    """Log ``kind`` unless it was logged less than :data:`LOG_INTERVAL` ago; True if logged."""
    now = time.monotonic() if now is None else now
    with _logged_lock:
        last = _logged.get(kind)
        if last is not None and now - last < LOG_INTERVAL:
            return False
        _logged[kind] = now
    current_app.logger.error(
        "database unavailable (%s); the same failure is logged again in %ss at the earliest",
        kind,
        int(LOG_INTERVAL),
    )
    return True


def _database_unavailable(exc: Exception) -> ResponseReturnValue:
    _rollback()
    log_once(failure_kind(exc))
    if _for_api():
        response = api_errors.database_unavailable()
    else:
        response = Response(web_errors.unavailable_page(), 503, mimetype="text/html")
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def init_app(app: Flask) -> None:
    for error in UNAVAILABLE:
        app.register_error_handler(error, _database_unavailable)
    app.register_error_handler(ConsultError, _consult_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(HTTPException, _http_error)
