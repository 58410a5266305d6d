"""The demo commune, xã Đông Sơn: its villages, one user per role, the two 2024 consultations
of the seed report replayed through the workflow at their real dates and numbers, and one
consultation open for opinions now. Loading is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml
from sqlalchemy import update
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import SYSTEM, Actor
from consult.calendar import zone
from consult.config import ROOT
from consult.db import write_session
from consult.ledger import register
from consult.models import (
    Consultation,
    Household,
    Locality,
    Organization,
    PostingPlace,
    PostingRecord,
    User,
)
from consult.runtime import Runtime
from consult.services import households, intake, users
from consult.workflow.engine import ArticleInput

DEMO_DIR = ROOT / "config" / "demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    password: str


def _read(name: str) -> Any:
    return yaml.safe_load((DEMO_DIR / name).read_text(encoding="utf-8"))


def accounts() -> list[DemoAccount]:
    data = _read("dong-son.yaml")
    return [
        DemoAccount(u["username"], u["role"], u["full_name"], data["password"])
        for u in data["users"]
    ]


def _vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone())


def load_commune(
    session: Session, now: datetime, data: dict[str, Any] | None = None
) -> Organization:
    """The organization, its villages, posting places and users (created once)."""
    data = data or _read("dong-son.yaml")
    spec = data["organization"]
    organization = session.exec(
        select(Organization).where(Organization.code == spec["code"])
    ).first()
    if organization is not None:
        register.apply_configured_scheme(session, organization)
        if organization.superior_until is None and spec.get("superior_until"):
            organization.superior_until = spec["superior_until"]
        return organization
    organization = Organization(**spec)
    register.apply_configured_scheme(session, organization)
    session.add(organization)
    session.flush()
    assert organization.id is not None
    for position, name in enumerate(data["villages"]):
        session.add(Locality(organization_id=organization.id, name=name, position=position))
    for position, place in enumerate(data["posting_places"]):
        session.add(PostingPlace(organization_id=organization.id, position=position, **place))
    for account in data["users"]:
        users.create(
            session,
            username=account["username"],
            password=data["password"],
            roles=[account["role"]],
            organization=organization,
            now=now,
            full_name=account["full_name"],
            position=account["position"],
        )
    session.flush()
    return organization


def _actor_for_role(session: Session, role: str, data: dict[str, Any]) -> Any:
    if role == permissions.SYSTEM:
        return SYSTEM
    username = next(u["username"] for u in data["users"] if u["role"] == role)
    user = session.exec(select(User).where(User.username == username)).one()
    return users.actor_for(session, user)


def _drafter(session: Session, data: dict[str, Any]) -> Any:
    """The demo's user who may start consultations."""
    roles = permissions.TABLE[permissions.Can.START_CONSULTATION]
    return _actor_for_role(
        session, next(u["role"] for u in data["users"] if u["role"] in roles), data
    )


def _articles(key: str) -> list[ArticleInput]:
    return [ArticleInput(**item) for item in _read("articles.yaml")[key]]


def _exists(session: Session, title: str) -> bool:
    return (
        session.exec(select(Consultation.id).where(Consultation.title == title)).first() is not None
    )


def load(runtime: Runtime) -> list[str]:
    """Load everything missing; return what was created, for the command's output."""
    data = _read("dong-son.yaml")
    created: list[str] = []
    now = runtime.now()
    with write_session(runtime.db) as session:
        before = session.exec(select(Organization.id)).first()
        organization = load_commune(session, now, data)
        if before is None:
            created.append(
                f"{organization.name}: {len(data['villages'])} thôn, {len(data['users'])} tài khoản"
            )
    for item in data["history"]:
        with write_session(runtime.db) as session:
            if _exists(session, item["title"]):
                continue
            _replay(runtime, session, organization, item, data)
            created.append(item["title"])
    with write_session(runtime.db) as session:
        created.extend(_open_consultation(runtime, session, organization, data, now))
    with write_session(runtime.db) as session:
        created.extend(_village_procedure(runtime, session, organization, data, now))
    return created


