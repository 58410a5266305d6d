"""Organizations, their villages and posting places."""

from __future__ import annotations

from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from consult.errors import NotFound
from consult.i18n import _
from consult.models import Locality, Organization, PostingPlace


def posting_place_names(organization: Organization) -> list[str]:
    session = object_session(organization)
    assert isinstance(session, Session)
    query = (
        select(PostingPlace.name)
        .where(PostingPlace.organization_id == organization.id)
        .order_by(col(PostingPlace.position), col(PostingPlace.id))
    )
    return list(session.exec(query))


def locality_names(session: Session, organization_id: int) -> list[str]:
    query = (
        select(Locality.name)
        .where(Locality.organization_id == organization_id)
        .order_by(col(Locality.position), col(Locality.id))
    )
    return list(session.exec(query))


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
