"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
``CONSULT_TEST_DATABASE_URL`` names one), an app with an injected clock, the demo commune (built
once per session and day as a template, copied per test), a posted consultation, the command
line, a real SMTP server and scheduler processes. Plain helpers live in ``tests/helpers.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser
from sqlalchemy import text

from consult import create_app
from consult.config import ROOT, load_settings
from consult.db import make_engine, write_session
from consult.migrate import upgrade
from consult.models import Organization
from consult.runtime import Runtime
from tests.helpers import Api, Clock, consult_cli
from tests.schedulers import Spawn
from tests.smtp import SmtpServer
from tests.templates import DemoTemplates

TEST_DATABASE_URL = os.environ.get("CONSULT_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
DATA = Path(__file__).parent / "data"


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


def _copy_workflows(folder: Path) -> Path:
    folder.mkdir()
    for source in [
        *sorted((ROOT / "workflows").glob("*.yaml")),
        *sorted((DATA / "workflows").glob("*.yaml")),
    ]:
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture
def workflows_dir(tmp_path: Path) -> Path:
    """The bundled definitions plus the drill ones the tests use (windows of seconds)."""
    return _copy_workflows(tmp_path / "workflows")


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


DEMO_DAY = datetime(2024, 4, 15, 1, 0, tzinfo=UTC)
"""Mon 15/04/2024 08:00 in Vietnam: the seed's two consultations decided, the amendment open
for opinions until 24:00 on 06/05/2024."""

AFTER_THE_SEED = datetime(2024, 4, 1, 1, 0, tzinfo=UTC)
"""Mon 01/04/2024 08:00 in Vietnam: the day after the seed's last number (277/KH-UBND)."""


@pytest.fixture(scope="session")
def demo_templates(
    database_template: str, tmp_path_factory: pytest.TempPathFactory, _fast_password_hashing: None
) -> Iterator[DemoTemplates]:
    folder = tmp_path_factory.mktemp("demo")
    templates = DemoTemplates(
        database_template,
        folder,
        _copy_workflows(folder / "workflows"),
        _postgres_url if ON_POSTGRES else None,
        make_engine(TEST_DATABASE_URL) if ON_POSTGRES else None,
    )
    yield templates
    templates.drop()


LoadDemo = Callable[..., None]


@pytest.fixture
def load_demo(database_url: str, demo_templates: DemoTemplates, clock: Clock) -> LoadDemo:
    """``load_demo(at, runtime)``: the test's database becomes the demo as ``consult demo``
    loads it at ``at`` (copied from the session's template), and the clock is set to ``at``."""

    def load(at: datetime, runtime: Runtime | None = None) -> None:
        clock.set(at)
        demo_templates.copy_into(database_url, at)
        if runtime is not None:
            runtime.db.dispose()

    return load


@pytest.fixture
def seeded(runtime: Runtime, load_demo: LoadDemo) -> dict[str, int]:
    """The demo on Mon 15/04/2024 (``DEMO_DAY``): the seed's two 2024 consultations closed and
    decided, the amendment open for opinions until 24:00 on 06/05/2024; their ids."""
    from sqlmodel import Session, select

    from consult.models import Consultation
    from tests.helpers import SEED_CLOSED_TITLE, SEED_OPEN_TITLE

    load_demo(DEMO_DAY, runtime)
    with Session(runtime.db) as session:
        rows = session.exec(select(Consultation)).all()
    return {
        "open": next(c.id for c in rows if c.id and c.title.endswith(SEED_OPEN_TITLE)),
        "closed": next(c.id for c in rows if c.id and c.title == SEED_CLOSED_TITLE),
        "agency": next(c.id for c in rows if c.id and "cơ quan hành chính" in c.title),
    }


@pytest.fixture
def open_id(runtime: Runtime, commune: Organization) -> int:
    """A commune consultation posted on the clock's Fri 01/03/2024: opinions until 24:00 on
    21/03/2024 (``helpers.WINDOW_ENDS``)."""
    from tests.helpers import post_draft, start

    consultation_id = start(runtime, commune, title="Quy chế dân chủ xã Đông Sơn")
    post_draft(runtime, consultation_id)
    return consultation_id


Run = Callable[..., Result]


@pytest.fixture
def consult(database_url: str, tmp_path: Path, clock: Clock) -> Run:
    """The `consult` command on the test's database, at the test's clock as it reads when the
    command runs (``CONSULT_NOW``): ``consult("demo")``."""

    def run(*args: str, input: str | None = None) -> Result:
        return consult_cli(database_url, tmp_path, *args, input=input, clock=clock)

    return run


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free port; ``smtp.inbox`` holds what it accepted."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live(database_url: str, workflows_dir: Path, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on the real clock, for tests that wait for real seconds (scheduler
    processes)."""
    from consult.runtime import build_runtime

    settings = load_settings(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
        }
    )
    runtime = build_runtime(settings)
    yield runtime
    runtime.db.dispose()


@pytest.fixture
def spawn(database_url: str, workflows_dir: Path, tmp_path: Path) -> Iterator[Spawn]:
    """``spawn()`` starts a `consult scheduler` process (ticking each second); all are
    stopped at the end of the test."""
    processes: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "CONSULT_DATABASE_URL": database_url,
        "CONSULT_WORKFLOWS_DIR": str(workflows_dir),
        "CONSULT_INSTANCE_DIR": str(tmp_path / "instance"),
        "CONSULT_SCHEDULER_INTERVAL": "1",
    }
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        # The later-year run (`make test-later-year`, libfaketime 0.9.10) fakes the monotonic
        # clock too, and a timed wait of Python 3.11+ (threading.Event.wait, which APScheduler
        # waits on between passes) is a sem_clockwait that libfaketime does not intercept: its
        # deadline, read on the faked monotonic clock, is decades ahead of the kernel's, so a
        # scheduler made its first pass and never another. The scheduler keeps the faked wall
        # clock (the date under test) on the real monotonic one. (Not for every process: with
        # it, libfaketime fails time.sleep with EINVAL, which the scheduler never calls.)
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"

    def run() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "consult", "scheduler"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        return process

    yield run
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    """The app served on a free port in a background thread, for the browser."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Run `apt-get install -y chromium` (as root), then run the tests again."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
