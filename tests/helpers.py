"""Small helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.actor import Actor
from consult.calendar import VN_TZ
from consult.db import write_session
from consult.models import Comment, Consultation, Organization, User, Window
from consult.runtime import Runtime
from consult.services import ballots, households, users
from consult.workflow.engine import ArticleInput

PASSWORD = "dongson2024"
"""Every demo account's password (config/demo/dong-son.yaml)."""

COMMAND_DEMO_DAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
"""Mon 02/03/2026 09:00 in Vietnam: when a test runs ``consult demo`` itself (the ``demo_loaded``
templates are on ``DEMO_DAY``, 2024). Its 2024 history is behind it (that year's register holds
the seed's numbers only) and its windows of 20 and 30 days rest on a year's announced holidays."""

SETUP_TAN_LAP = [
    "setup",
    "--org-code",
    "UBND",
    "--org-name",
    "Ủy ban nhân dân xã Tân Lập",
    "--place",
    "Tân Lập",
    "--admin",
    "quantri",
    "--password-stdin",
]
"""`consult setup` as an operator runs it for a new commune, the password on standard input."""

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

ARTICLES = [
    ArticleInput("1", "Phạm vi điều chỉnh", "Quy chế này quy định việc thực hiện dân chủ."),
    ArticleInput("2", "Đối tượng áp dụng", "Công dân cư trú trên địa bàn xã."),
    ArticleInput("3", "Những nội dung công khai", "Dự toán, quyết toán ngân sách xã."),
]