def _replay(
    runtime: Runtime,
    session: Session,
    organization: Organization,
    item: dict[str, Any],
    data: dict[str, Any],
) -> None:
    first = _vn(item["steps"][0]["at"])
    consultation = runtime.engine.start(
        session,
        organization=organization,
        actor=_drafter(session, data),
        workflow_id=item["workflow"],
        title=item["title"],
        summary=item["summary"],
        articles=_articles(item["articles"]),
        now=first,
    )
    session.flush()
    definition = runtime.engine.definition_of(session, consultation)
    assert consultation.id is not None
    for step in item["steps"]:
        action = definition.actions_named(step["action"])[0]
        actor = _actor_for_role(session, action.roles[0], data)
        runtime.engine.take(
            session,
            consultation.id,
            step["action"],
            actor,
            dict(step.get("payload") or {}),
            _vn(step["at"]),
        )
    if item.get("posting_ended_on"):
        ended = date.fromisoformat(item["posting_ended_on"])
        session.execute(
            update(PostingRecord)
            .where(
                col(PostingRecord.consultation_id) == consultation.id,
                col(PostingRecord.what) == "draft",
            )
            .values(ends_on=ended)
        )


def _open_consultation(
    runtime: Runtime,
    session: Session,
    organization: Organization,
    data: dict[str, Any],
    now: datetime,
) -> list[str]:
    spec = data["open_consultation"]
    open_now = session.exec(
        select(Consultation).where(
            Consultation.title == spec["title"], col(Consultation.state) == "consulting"
        )
    ).first()
    if open_now is not None and intake.check_open_or_none(session, open_now, now):
        return []
    drafter = _drafter(session, data)
    consultation = _start(runtime, session, organization, drafter, spec, now)
    cid = consultation.id
    assert cid is not None
    definition = runtime.engine.definition_of(session, consultation)
    plan = definition.actions_named("sign_plan")
    if plan:  # the Chairman signs the plan before the draft is posted
        signer = _actor_for_role(session, plan[0].roles[0], data)
        runtime.engine.take(session, cid, "sign_plan", signer, {}, now)
    runtime.engine.take(session, cid, "start_posting", drafter, {}, now)
    for opinion in spec["opinions"]:
        entered_by = drafter if opinion.get("channel", "online") != "online" else None
        intake.submit(session, cid, intake.CommentInput(**opinion), now, entered_by=entered_by)
    return [f"{spec['title']} (đang lấy ý kiến)"]


def _start(
    runtime: Runtime,
    session: Session,
    organization: Organization,
    drafter: Actor,
    spec: dict[str, Any],
    now: datetime,
) -> Consultation:
    """A consultation of the demo's data, started by its drafter now."""
    consultation = runtime.engine.start(
        session,
        organization=organization,
        actor=drafter,
        workflow_id=spec["workflow"],
        title=spec["title"],
        summary=spec["summary"],
        articles=_articles(spec["articles"]),
        now=now,
    )
    session.flush()
    return consultation


def _village_procedure(
    runtime: Runtime,
    session: Session,
    organization: Organization,
    data: dict[str, Any],
    now: datetime,
) -> list[str]:
    """The village's register of households and its procedure posted now (once)."""
    spec = data.get("village_procedure")
    if not spec or _exists(session, spec["title"]):
        return []
    drafter = _drafter(session, data)
    village = session.exec(
        select(Locality).where(
            Locality.organization_id == organization.id, Locality.name == spec["village"]
        )
    ).one()
    if (
        session.exec(select(Household.id).where(Household.locality_id == village.id)).first()
        is None
    ):
        rows = [
            {
                "code": f"{spec['household_code']}{n:03d}",
                "head_name": f"Chủ hộ số {n}",
                "village": village.name,
                "address": f"Xóm {n % 5 + 1}, {village.name}",
            }
            for n in range(1, int(spec["households"]) + 1)
        ]
        households.import_rows(session, organization, rows, drafter, now)
    consultation = _start(runtime, session, organization, drafter, spec, now)
    assert consultation.id is not None
    runtime.engine.take(
        session, consultation.id, "start_posting", drafter, {"places": spec["places"]}, now
    )
    return [f"{spec['title']} ({spec['households']} hộ gia đình; đang niêm yết, lấy ý kiến)"]
