"""Organizations, their villages and posting places."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import SYSTEM, Actor
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import Locality, Organization, User
from consult.permissions import Can
from consult.services import users


def locality_names(session: Session, organization_id: int) -> list[str]:
    query = (
        select(Locality.name)
        .where(Locality.organization_id == organization_id)
        .order_by(col(Locality.position), col(Locality.id))
    )
    return list(session.exec(query))


def for_staff(session: Session, actor: Actor, code: str | None = None) -> Organization:
    """The organization where ``actor`` works (``code`` picks one when there are several):
    :class:`~consult.errors.Forbidden` when they work in none, or not in that one."""
    for organization_id in permissions.organizations_where(actor, Can.READ_STAFF_FILE):
        organization = session.get(Organization, organization_id)
        if organization is not None and (not code or organization.code == code):
            return organization
    raise Forbidden(_("Your role does not give access to this register."))


def any_exists(session: Session) -> bool:
    """Whether an organization was set up (``consult setup`` or ``consult demo``)."""
    return session.exec(select(Organization.id).limit(1)).first() is not None


def by_code(session: Session, code: str | None) -> Organization:
    """The organization with ``code``; with no code, the only organization there is."""
    if code:
        found = session.exec(select(Organization).where(Organization.code == code)).first()
        if found is None:
            raise NotFound(_("Unknown organization %(code)s.", code=code))
        return found
    all_ = list(session.exec(select(Organization).limit(2)))
    if len(all_) != 1:
        raise NotFound(_("Name the organization (--org CODE): there are %(n)s.", n=len(all_)))
    return all_[0]


# --- first set-up ------------------------------------------------------------------------------

COMMITTEE_PREFIXES = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd ")


@dataclass(frozen=True)
class SetUp:
    """What ``consult setup`` did: the organization and its administrator, each new or kept."""

    organization: Organization
    administrator: User
    created_organization: bool
    created_administrator: bool


def short_name_of(name: str) -> str:
    """ "xã Đông Sơn" from "Ủy ban nhân dân xã Đông Sơn"; the name itself otherwise."""
    lowered = name.strip().lower()
    for prefix in COMMITTEE_PREFIXES:
        if lowered.startswith(prefix):
            return name.strip()[len(prefix) :].strip()
    return name.strip()


def set_up(
    session: Session,
    *,
    code: str,
    name: str,
    place: str,
    admin_username: str,
    password: str,
    now: datetime,
    short_name: str = "",
    superior: str = "",
    admin_full_name: str = "",
    parent: Organization | None = None,
    kind: str = "commune",
) -> SetUp:
    """Create the organization and its first administrator, no demo data.

    Safe to run again: an organization of that code with that name is kept as it is, and an
    administrator already holding the role there is kept (their password untouched). Anything
    that would contradict what exists is refused with the field to change."""
    code, name, place = code.strip(), name.strip(), place.strip()
    problems: dict[str, str] = {}
    if not code or len(code) > 20 or any(c.isspace() or c in "/-" for c in code):
        problems["org_code"] = _(
            "The code used in document symbols (UBND in 156/QĐ-UBND): 1 to 20 characters, "
            "no spaces, no / or -."
        )
    if not name or len(name) > 200:
        problems["org_name"] = _("The full name, e.g. Ủy ban nhân dân xã Đông Sơn (1 to 200).")
    if not place or len(place) > 100:
        problems["place"] = _("The place name of the date line, e.g. Đông Sơn (1 to 100).")
    existing = session.exec(select(User).where(User.username == admin_username.strip())).first()
    if not admin_username.strip():
        problems["admin"] = _("The administrator's username, e.g. quantri.")
    if existing is None and len(password) < users.MIN_PASSWORD:
        problems["password"] = _("At least %(n)s characters.", n=users.MIN_PASSWORD)
    if problems:
        raise Invalid(
            _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
        )
    organization = session.exec(select(Organization).where(Organization.code == code)).first()
    created_organization = organization is None
    if organization is None:
        organization = Organization(
            code=code,
            name=name,
            short_name=(short_name.strip() or short_name_of(name))[:100],
            place_name=place,
            superior_name=superior.strip(),
            parent_id=parent.id if parent else None,
            kind=kind,
        )
        session.add(organization)
        session.flush()
    elif organization.name != name:
        message = _(
            "The organization %(code)s exists already, named %(name)s: give that name, or "
            "another code for another organization.",
            code=code,
            name=organization.name,
        )
        raise Conflict(message, fields={"org_name": message})
    assert organization.id is not None
    if existing is not None:
        roles = users.actor_for(session, existing).roles_in(organization.id)
        if not permissions.grants(roles, Can.ADMINISTER):
            message = _(
                "The username %(name)s is taken by another account: choose another one.",
                name=admin_username,
            )
            raise Conflict(message, fields={"admin": message})
        administrator, created_administrator = existing, False
    else:
        administrator = users.create(
            session,
            username=admin_username.strip(),
            password=password,
            roles=permissions.roles_for(Can.ADMINISTER),
            organization=organization,
            now=now,
            full_name=admin_full_name.strip(),
        )
        created_administrator = True
    if created_organization or created_administrator:
        audit.record(
            session,
            now=now,
            actor=SYSTEM,
            action="setup",
            organization_id=organization.id,
            detail={
                "organization": code,
                "created_organization": created_organization,
                "administrator": administrator.username,
                "created_administrator": created_administrator,
            },
        )
    return SetUp(organization, administrator, created_organization, created_administrator)
