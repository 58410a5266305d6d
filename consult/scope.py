"""What every request shares, pages and API alike: the runtime, the request's database session,
the clock, the acting user, the sending client's keyed hash, and the one way a request writes
(:func:`writing`).

One session per request, closed at teardown. Neither the web pages nor the API know how the
other reads its user: the API puts the token's actor in ``g.api_actor``, the pages log in
through Flask-Login; :func:`current_actor` answers for both.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import MAXYEAR, MINYEAR, date, datetime
from functools import lru_cache
from typing import Any

from flask import Flask, current_app, g, request
from flask import Request as FlaskRequest
from flask_login import current_user
from sqlmodel import Session
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import IntegerConverter, Map

from consult.actor import CITIZEN, Actor
from consult.db import as_writer
from consult.runtime import Runtime
from consult.services import users
from consult.text import without_controls

API_PATHS = "/api/"
"""Where the JSON API answers (pages elsewhere)."""


def runtime() -> Runtime:
    rt = current_app.extensions["consult"]
    assert isinstance(rt, Runtime)
    return rt


def db() -> Session:
    if "db_session" not in g:
        g.db_session = Session(runtime().db, expire_on_commit=False)
    session: Session = g.db_session
    return session


def streamed(produce: Callable[[Session], Iterator[bytes]]) -> Iterator[bytes]:
    """A response body made while it is sent (a streamed download): it is read after the
    request has ended and closed its session, so it reads in a session of its own, closed
    when the body ends or the client goes away."""
    engine = runtime().db

    def body() -> Iterator[bytes]:
        with Session(engine, expire_on_commit=False) as session:
            yield from produce(session)

    return body()


def now() -> datetime:
    """The request's instant: read once, so every rule of one request sees the same moment."""
    if "now" not in g:
        g.now = runtime().now()
    value: datetime = g.now
    return value


def today() -> date:
    """The request's calendar day, in the installation's zone."""
    return runtime().calendar.local_date(now())


def current_actor() -> Actor:
    """The token holder (API), the logged-in staff member (pages), else a citizen."""
    if "api_actor" in g:
        actor: Actor = g.api_actor
        return actor
    if "web_actor" not in g:
        g.web_actor = (
            users.actor_for(db(), current_user.user) if current_user.is_authenticated else CITIZEN
        )
    web_actor: Actor = g.web_actor
    return web_actor


def client_key() -> str:
    """Who sent the request, as a keyed hash only: the raw address is never stored. The key
    mixes the secret key, the day, the client address and its user agent, so the hash cannot
    be reversed into an address without the secret, and it changes every day."""
    return client_key_of(request.environ, str(current_app.config["SECRET_KEY"]), now())


def client_key_of(environ: Mapping[str, Any], secret: str, instant: datetime) -> str:
    """:func:`client_key` of a WSGI environ, for a path answered before Flask's request."""
    agent = environ.get("HTTP_USER_AGENT", "")
    material = "\x1f".join((instant.date().isoformat(), address_of(environ), agent))
    keyed = _keyed(secret).copy()
    keyed.update(material.encode("utf-8"))
    return keyed.hexdigest()


def client_address() -> str:
    """The client's address, ``127.0.0.1`` when it has none (as flask-limiter's
    ``get_remote_address``): what the limits on public writes count per."""
    return address_of(request.environ)


def address_of(environ: Mapping[str, Any]) -> str:
    """:func:`client_address` of a WSGI environ."""
    return str(environ.get("REMOTE_ADDR") or "127.0.0.1")


@lru_cache(maxsize=4)
def _keyed(secret: str) -> hmac.HMAC:
    """The HMAC keyed with the secret, its key schedule done once (copied per request)."""
    return hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)


def login_account() -> str:
    """The account a login names (the form's or the JSON body's ``username``), folded: the
    key of the per-account limit on failed logins, shared by the login page and the API."""
    name = request.form.get("username")
    if name is None:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else ""
    return "account:" + str(name or "").strip().casefold()


def failed_login(response: Any) -> bool:
    """Only a refused login counts against the account's limit."""
    return bool(response.status_code == 401)


@contextmanager
def writing(*, lock_now: bool = True) -> Iterator[Session]:
    """The request's unit of work that writes: commits when the block ends, rolls back on any
    error (which goes on to the caller or the app's error handler), so nothing is left
    half-written.

    Whatever the request read before (the login, the token) is ended first. On SQLite the write
    lock is taken now, so concurrent writers queue instead of failing half-way; a service that
    reads a lot before its few writes (the citizens' intake) passes ``lock_now=False`` and
    takes the lock itself just before writing (:func:`consult.db.as_writer`).
    """
    runtime().refresh_calendar()  # a year's holidays entered by another process count here too
    session = db()
    if lock_now:
        as_writer(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def rollback() -> None:
    """Undo what the request wrote (an error answer is on its way)."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


class CleanedValues(ImmutableMultiDict[str, Any]):
    """Query strings and form fields without control characters (NUL…): no input of any page
    or API call reaches a service, the database or a document with one. Files pass as sent."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is not None:
            mapping = [
                (without_controls(k), without_controls(v) if isinstance(v, str) else v)
                for k, v in iter_multi_items(mapping)
            ]
        super().__init__(mapping)


class Request(FlaskRequest):
    """Every request's arguments and form fields are :class:`CleanedValues`; the API's JSON
    bodies are cleaned by its parser (:mod:`consult.api.base`) with the same rule."""

    parameter_storage_class = CleanedValues


BIGGEST_ID = 2**31 - 1
"""The largest id or number the tables store: their ``INTEGER`` columns are 32-bit on
PostgreSQL (SQLite's hold 64). A larger number names nothing and must never reach a query
(PostgreSQL's NumericValueOutOfRange, SQLite's OverflowError past 64 bits)."""


NO_ID = 0
"""What a path's number beyond :data:`BIGGEST_ID` becomes: an id no row has (they start at 1)."""


class BoundedInt(IntegerConverter):
    """``<int:…>`` in every route of the app, documented as 0 to :data:`BIGGEST_ID`.

    A larger number is :data:`NO_ID`, so the view answers as for any unknown id (404, after
    the same token and role checks) and the number never reaches a query. Refusing it here
    instead would make werkzeug answer 405 where another method shares the path.
    """

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = BIGGEST_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> Any:
        if int(value) > BIGGEST_ID:
            return NO_ID
        return super().to_python(value)


def whole_number(value: str) -> int:
    """A query argument's whole number, for ``request.args.get(name, default, type=...)``:
    outside 0 to :data:`BIGGEST_ID` it is no number, so the default applies (as for "abc")."""
    number = int(value)
    if not 0 <= number <= BIGGEST_ID:
        raise ValueError(value)
    return number


BIGGEST_PAGE = 10**6
"""Pages past this one are past any list's end; the bound keeps page × page size (the
query's OFFSET, at most 200 a page) within :data:`BIGGEST_ID`."""


def page_number(value: str) -> int:
    """A ``?page=`` argument: 0 to :data:`BIGGEST_PAGE`, else the default applies."""
    number = whole_number(value)
    if number > BIGGEST_PAGE:
        raise ValueError(value)
    return number


def calendar_year(value: str) -> int:
    """A ``?year=`` argument: a year a date can have (1 to 9999), else the default applies."""
    number = whole_number(value)
    if not MINYEAR <= number <= MAXYEAR:
        raise ValueError(value)
    return number


def _close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    """Before any blueprint: the routes' converters are bound when they are registered."""
    app.url_map.converters["int"] = BoundedInt
    app.request_class = Request
    app.teardown_appcontext(_close_session)
