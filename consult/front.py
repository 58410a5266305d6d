"""The two answers a surge is made of, given before Flask's request handling.

A national consultation is mostly two requests: a citizen sending an opinion (``POST
/api/v1/consultations/{id}/comments``) and a citizen reading the consultation's page (``GET
/consultations/{id}``). Flask's request machinery with consult's extensions (context, routing,
sessions, login, languages, CSRF, limits, the answer's headers) costs more than storing the
opinion or finding the kept page, so :class:`Front`, the WSGI app around Flask's, answers the
plain case of each itself:

- an opinion with no token and a JSON body the schema accepts: counted against the limits on
  public writes, stored by the same service, answered with the same receipt;
- a page already kept by the page cache for the key of this request (no cookie but the
  language, no argument but ``page``), ``304`` when the client holds it.

Everything else goes to the Flask app unchanged, and so does any request the front cannot
finish for any reason: a refused body, a closed window, a full limit, a database error, a page
not rendered yet. Flask then answers it as always (reading the body again), so every refusal,
error shape and message has one home. The rules have one home too: :data:`comments.COMMENT_IN`
validates, :func:`comments.store_opinion` stores, :func:`comments.receipt_answer` answers,
:func:`public.page_key` and :mod:`page_cache` find the page, :func:`headers.public` gives the
security headers (``tests/test_front.py`` checks both answers equal Flask's).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie, parse_etags

from consult import scope
from consult.api import auth, comments
from consult.api.base import PREFIX
from consult.db import driver
from consult.errors import ConsultError
from consult.extensions import page_language
from consult.services import consultations
from consult.text import cleaned
from consult.web import headers, page_cache, public

log = logging.getLogger(__name__)

Answer = tuple[str, list[tuple[str, str]], bytes]
StartResponse = Callable[..., Any]

PAGES = "/consultations/"
OPINIONS = (f"{PREFIX}/consultations/", "/comments")
"""``/api/v1/consultations/`` + id + ``/comments``: where citizens send opinions."""
JSON_TYPES = ("application/json",)


class Front:
    """``app.wsgi_app``: answers the plain opinion and the kept page, passes the rest on."""

    def __init__(self, app: Flask, flask_app: Callable[..., Iterable[bytes]]) -> None:
        self.flask_app = flask_app
        self.runtime = app.extensions["consult"]
        self.config = app.config
        self.pages = page_cache.pages_of(app)
        self.headers = headers.public(self.runtime.settings.production)
        self.limit = auth.limit_name(comments.comment_create)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        answer = None
        try:
            answer = self.answer(environ)
        except (ConsultError, HTTPException, ValidationError, ValueError):
            pass  # refused: Flask refuses it again, in the error shape and language asked
        except Exception:  # a database error…: Flask answers it (503) and logs it
            log.debug("front: passed on to Flask", exc_info=True)
        if answer is None:
            return self.flask_app(environ, start_response)
        status, own_headers, body = answer
        start_response(status, [*own_headers, *self.headers])
        return [body]

    def answer(self, environ: dict[str, Any]) -> Answer | None:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if method == "GET" and path.startswith(PAGES):
            number = path[len(PAGES) :]
            return self.page(environ, int(number)) if _plain_id(number) else None
        start, end = OPINIONS
        if method == "POST" and path.startswith(start) and path.endswith(end):
            number = path[len(start) : -len(end)]
            return self.opinion(environ, int(number)) if _plain_id(number) else None
        return None

    def page(self, environ: dict[str, Any], consultation_id: int) -> Answer | None:
        """The kept page for this request's key, or ``None`` (Flask renders and keeps it)."""
        page = 1
        query = environ.get("QUERY_STRING", "")
        if query:
            name, _sep, value = query.partition("=")
            if name != "page" or not value.isdigit():
                return None  # ?lang=, several arguments, anything unusual: Flask reads them
            page = public.page_of(value)
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if not page_cache.anonymous(cookies):
            return None
        language = page_language(self.config["LANGUAGES"], cookies.get("lang"))
        with driver(self.runtime.db) as connection:
            version = consultations.public_version(connection, consultation_id, self.runtime.now())
        if version is None or not consultations.is_public_state(version.state):
            return None
        found = page_cache.kept(
            self.pages, public.page_key(consultation_id, page, language, version)
        )
        if found is None:
            return None
        etag, body = found
        own = page_cache.answer_headers(etag)
        if etag in parse_etags(environ.get("HTTP_IF_NONE_MATCH")):
            return "304 NOT MODIFIED", own, b""
        html = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        return "200 OK", [*html, *own], body

    def opinion(self, environ: dict[str, Any], consultation_id: int) -> Answer | None:
        """A citizen's opinion stored and its receipt, or ``None`` (Flask answers it)."""
        if environ.get("HTTP_AUTHORIZATION") or environ.get("QUERY_STRING"):
            return None
        content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        length = environ.get("CONTENT_LENGTH", "")
        if content_type not in JSON_TYPES or not length.isdigit():
            return None
        size = int(length)
        if not 0 < size <= (self.config.get("MAX_CONTENT_LENGTH") or size):
            return None
        raw = environ["wsgi.input"].read(size)
        environ["wsgi.input"] = io.BytesIO(raw)  # should Flask answer, it reads the body again
        data = comments.COMMENT_IN.load(cleaned(json.loads(raw)))
        now = self.runtime.now()
        limits = auth.public_write_limit_of(self.config)
        if limits:
            auth.count_public_write(limits, self.limit, scope.address_of(environ))
            environ[auth.COUNTED] = True  # counted once, whoever answers
        client = scope.client_key_of(environ, str(self.config["SECRET_KEY"]), now)
        article, stored = comments.store_opinion(
            self.runtime.db, consultation_id, data, client, now
        )
        text, location = comments.receipt_answer(
            environ.get("SCRIPT_NAME", ""), consultation_id, article, stored
        )
        body = text.encode()
        own = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Location", location),
        ]
        return "201 CREATED", own, body


def _plain_id(number: str) -> bool:
    """An id as the routes take it: digits, within the tables' integers."""
    return number.isdigit() and number.isascii() and int(number) <= scope.BIGGEST_ID


def init_app(app: Flask) -> None:
    app.wsgi_app = Front(app, app.wsgi_app)  # type: ignore[method-assign]
