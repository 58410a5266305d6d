"""Organizations, their villages and posting places."""

from __future__ import annotations

from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.errors import Forbidden, NotFound
from consult.i18n import _
from consult.models import Locality, Organization
from consult.permissions import Can


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
