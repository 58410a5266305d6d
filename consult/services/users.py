"""Staff accounts, passwords (hashed by Werkzeug's scrypt) and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from consult.actor import Actor
from consult.errors import Invalid, Unauthenticated
from consult.i18n import _
from consult.models import ApiToken, Membership, Organization, User
from consult.permissions import ROLES

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


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.is_active or not check_password_hash(user.password_hash, password):
        raise Unauthenticated(_("Wrong username or password."))
    return user


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
