"""The HTML error pages: a title and a message for each status, in the visitor's language.

The app's one error handler (:mod:`consult.errorhandlers`) calls these for every request
outside ``/api/``.
"""

from __future__ import annotations

from functools import cache

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from consult.config import ROOT
from consult.errors import ConsultError
from consult.i18n import _, lazy

PAGE_STATUSES = frozenset({400, 403, 404, 405, 413, 429, 500})
"""The HTTP errors answered with the site's page; any other keeps Werkzeug's plain one."""
PASSED_ON = ("Allow", "Retry-After")

_TITLES = {
    400: lazy("The request could not be understood"),
    403: lazy("You may not do this"),
    404: lazy("Page not found"),
    405: lazy("Not allowed this way"),
    409: lazy("Not possible now"),
    413: lazy("Too large"),
    422: lazy("Some fields are not valid"),
    429: lazy("Too many requests"),
    500: lazy("Something went wrong"),
}
_MESSAGES = {
    400: lazy("Please go back, reload the page and try again."),
    403: lazy("Your role does not allow this page or action."),
    404: lazy("The address may be mistyped, or the page has been removed."),
    429: lazy(
        "You sent too many opinions in a short time. Please wait a few minutes and try "
        "again; what you wrote is still in your browser's previous page."
    ),
    500: lazy("The error was recorded. Please try again in a moment."),
}

_LOGIN_LIMITED = lazy(
    "Too many failed logins for this account or from this address. Wait a few minutes and "
    "try again, or ask the administrator to check the account."
)


def error_page(status: int, message: str | None = None) -> tuple[str, int]:
    title = _TITLES.get(status, _TITLES[500])
    text = message or _MESSAGES.get(status) or ""
    return render_template("error.html", status=status, title=title, message=text), status


def http_error_page(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    if status not in PAGE_STATUSES:
        return exc
    message = str(_LOGIN_LIMITED) if status == 429 and request.endpoint == "auth.login" else None
    page, _status = error_page(status, message)
    headers = [(name, value) for name, value in exc.get_headers() if name in PASSED_ON]
    return page, status, headers


def expired_form_page(_exc: CSRFError) -> tuple[str, int]:
    return error_page(
        400,
        _(
            "The form had expired or was sent from elsewhere (missing "
            "security token). Reload the page and send it again."
        ),
    )


UNAVAILABLE_PAGE = ROOT / "static" / "unavailable.html"


@cache
def unavailable_page() -> str:
    """The page shown when the database cannot be reached: a static file, so showing it
    needs neither the database nor a template that reads it."""
    return UNAVAILABLE_PAGE.read_text(encoding="utf-8")


def consult_error_page(exc: ConsultError) -> tuple[str, int]:
    """A domain error no view handled itself."""
    return error_page(exc.status, exc.message)
