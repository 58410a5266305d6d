"""Small helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.actor import Actor
from consult.config import ROOT
from consult.db import write_session
from consult.models import Organization, User
from consult.runtime import Runtime
from consult.services import users
from consult.workflow.engine import ArticleInput
from consult.workflow.loader import DefinitionInvalid, load_definition
from tests.conftest import PASSWORD

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


def flashes(html: str) -> list[str]:
    """The flash messages shown above a page's content (errors and confirmations)."""
    return [unescape(m) for m in re.findall(r'<p class="flash[^>]*>([^<]*)</p>', html)]


def login(client: FlaskClient, username: str) -> None:
    token = csrf(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def variant(
    tmp_path: Path,
    old: str,
    new: str,
    name: str = "broken.yaml",
    source: str = "qcdc-ubnd-xa.yaml",
) -> Path:
    """A copy of a bundled definition with ``old`` replaced (once) by ``new``."""
    text = (ROOT / "workflows" / source).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def errors_of(path: Path) -> list[str]:
    """The ``file:line: message`` errors loading the definition at ``path`` gives."""
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition(path)
    return [str(e) for e in caught.value.errors]


def consult_cli(database_url: str, tmp_path: Path, *args: str, input: str | None = None) -> Result:
    """The ``consult`` command run on ``database_url``, as an operator types it."""
    from consult.cli import main

    env = {"CONSULT_DATABASE_URL": database_url, "CONSULT_INSTANCE_DIR": str(tmp_path / "inst")}
    return CliRunner().invoke(main, list(args), env=env, input=input)
