"""What every view needs: the runtime, the request's database session, the clock, the actor.

One session per request, closed at teardown. A view that writes calls :func:`writing`
before its first query, then :func:`commit`.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, g
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlmodel import Session

from consult.actor import CITIZEN, Actor
from consult.db import begin_write
from consult.errors import ConsultError, Forbidden
from consult.extensions import login_manager
from consult.runtime import Runtime
from consult.services import users


def runtime() -> Runtime:
    rt = current_app.extensions["consult"]
    assert isinstance(rt, Runtime)
    return rt


def db() -> Session:
    if "db_session" not in g:
        g.db_session = Session(runtime().db, expire_on_commit=False)
    session: Session = g.db_session
    return session


def writing() -> Session:
    """The request's session, declared a writer (SQLite takes its write lock now)."""
    session = db()
    begin_write(session)
    return session


def commit() -> None:
    db().commit()


def start_writing() -> Session:
    """End the read transaction a staff request's login check opened, then declare it a writer."""
    db().commit()
    return writing()


def abandon(error: ConsultError) -> None:
    """Roll back what the request wrote after ``error``. A refusal of access goes on to the
    error page; any other error is the caller's to show on its form."""
    db().rollback()
    if isinstance(error, Forbidden):
        raise error


def require_staff() -> ResponseReturnValue | None:
    """``before_request`` of every staff blueprint: a login, and at least one staff role."""
    if not current_user.is_authenticated:
        response: ResponseReturnValue = login_manager.unauthorized()
        return response
    if not current_actor().all_roles:
        abort(403)
    return None


def now() -> datetime:
    if "now" not in g:
        g.now = runtime().now()
    value: datetime = g.now
    return value


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def current_actor() -> Actor:
    """The logged-in staff member (web) or token holder (API, set in ``g.api_actor``)."""
    if "api_actor" in g:
        actor: Actor = g.api_actor
        return actor
    if current_user.is_authenticated:
        return users.actor_for(db(), current_user.user)
    return CITIZEN
