"""A province over its communes (organizations in a tree): the dashboard across them, read-only,
and creating a commune with its first administrator. Asks ``Can.OVERSEE_COMMUNES`` in the
province; the province's administrator holds no role in a commune, so every commune page and
every step of a commune's consultation refuses them (:func:`permissions.require_staff_of`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.errors import Forbidden
from consult.models import Membership, Organization, User
from consult.permissions import Can
from consult.services import compliance, consultations, intake, organizations
from consult.services.overview import publication_due
from consult.workflow.engine import Engine

PROVINCE = "province"


@dataclass
class CommuneRow:
    organization: Organization
    open_consultations: list[str] = field(default_factory=list)
    overdue_publications: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total: int = 0


def provinces_of(session: Session, actor: Actor) -> list[Organization]:
    found = [
        session.get(Organization, i)
        for i in permissions.organizations_where(actor, Can.OVERSEE_COMMUNES)
    ]
    return [o for o in found if o is not None]


def province_of(session: Session, actor: Actor) -> Organization:
    """The province ``actor`` oversees; else 403."""
    for province in provinces_of(session, actor):
        if province.kind == PROVINCE:
            return province
    raise Forbidden(str(permissions.REFUSALS[Can.OVERSEE_COMMUNES]))


def communes(session: Session, province: Organization) -> list[Organization]:
    query = (
        select(Organization)
        .where(Organization.parent_id == province.id)
        .order_by(col(Organization.id))
    )
    return list(session.exec(query))


def dashboard(session: Session, engine: Engine, actor: Actor, now: datetime) -> list[CommuneRow]:
    """Per commune: the consultations open for opinions, decisions whose publication is
    overdue, compliance warnings. Titles and counts only: nothing personal, nothing to act on."""
    province = province_of(session, actor)
    rows = []
    for commune in communes(session, province):
        assert commune.id is not None
        row = CommuneRow(commune)
        for item in consultations.listing(session, organization_id=commune.id):
            assert item.id is not None
            row.total += 1
            if intake.check_open_or_none(session, item, now) is not None:
                row.open_consultations.append(item.title)
            due = publication_due(session, engine.calendar, item.id, now)
            if due is not None and due["overdue"]:
                row.overdue_publications.append(f"{item.title}: {due['document'].symbol}")
            definition = engine.definition_of(session, item)
            row.warnings.extend(
                f"{item.title}: {w.message}" for w in compliance.warnings(session, definition, item)
            )
        rows.append(row)
    return rows


def create_commune(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    place: str,
    admin_username: str,
    password: str,
    now: datetime,
) -> organizations.SetUp:
    """A commune under the province, with its first administrator."""
    province = province_of(session, actor)
    return organizations.set_up(
        session,
        code=code,
        name=name,
        place=place,
        admin_username=admin_username,
        password=password,
        now=now,
        parent=province,
    )


def oversees(session: Session, actor: Actor) -> bool:
    """Whether the actor administers a province (the staff desk links its dashboard)."""
    return any(p.kind == PROVINCE for p in provinces_of(session, actor))


def administrators(session: Session, commune: Organization) -> list[str]:
    """The usernames holding the administrator's role in the commune."""
    query = (
        select(User.username)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(
            Membership.organization_id == commune.id,
            col(Membership.role).in_(permissions.roles_for(Can.ADMINISTER)),
        )
        .order_by(col(User.username))
    )
    return list(session.exec(query))
