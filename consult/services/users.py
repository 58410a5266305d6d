"""Staff accounts, passwords (hashed by Werkzeug's scrypt), web sessions and API tokens.

A web session carries the account's id *and* its ``session_version`` (:func:`session_id`);
moving the version on (:func:`end_sessions`: logout, :func:`change_password`,
:func:`deactivate`) makes every cookie issued before refused, copied ones included, without
a server-side session store. API tokens are rows: revoking one deletes it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from consult.actor import Actor
from consult.errors import Forbidden, Invalid, Unauthenticated
from consult.i18n import _
from consult.ledger import audit
from consult.models import ApiToken, Membership, Organization, User
from consult.permissions import ROLES, Can, allows

MIN_PASSWORD = 8


def create(
    session: Session,
    *,
    username: str,
    password: str,
    roles: list[str],
    organization: Organization,
    now: datetime,
    full_name: str = "",
    position: str = "",
    email: str = "",
) -> User:
    problems = {}
    if not username.strip() or len(username) > 80:
        problems["username"] = _("1 to 80 characters.")
    elif session.exec(select(User).where(User.username == username)).first():
        problems["username"] = _("The username %(name)s is taken.", name=username)
    if len(password) < MIN_PASSWORD:
        problems["password"] = _("At least %(n)s characters.", n=MIN_PASSWORD)
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        problems["role"] = _("Roles are: %(roles)s.", roles=", ".join(ROLES))
    if problems:
        raise Invalid(
            _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
        )
    user = User(
        username=username.strip(),
        full_name=full_name,
        position=position,
        email=email,
        password_hash=generate_password_hash(password),
        created_at=now,
    )
    session.add(user)
    session.flush()
    assert user.id is not None and organization.id is not None
    for role in dict.fromkeys(roles):
        session.add(Membership(user_id=user.id, organization_id=organization.id, role=role))
    return user


_UNKNOWN: list[str] = []
"""A hash checked when no account has the name, so an unknown name takes as long as a wrong
password (no enumeration of accounts by timing)."""


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        if not _UNKNOWN:
            _UNKNOWN.append(generate_password_hash(secrets.token_hex(16)))
        check_password_hash(_UNKNOWN[0], password)
    if user is None or not user.is_active or not check_password_hash(user.password_hash, password):
        raise Unauthenticated(_("Wrong username or password."))
    return user


# --- web sessions ---------------------------------------------------------------------------


def session_id(user: User) -> str:
    """What a web session remembers of its user (Flask-Login's alternative id)."""
    return f"{user.id}:{user.session_version}"


def user_for_session(session: Session, value: str) -> User | None:
    """The active user a web session names, or None when the session has been ended
    (logout, password change, deactivation) or names no one."""
    user_id, sep, version = value.partition(":")
    if not sep or not user_id.isdigit() or not version.isdigit() or len(user_id) > 18:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def end_sessions(session: Session, user: User) -> None:
    """End every web session of the account (the caller commits)."""
    user.session_version += 1
    session.add(user)


def change_password(session: Session, user: User, *, current: str, new: str, now: datetime) -> None:
    """The account holder changes their password: every other session and every token of the
    account ends; the caller logs the changing session in again (:func:`session_id`)."""
    problems = {}
    if not check_password_hash(user.password_hash, current):
        problems["current_password"] = _("The current password is wrong.")
    if len(new) < MIN_PASSWORD:
        problems["new_password"] = _("At least %(n)s characters.", n=MIN_PASSWORD)
    elif new.strip().casefold() == user.username.casefold():
        problems["new_password"] = _("Choose a password other than your username.")
    if problems:
        raise Invalid(
            _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
        )
    user.password_hash = generate_password_hash(new)
    end_sessions(session, user)
    revoke_tokens(session, user)
    audit.record(
        session,
        now=now,
        actor=actor_for(session, user),
        action="password_change",
        detail={"username": user.username},
    )


def deactivate(session: Session, user: User, *, actor: Actor, now: datetime) -> None:
    """An administrator (of one of the account's organizations) or the command line disables
    the account: its sessions and tokens end at once (the caller commits)."""
    if not actor.is_system and not any(
        allows(actor, Can.ADMINISTER, org) for org in actor_for(session, user).roles_by_org
    ):
        raise Forbidden(_("Only an administrator can do this."))
    user.is_active = False
    end_sessions(session, user)
    revoke_tokens(session, user)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="user_deactivate",
        detail={"username": user.username},
    )


def actor_for(session: Session, user: User) -> Actor:
    roles: dict[int, set[str]] = defaultdict(set)
    for membership in session.exec(select(Membership).where(Membership.user_id == user.id)):
        roles[membership.organization_id].add(membership.role)
    return Actor(
        username=user.username,
        user_id=user.id,
        full_name=user.full_name,
        title=user.position,
        roles_by_org={org: frozenset(r) for org, r in roles.items()},
    )


def display_name(session: Session, user_id: int | None) -> str:
    """How a staff member is named on a page (their full name, else their username)."""
    user = session.get(User, user_id) if user_id is not None else None
    return (user.full_name or user.username) if user is not None else ""


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, now: datetime, days: int) -> str:
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=_hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token


def user_for_token(session: Session, token: str, now: datetime) -> User:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _hash_token(token))).first()
    if row is None or row.expires_at <= now:
        raise Unauthenticated(
            _("The token is unknown or has expired; ask for a new one at POST /api/v1/auth/token.")
        )
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthenticated(_("This account is disabled."))
    return user


def revoke_token(session: Session, token: str) -> None:
    """The token answers 401 from now on (the caller commits)."""
    session.execute(delete(ApiToken).where(col(ApiToken.token_hash) == _hash_token(token)))


def revoke_tokens(session: Session, user: User) -> None:
    """Every token of the account answers 401 from now on (the caller commits)."""
    session.execute(delete(ApiToken).where(col(ApiToken.user_id) == user.id))
