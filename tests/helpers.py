"""Small helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from consult.actor import Actor
from consult.db import write_session
from consult.models import Organization, User
from consult.runtime import Runtime
from consult.services import users
from consult.workflow.engine import ArticleInput

ARTICLES = [
    ArticleInput("1", "Phạm vi điều chỉnh", "Quy chế này quy định việc thực hiện dân chủ."),
    ArticleInput("2", "Đối tượng áp dụng", "Công dân cư trú trên địa bàn xã."),
    ArticleInput("3", "Những nội dung công khai", "Dự toán, quyết toán ngân sách xã."),
]


def actor(session: Session, username: str) -> Actor:
    user = session.exec(select(User).where(User.username == username)).one()
    return users.actor_for(session, user)


def start(
    runtime: Runtime,
    organization: Organization,
    workflow: str = "qcdc-ubnd-xa",
    title: str = "Quy chế thực hiện dân chủ của UBND xã",
) -> int:
    with write_session(runtime.db) as session:
        consultation = runtime.engine.start(
            session,
            organization=organization,
            actor=actor(session, "tuphap"),
            workflow_id=workflow,
            title=title,
            summary="",
            articles=ARTICLES,
            now=runtime.now(),
        )
        assert consultation.id is not None
        return consultation.id


def take(
    runtime: Runtime,
    consultation_id: int,
    action: str,
    username: str,
    payload: dict[str, Any] | None = None,
) -> Any:
    with write_session(runtime.db) as session:
        who = actor(session, username) if username != "system" else None
        from consult.actor import SYSTEM

        ctx = runtime.engine.take(
            session, consultation_id, action, who or SYSTEM, payload or {}, runtime.now()
        )
        return ctx
