"""The app's one error handler: whatever a request runs into is answered here, once, after
the request's unit of work is rolled back (nothing is left half-written): the JSON shape
``{"error": {"code", "message", "fields"}}`` under ``/api/`` (:mod:`consult.api.errors`), the
HTML error page elsewhere (:mod:`consult.web.errors`).

An unexpected exception is logged once, with its traceback, by Flask (``handle_exception``),
which then hands the 500 it becomes (``InternalServerError``) to :func:`_server_error`.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from consult import scope
from consult.api import errors as api_errors
from consult.errors import ConsultError
from consult.web import errors as web_errors

API_PREFIX = "/api/"


def _for_api() -> bool:
    return request.path.startswith(API_PREFIX)


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


def init_app(app: Flask) -> None:
    app.register_error_handler(ConsultError, _consult_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(HTTPException, _http_error)
