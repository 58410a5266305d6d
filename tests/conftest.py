"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
``CONSULT_TEST_DATABASE_URL`` names one), an app with an injected clock, the demo commune.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from consult import create_app
from consult.config import ROOT, load_settings
from consult.db import make_engine, write_session
from consult.migrate import upgrade
from consult.models import Organization
from consult.runtime import Runtime

TEST_DATABASE_URL = os.environ.get("CONSULT_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
DATA = Path(__file__).parent / "data"
PASSWORD = "dongson2024"


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


def _postgres_url(schema: str) -> str:
    joiner = "&" if "?" in TEST_DATABASE_URL else "?"
    return f"{TEST_DATABASE_URL}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per test session: a template SQLite file, or a private PostgreSQL schema."""
    if ON_POSTGRES:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = make_engine(TEST_DATABASE_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _postgres_url(schema)
        upgrade(load_settings({"database_url": url}))
        yield url
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "consult.db"
        upgrade(load_settings({"database_url": f"sqlite:///{path}"}))
        yield str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if ON_POSTGRES:
        engine = make_engine(database_template)
        with engine.begin() as conn:
            tables = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                        "AND tablename <> 'alembic_version'"
                    )
                )
                .scalars()
                .all()
            )
            conn.execute(
                text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                )
            )
        engine.dispose()
        return database_template
    path = tmp_path / "consult.db"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def workflows_dir(tmp_path: Path) -> Path:
    """The bundled definitions plus the drill ones the tests use (windows of seconds)."""
    folder = tmp_path / "workflows"
    folder.mkdir()
    for source in [
        *sorted((ROOT / "workflows").glob("*.yaml")),
        *sorted((DATA / "workflows").glob("*.yaml")),
    ]:
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture
def clock() -> Clock:
    # Fri 01/03/2024 08:00 in Vietnam: the day plan 174/KH-UBND was issued.
    return Clock(datetime(2024, 3, 1, 1, 0, tzinfo=UTC))


@pytest.fixture
def app(database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "off",
            "token_days": 60,  # stories move the clock by weeks with one token
            "clock": clock,
            "TESTING": True,
        }
    )
    yield app
    app.extensions["consult"].db.dispose()


@pytest.fixture
def core(database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path) -> Iterator[Runtime]:
    """The runtime without the web app: for engine, register and scheduler tests."""
    from consult.runtime import build_runtime

    settings = load_settings(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
        }
    )
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    runtime.db.dispose()


@pytest.fixture
def runtime(app: Flask) -> Runtime:
    rt = app.extensions["consult"]
    assert isinstance(rt, Runtime)
    return rt


@pytest.fixture
def commune(database_url: str, clock: Clock) -> Organization:
    """xã Đông Sơn with its villages, posting places and one user per role (no consultations)."""
    from consult.demo import load_commune

    engine = make_engine(database_url)
    with write_session(engine) as session:
        organization = load_commune(session, clock())
    engine.dispose()
    return organization


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """scrypt is right for production and slow on purpose; tests hash with cheap PBKDF2."""
    from werkzeug.security import generate_password_hash

    from consult.services import users

    original = users.generate_password_hash
    users.generate_password_hash = lambda password: generate_password_hash(  # type: ignore
        password, method="pbkdf2:sha256:1000"
    )
    yield
    users.generate_password_hash = original


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test is a failed test here: a missing browser or database must not pass.

    Then the timers still pending are cancelled (the rate limiter's in-memory storage arms one,
    not a daemon, every time it counts): under the later-year run's libfaketime the monotonic
    clock is faked and a timed wait never ends, so the process would wait on them forever."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == 0:
        reporter.write_line(f"{len(skipped)} test(s) skipped: consult forbids skips", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
