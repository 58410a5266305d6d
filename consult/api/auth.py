"""Who is calling: a bearer token gives the staff member's :class:`~consult.actor.Actor`;
no token means a citizen. The API never reads the web login's session cookie: it is
exempt from CSRF, so a cookie must not be able to act in it.

Authentication lives here; roles are checked where each rule lives (the engine, the
services), so the API and the web UI refuse the same things.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from consult import scope
from consult.actor import CITIZEN
from consult.api.base import bp, refusals
from consult.api.schemas import TokenIn, TokenOut
from consult.errors import Unauthenticated
from consult.extensions import limiter
from consult.i18n import _
from consult.services import users

F = TypeVar("F", bound=Callable[..., Any])


@bp.before_request
def identify_caller() -> None:
    header = request.headers.get("Authorization", "").strip()
    if not header:
        g.api_actor = CITIZEN
        return
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(_("Send the token as the header Authorization: Bearer TOKEN."))
    session = scope.db()
    user = users.user_for_token(session, token.strip(), scope.now())
    g.api_actor = users.actor_for(session, user)
    session.commit()  # end the read: a write view then declares itself a writer


def staff_only(view: F) -> F:
    """The view needs a staff token (401 without one); roles are checked further in. Put it
    right under ``@bp.route``: the token is asked for before the body is read."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if scope.current_actor().user_id is None:
            raise Unauthenticated(
                _("Log in first: POST /api/v1/auth/token, then send Authorization: Bearer TOKEN.")
            )
        return view(*args, **kwargs)

    return cast(F, refusals(401, security=[{"bearer": []}])(guarded))


def public_write_limit() -> str:
    """The limit on public writes per client address (``CONSULT_RATELIMIT``); none when off."""
    return public_write_limit_of(current_app.config)


def public_write_limit_of(config: Mapping[str, Any]) -> str:
    """:func:`public_write_limit` of an app's config, for a path answered before Flask's
    request (:mod:`consult.front`)."""
    if not config.get("RATELIMIT_ENABLED", True):
        return ""
    return str(config["PUBLIC_WRITE_LIMIT"])


def ratelimit_off() -> bool:
    return not current_app.config.get("RATELIMIT_ENABLED", True)


COUNTED = "consult.public_write_counted"
"""Set in the environ of a request whose public write :mod:`consult.front` counted already."""


def public_write(view: F) -> F:
    """The limits on public writes per client address (``CONSULT_RATELIMIT``) on a view, each
    view counted on its own; 429 with ``Retry-After`` past one. Nothing when limits are off.

    Counted straight in flask-limiter's strategy and storage (memory, or Redis shared by the
    workers; ``limiter.reset()`` clears them): its own resolution of a view's limits on every
    request cost a citizen's opinion more than validating and storing it."""
    name = limit_name(view)

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        limits = public_write_limit()
        if limits and not request.environ.get(COUNTED):
            count_public_write(limits, name, scope.client_address())
        return view(*args, **kwargs)

    return cast(F, checked)


def limit_name(view: Callable[..., Any]) -> str:
    """The name a view's public writes are counted under."""
    return f"{view.__module__}.{view.__name__}"


def count_public_write(limits: str, name: str, address: str) -> None:
    """Count one public write of ``address`` to the view ``name``; 429 past a limit."""
    strategy = limiter.limiter
    for limit in _limits(limits):
        if not strategy.hit(limit, address, name):
            reset_at, _remaining = strategy.get_window_stats(limit, address, name)
            wait = max(1, math.ceil(reset_at - time.time()))
            raise TooManyRequests(description=str(limit), retry_after=wait)


@lru_cache(maxsize=8)
def _limits(text: str) -> tuple[RateLimitItem, ...]:
    """``20/minute;200/hour`` read once."""
    return tuple(parse_many(text))


def login_account_limit() -> str:
    return str(current_app.config["LOGIN_ACCOUNT_LIMIT"])


@bp.route("/auth/token", methods=["POST"], tags=["auth"])
@limiter.limit(public_write_limit, exempt_when=ratelimit_off)
@limiter.shared_limit(
    login_account_limit,
    key_func=scope.login_account,
    scope="login_account",
    deduct_when=scope.failed_login,
    exempt_when=ratelimit_off,
)
@bp.arguments(TokenIn())
@bp.response(200, TokenOut())
@refusals(400, 401, 422, 429)
def token(data: dict[str, Any]) -> dict[str, Any]:
    """Exchange a staff username and password for a bearer token"""
    now, days = scope.now(), scope.runtime().settings.token_days
    with scope.writing() as session:
        user = users.authenticate(session, data["username"], data["password"])
        issued = users.issue_token(session, user, now, days)
    return {"token": issued, "expires_at": now + timedelta(days=days)}


@bp.route("/auth/token", methods=["DELETE"], tags=["auth"])
@staff_only
@bp.response(204)
def revoke_token() -> None:
    """Revoke the bearer token sent: it answers 401 from then on"""
    _scheme, _sep, sent = request.headers.get("Authorization", "").partition(" ")
    with scope.writing() as session:
        users.revoke_token(session, sent.strip())
