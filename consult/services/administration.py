"""What an organization's administrator does: staff accounts and their roles, villages and
posting places. Every change asks :mod:`consult.permissions` (``Can.ADMINISTER`` in the
organization) and leaves an audit entry.

Accounts are scoped to the organization: an administrator sees and changes only the accounts
holding a role there (another commune's account is unknown, 404). Deactivating an account
ends its access at once: its API tokens are deleted and the session loader and the token
check refuse an inactive account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from consult import permissions
from consult.actor import Actor
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import Locality, Membership, Organization, PostingPlace, User
from consult.permissions import ROLES, Can
from consult.services import users


@dataclass(frozen=True)
class StaffMember:
    username: str
    full_name: str
    roles: tuple[str, ...]
    active: bool


def organization_for(session: Session, actor: Actor, code: str | None = None) -> Organization:
    """The organization ``actor`` administers (``code`` picks one of several); else 403."""
    for organization_id in permissions.organizations_where(actor, Can.ADMINISTER):
        organization = session.get(Organization, organization_id)
        if organization is not None and (not code or organization.code == code):
            return organization
    raise Forbidden(str(permissions.REFUSALS[Can.ADMINISTER]))


def _org_id(organization: Organization) -> int:
    assert organization.id is not None
    return organization.id


def staff(session: Session, actor: Actor, organization: Organization) -> list[StaffMember]:
    """The organization's accounts with their roles there, by username."""
    permissions.require(actor, Can.ADMINISTER, _org_id(organization))
    rows = session.exec(
        select(User, Membership.role)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(Membership.organization_id == organization.id)
        .order_by(col(User.username), col(Membership.role))
    )
    found: dict[str, tuple[User, list[str]]] = {}
    for user, role in rows:
        found.setdefault(user.username, (user, []))[1].append(role)
    return [
        StaffMember(u.username, u.full_name, tuple(r), bool(u.is_active)) for u, r in found.values()
    ]


def member(
    session: Session, actor: Actor, organization: Organization, username: str
) -> StaffMember:
    for one in staff(session, actor, organization):
        if one.username == username:
            return one
    raise NotFound(_("No account %(name)s in this organization.", name=username))


def add_user(
    session: Session,
    actor: Actor,
    organization: Organization,
    *,
    username: str,
    password: str,
    roles: Sequence[str],
    now: datetime,
    full_name: str = "",
) -> User:
    permissions.require(actor, Can.ADMINISTER, _org_id(organization))
    created = users.create(
        session,
        username=username,
        password=password,
        roles=list(roles),
        organization=organization,
        now=now,
        full_name=full_name.strip(),
    )
    audit.record(
        session,
        now=now,
        actor=actor,
        action="user_add",
        organization_id=organization.id,
        detail={"username": created.username, "roles": sorted(set(roles))},
    )
    return created


def change_user(
    session: Session,
    actor: Actor,
    organization: Organization,
    username: str,
    *,
    now: datetime,
    roles: Sequence[str] | None = None,
    active: bool | None = None,
) -> StaffMember:
    """Give or take roles in the organization, deactivate or reactivate the account.

    No change may leave the organization without an active administrator."""
    before = member(session, actor, organization, username)
    user = session.exec(select(User).where(User.username == username)).one()
    new_roles = tuple(sorted(set(roles))) if roles is not None else before.roles
    new_active = before.active if active is None else active
    if roles is not None and (not new_roles or any(r not in ROLES for r in new_roles)):
        message = _("Roles are: %(roles)s.", roles=", ".join(ROLES))
        raise Invalid(message, fields={"roles": message})
    administers = permissions.grants(new_roles, Can.ADMINISTER) and new_active
    if not administers and _active_admins(session, organization) <= {user.id}:
        message = _(
            "%(name)s is the last active administrator: give another account the "
            "administrator role first.",
            name=username,
        )
        raise Conflict(message, fields={"roles" if active is None else "active": message})
    if new_roles != before.roles:
        session.exec(
            delete(Membership).where(
                col(Membership.user_id) == user.id,
                col(Membership.organization_id) == organization.id,
            )
        )
        for role in new_roles:
            assert user.id is not None
            session.add(
                Membership(user_id=user.id, organization_id=_org_id(organization), role=role)
            )
    if new_active != before.active:
        user.is_active = new_active
        session.add(user)
        if not new_active:  # revoked at once: every session and token of the account ends
            users.end_sessions(session, user)
            users.revoke_tokens(session, user)
    if new_roles != before.roles or new_active != before.active:
        audit.record(
            session,
            now=now,
            actor=actor,
            action="user_change",
            organization_id=organization.id,
            detail={
                "username": username,
                "roles": list(new_roles),
                "active": new_active,
                "before": {"roles": list(before.roles), "active": before.active},
            },
        )
    session.flush()
    return StaffMember(username, user.full_name, new_roles, new_active)


