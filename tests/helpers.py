"""Small helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.actor import Actor
from consult.config import ROOT
from consult.db import write_session
from consult.models import Organization, User
from consult.runtime import Runtime
from consult.services import users
from consult.workflow.engine import ArticleInput
from tests.conftest import PASSWORD, Clock

DEMO_DAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
"""Mon 02/03/2026 09:00 in Vietnam: when a test loads the demo with the command line. Its 2024
history is behind it (that year's register holds the seed's numbers only) and its windows of 20
and 30 days rest on a year's announced holidays."""


def cli_env(database_url: str, instance: Path, clock: Clock) -> dict[str, str]:
    """The environment of a `consult` command a test runs: its database, its instance folder
    and the test's clock as it reads now (``CONSULT_NOW``), never today's date."""
    return {
        "CONSULT_DATABASE_URL": database_url,
        "CONSULT_INSTANCE_DIR": str(instance),
        "CONSULT_NOW": clock().isoformat(),
    }


HOLIDAYS = ROOT / "config" / "holidays"
HOLIDAY_FILES = {int(p.stem): p for p in HOLIDAYS.glob("[0-9][0-9][0-9][0-9].yaml")}
"""The files of config/holidays/ by year: a test that needs a year without one takes it after
the last (``max(HOLIDAY_FILES) + 1``), so adding a year's file breaks nothing."""


def holidays_through(year: int, folder: Path) -> Path:
    """``folder`` with the files of config/holidays/ up to ``year`` only: the data as it stood
    before a later year was announced, for a test whose dates rest on that year's computed
    days (Labour Code Art. 112)."""
    folder.mkdir(parents=True, exist_ok=True)
    for file_year, path in HOLIDAY_FILES.items():
        if file_year <= year:
            shutil.copy(path, folder / path.name)
    return folder


TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

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


def post_draft(
    runtime: Runtime,
    consultation_id: int,
    payload: dict[str, Any] | None = None,
    drafter: str = "tuphap",
    signer: str = "chutich",
) -> Any:
    """Post the draft as the commune does: the Chairman signs the plan (when the procedure
    asks for it and no paper plan's number is given), then the legal officer posts it."""
    payload = payload or {}
    with Session(runtime.db) as session:
        consultation = runtime.engine.get(session, consultation_id)
        definition = runtime.engine.definition_of(session, consultation)
        needs_plan = "sign_plan" in definition.available(consultation.state, consultation.tracks)
    if needs_plan and not payload.get("plan_number"):
        take(runtime, consultation_id, "sign_plan", signer)
    return take(runtime, consultation_id, "start_posting", drafter, payload)


def decide(
    runtime: Runtime,
    consultation_id: int,
    payload: dict[str, Any] | None = None,
    drafter: str = "tuphap",
    signer: str = "chutich",
) -> Any:
    """The synthesis report generated and approved, then the decision signed."""
    take(runtime, consultation_id, "generate_synthesis", drafter)
    take(runtime, consultation_id, "approve_synthesis", signer)
    return take(runtime, consultation_id, "issue_decision", signer, payload)


def csrf(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path`` (or on the page it has moved to)."""
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, (path, response.status_code)
    found = TOKEN.search(response.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: FlaskClient, username: str) -> None:
    token = csrf(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