class Clock:
    """An injectable clock: tests move time instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, instant: datetime) -> None:
        self.current = instant.astimezone(UTC)


@dataclass
class Api:
    """A small JSON client for /api/v1 that logs in as a demo user."""

    client: FlaskClient

    def token(self, username: str, password: str = PASSWORD) -> str:
        response = self.client.post(
            "/api/v1/auth/token", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.get_json()
        return str(response.get_json()["token"])

    def headers(self, username: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}


def actor(session: Session, username: str) -> Actor:
    user = session.exec(select(User).where(User.username == username)).one()
    return users.actor_for(session, user)


def start(
    runtime: Runtime,
    organization: Organization,
    workflow: str = "qcdc-ubnd-xa",
    title: str = "Quy chế thực hiện dân chủ của UBND xã",
    articles: list[ArticleInput] = ARTICLES,
) -> int:
    with write_session(runtime.db) as session:
        consultation = runtime.engine.start(
            session,
            organization=organization,
            actor=actor(session, "tuphap"),
            workflow_id=workflow,
            title=title,
            summary="",
            articles=articles,
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


def cli_env(database_url: str, instance: Path, clock: Clock | None = None) -> dict[str, str]:
    """The environment of a `consult` command a test runs: its database, its instance folder
    and the test's clock as it reads now (``CONSULT_NOW``), never today's date."""
    env = {"CONSULT_DATABASE_URL": database_url, "CONSULT_INSTANCE_DIR": str(instance)}
    if clock is not None:
        env["CONSULT_NOW"] = clock().isoformat()
    return env


def consult_cli(
    database_url: str,
    tmp_path: Path,
    *args: str,
    input: str | None = None,
    clock: Clock | None = None,
) -> Result:
    """The ``consult`` command run on ``database_url`` as an operator types it, at the test's
    ``clock`` when given (the ``consult`` fixture runs it on the test's database and clock)."""
    from consult.cli import main

    env = cli_env(database_url, tmp_path / "inst", clock)
    return CliRunner().invoke(main, list(args), env=env, input=input)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    token = csrf(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


# --- time: instants the tests name --------------------------------------------------------------

WINDOW_ENDS = datetime(2024, 3, 21, 17, 0, tzinfo=UTC)
"""24:00 on 21/03/2024 in Vietnam: the end of the 20-day window of a draft posted (by
:func:`post_draft`) on the ``clock`` fixture's Fri 01/03/2024; the first instant it is closed."""

MORNING_AFTER_WINDOW = datetime(2024, 3, 22, 1, 0, tzinfo=UTC)
"""Fri 22/03/2024 08:00 in Vietnam: the first working morning after that window."""


def vn_utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A Vietnam wall-clock time as the UTC instant it is (what clocks and the database hold)."""
    local = datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)
    return local.astimezone(UTC)


def vn_local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Vietnam wall-clock time, kept in Asia/Ho_Chi_Minh (for formatting in local time)."""
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


# --- the demo's seed history --------------------------------------------------------------------

SEED_DOCUMENTS = {
    "127/KH-UBND": date(2024, 1, 30),
    "150/BC-UBND": date(2024, 2, 21),  # the synthesis report approved before the decision
    "156/QĐ-UBND": date(2024, 2, 26),
    "170/KH-UBND": date(2024, 2, 28),
    "174/KH-UBND": date(2024, 3, 1),
    "265/BC-UBND": date(2024, 3, 22),  # the synthesis report approved before the decision
    "268/QĐ-UBND": date(2024, 3, 25),
    "277/KH-UBND": date(2024, 3, 28),
}
"""Every number the demo's 2024 history gives, with its date (the seed report's)."""

SEED_OPEN_TITLE = "(sửa đổi, bổ sung)"
"""How the title of the demo's amendment, open for opinions, ends."""
SEED_CLOSED_TITLE = "Quy chế thực hiện dân chủ trong hoạt động của Ủy ban nhân dân xã Đông Sơn"
"""The seed's commune consultation, decided by 268/QĐ-UBND."""

SEED_PLANS_AND_DECISIONS = {s: d for s, d in SEED_DOCUMENTS.items() if "/BC-" not in s}
"""The seed's plans and decisions: what the periodic report and the API list name."""


# --- pages --------------------------------------------------------------------------------------


def text(response: object) -> str:
    """The page's visible text, tags removed, entities decoded, spaces collapsed."""
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def error_of(response: Any, status: int) -> dict[str, Any]:
    """The API's error body, after checking the status and the shape every error shares."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


def comments_of(runtime: Runtime, consultation_id: int) -> list[Comment]:
    with Session(runtime.db) as session:
        query = select(Comment).where(Comment.consultation_id == consultation_id)
        return list(session.exec(query))


PORTAL_FORM = "/consultations/{id}/comment"


def portal_step(client: FlaskClient, consultation_id: int, step: str, **fields: str) -> object:
    """One step (preview, back, send) of the citizens' comment form."""
    path = PORTAL_FORM.format(id=consultation_id)
    data = {"csrf_token": csrf(client, path), "article": "", "locality": "", "step": step}
    data.update(fields)
    return client.post(path, data=data)


def receipt_of(response: object) -> str:
    assert response.status_code == 302, text(response)  # type: ignore[attr-defined]
    return str(response.location).rsplit("/", 1)[-1]  # type: ignore[attr-defined]


# --- a village's households and their votes -----------------------------------------------------

VILLAGE = "Thôn Đồng Bông"

VOTE_COUNT = {
    "team": ["Hoàng Văn Minh", "Nguyễn Văn An", "Lê Thị Bình", "Đỗ Văn Chung"],
    "witnesses": ["Trần Văn Cường", "Phạm Thị Dung"],
    "village_head": "Ngô Văn Hải",
    "place": "Nhà văn hóa thôn Đồng Bông",
}
"""The count team of a household vote in the village, as its minutes name them."""


def import_households(runtime: Runtime, organization: Organization, count: int) -> None:
    """``count`` households of the village, and one of another village."""
    lines = ["Mã hộ,Chủ hộ,Thôn,Địa chỉ"] + [
        f"DB{n:03d},Chủ hộ số {n},{VILLAGE},Xóm {n % 4 + 1}, {VILLAGE}" for n in range(1, count + 1)
    ]
    lines.append("DC001,Chủ hộ thôn khác,Thôn Đồng Cống,Thôn Đồng Cống")
    data = ("\ufeff" + "\n".join(lines)).encode("utf-8")
    with write_session(runtime.db) as session:
        org = session.get(Organization, organization.id)
        assert org is not None
        rows = households.read_rows(data, "ho-gia-dinh.csv")
        result = households.import_rows(session, org, rows, actor(session, "tuphap"), runtime.now())
    assert result.added == count + 1
    assert result.by_village[VILLAGE] == count


def answer(runtime: Runtime, cid: int, code: str, option: str, channel: str, **extra: Any) -> None:
    with write_session(runtime.db) as session:
        staff = None if channel == "online" else actor(session, "mttq")
        ballots.answer(
            session,
            runtime.engine,
            cid,
            ballots.Answer(household=code, option=option, channel=channel, **extra),
            staff,
            runtime.now(),
        )


def window(runtime: Runtime, cid: int, name: str) -> Window:
    with Session(runtime.db) as session:
        return session.exec(
            select(Window).where(Window.consultation_id == cid, Window.name == name)
        ).one()


def state(runtime: Runtime, cid: int) -> str:
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, cid)
        assert consultation is not None
        return consultation.state


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for servers the tests start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the holidays an administrator enters -------------------------------------------------------

NOTICE_2025 = """01/01/2025 Tết Dương lịch
25/01/2025 Tết
26/01/2025 Tết
27/01/2025 Tết
28/01/2025 Tết
29/01/2025 Mùng 1 Tết
30/01/2025 Tết
31/01/2025 Tết
01/02/2025 Tết
02/02/2025 Tết
07/04/2025 Giỗ Tổ Hùng Vương
30/04/2025 Ngày Chiến thắng
01/05/2025 Quốc tế Lao động
02/05/2025 Nghỉ bù
01/09/2025 Quốc khánh
02/09/2025 Quốc khánh"""
"""The Ministry's notice of 2025's days off, as an administrator types it."""