def _active_admins(session: Session, organization: Organization) -> set[int | None]:
    rows = session.exec(
        select(User.id)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(
            Membership.organization_id == organization.id,
            col(Membership.role).in_(permissions.roles_for(Can.ADMINISTER)),
            col(User.is_active).is_(True),
        )
    )
    return set(rows)


# --- villages and posting places -------------------------------------------------------------


def villages(session: Session, organization: Organization) -> list[Locality]:
    query = (
        select(Locality)
        .where(Locality.organization_id == organization.id)
        .order_by(col(Locality.position), col(Locality.id))
    )
    return list(session.exec(query))


def posting_places(session: Session, organization: Organization) -> list[PostingPlace]:
    query = (
        select(PostingPlace)
        .where(PostingPlace.organization_id == organization.id)
        .order_by(col(PostingPlace.position), col(PostingPlace.id))
    )
    return list(session.exec(query))


def _name(value: str, field: str, longest: int, taken: Sequence[str]) -> str:
    name = " ".join(value.split())
    if not name or len(name) > longest:
        message = _("Give a name of 1 to %(n)s characters.", n=longest)
        raise Invalid(message, fields={field: message})
    if name.casefold() in {t.casefold() for t in taken}:
        message = _("%(name)s is already on the list.", name=name)
        raise Conflict(message, fields={field: message})
    return name


def _next_position(session: Session, model: type[Locality] | type[PostingPlace], org: int) -> int:
    query = select(func.max(model.position)).where(model.organization_id == org)
    last = session.exec(query).one()
    return 0 if last is None else int(last) + 1


def add_village(
    session: Session, actor: Actor, organization: Organization, name: str, now: datetime
) -> Locality:
    """A village or residential group (thôn, tổ dân phố)."""
    org = _org_id(organization)
    permissions.require(actor, Can.ADMINISTER, org)
    clean = _name(name, "name", 100, [v.name for v in villages(session, organization)])
    village = Locality(
        organization_id=org, name=clean, position=_next_position(session, Locality, org)
    )
    session.add(village)
    session.flush()
    audit.record(
        session,
        now=now,
        actor=actor,
        action="village_add",
        organization_id=org,
        detail={"name": clean},
    )
    return village


def add_posting_place(
    session: Session,
    actor: Actor,
    organization: Organization,
    name: str,
    now: datetime,
    village: str | None = None,
) -> PostingPlace:
    """A posting place (the office, a village cultural house, a community point); the
    workflows post at all of them by default."""
    org = _org_id(organization)
    permissions.require(actor, Can.ADMINISTER, org)
    clean = _name(name, "name", 200, [p.name for p in posting_places(session, organization)])
    locality = None
    if village:
        locality = next((v for v in villages(session, organization) if v.name == village), None)
        if locality is None:
            message = _("No village %(name)s: add it to the villages first.", name=village)
            raise Invalid(message, fields={"village": message})
    place = PostingPlace(
        organization_id=org,
        name=clean,
        kind="village" if locality else "office",
        locality_id=locality.id if locality else None,
        position=_next_position(session, PostingPlace, org),
    )
    session.add(place)
    session.flush()
    audit.record(
        session,
        now=now,
        actor=actor,
        action="posting_place_add",
        organization_id=org,
        detail={"name": clean, "village": village or None},
    )
    return place


def village_name(session: Session, place: PostingPlace) -> str | None:
    locality = session.get(Locality, place.locality_id) if place.locality_id else None
    return locality.name if locality else None
