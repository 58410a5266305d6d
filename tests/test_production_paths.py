"""What production runs and the rest of the suite replaces: Werkzeug's scrypt password hashing
(the suite hashes with cheap PBKDF2) and the app built by ``consult.wsgi`` from the
environment alone, as ``gunicorn consult.wsgi:app`` builds it."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from click import testing as click_testing
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug import security

from consult import scheduler
from consult.cli import main
from consult.db import make_engine
from consult.models import Consultation, Organization, User
from consult.runtime import Runtime
from consult.services import users
from tests.helpers import SETUP_TAN_LAP, csrf, post_draft, start

PASSWORD = "Tan-Lap-2025-quan-tri"
HTTPS = "https://consult.tanlap.example.vn"


@pytest.fixture
def production_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the suite's cheap hashing for one test: passwords are hashed by the function the
    users service imports in production, with its production defaults."""
    monkeypatch.setattr(users, "generate_password_hash", security.generate_password_hash)


@pytest.fixture
def environment(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment of a production host: the database, the instance folder, a secret key
    and production mode, in ``CONSULT_*`` variables only."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("CONSULT_DATABASE_URL", database_url)
    monkeypatch.setenv("CONSULT_INSTANCE_DIR", str(instance))
    monkeypatch.setenv("CONSULT_PRODUCTION", "1")
    monkeypatch.setenv("CONSULT_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("CONSULT_RATELIMIT_STORAGE", "memory://")
    return instance


@pytest.fixture
def wsgi_app(environment: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """``consult.wsgi:app``, imported fresh the way a gunicorn worker imports it."""
    monkeypatch.delitem(sys.modules, "consult.wsgi", raising=False)
    app = importlib.import_module("consult.wsgi").app
    assert isinstance(app, Flask)
    yield app
    app.extensions["consult"].db.dispose()


def set_up_tan_lap() -> None:
    """`consult setup` as an operator runs it on a new host (password on standard input)."""
    done = CliRunner().invoke(
        main,
        SETUP_TAN_LAP,
        input=PASSWORD + "\n",
    )
    assert done.exit_code == 0, done.output


def log_in(client: FlaskClient, password: str) -> tuple[int, str]:
    token = csrf(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": "quantri", "password": password}
    )
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.usefixtures("production_hashing")
def test_the_first_administrator_gets_a_scrypt_hash_and_logs_in_with_that_password_only(
    wsgi_app: Flask, database_url: str
) -> None:
    set_up_tan_lap()
    engine = make_engine(database_url)
    with Session(engine) as session:
        stored = session.exec(select(User).where(User.username == "quantri")).one().password_hash
    engine.dispose()
    method, _salt, digest = stored.split("$")
    assert method == "scrypt:32768:8:1"  # Werkzeug's production parameters, not the tests' PBKDF2
    assert PASSWORD not in stored and len(digest) == 128

    # The production app, started as gunicorn starts it, checks that hash at the login form.
    client = wsgi_app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"

    status, page = log_in(client, PASSWORD[:-1] + "x")
    assert status == 401 and "Sai tên đăng nhập hoặc mật khẩu." in page
    assert client.get("/staff/").status_code == 302  # still not logged in

    status, _page = log_in(client, PASSWORD)
    assert status == 302
    assert client.get("/staff/admin/").status_code == 200


def test_the_wsgi_app_is_built_from_the_environment_in_production_mode(
    commune: Organization, wsgi_app: Flask, environment: Path
) -> None:
    runtime = wsgi_app.extensions["consult"]
    assert runtime.settings.production and runtime.settings.instance_dir == environment
    assert wsgi_app.config["SESSION_COOKIE_SECURE"] and wsgi_app.config["REMEMBER_COOKIE_SECURE"]
    assert wsgi_app.config["SECRET_KEY"] == "k" * 64
    client = wsgi_app.test_client()
    home = client.get("/", base_url=HTTPS)
    assert home.status_code == 200 and commune.name in home.get_data(as_text=True)
    assert home.headers["Strict-Transport-Security"].startswith("max-age=")
    # The login form's session cookie is sent over HTTPS only.
    login_page = client.get("/login", base_url=HTTPS)
    cookie = login_page.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_the_wsgi_app_refuses_to_start_in_production_without_a_secret_key(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONSULT_SECRET_KEY")
    monkeypatch.delitem(sys.modules, "consult.wsgi", raising=False)
    with pytest.raises(RuntimeError, match="CONSULT_SECRET_KEY must be set in production"):
        importlib.import_module("consult.wsgi")
    assert not (environment / "secret_key").exists()  # no key invented behind the operator


# --- `consult serve`: the web server with the scheduler inside ---------------------------------


@pytest.fixture
def overdue(runtime: Runtime, commune: Organization) -> int:
    """A consultation posted on the test clock's Fri 01/03/2024: its window closed on
    21/03/2024, long before any real today, and no scheduler has closed it yet."""
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    return consultation_id


def serve(monkeypatch: pytest.MonkeyPatch, *flags: str) -> tuple[Result, dict[str, Any]]:
    """Run `consult serve FLAGS…`; instead of listening, the server answers ``/healthz`` once
    the scheduler it started has made its first pass (at start-up), or at once without one."""
    seen: dict[str, Any] = {"schedulers": []}
    build = scheduler.build

    def recording_build(rt: Runtime, *, blocking: bool) -> Any:
        started = build(rt, blocking=blocking)
        started.add_listener(lambda _event: passed.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        seen["schedulers"].append(started)
        return started

    def listen(app: Flask, host: str, port: int, **options: Any) -> None:
        seen["app"], seen["listen"] = app, (host, port, options)
        if seen["schedulers"]:
            assert passed.wait(60), "the embedded scheduler never ran"
        seen["health"] = app.test_client().get("/healthz").get_json()

    passed = threading.Event()
    monkeypatch.setattr(scheduler, "build", recording_build)
    monkeypatch.setattr(Flask, "run", listen)
    try:
        result = CliRunner().invoke(main, ["serve", "--port", "5077", *flags])
    finally:
        for started in seen["schedulers"]:
            started.shutdown()
        if "app" in seen:  # what the server process would release when it ends
            seen["app"].extensions["consult"].db.dispose()
    return result, seen


def test_consult_serve_starts_the_scheduler_which_applies_what_fell_due_while_nothing_ran(
    environment: Path, runtime: Runtime, overdue: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSULT_SCHEDULER_INTERVAL", "3600")  # so only the start-up pass runs
    result, seen = serve(monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "scheduler: running (reconcile every 3600s)",
        "consult: http://127.0.0.1:5077/",
    ]
    assert seen["listen"] == (
        "127.0.0.1",
        5077,
        {"debug": False, "use_reloader": False, "threaded": True},
    )
    assert seen["health"]["scheduler"]["overdue_windows"] == 0
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, overdue)
        assert consultation is not None and consultation.state == "synthesis"


def test_consult_serve_without_the_scheduler_leaves_the_window_overdue_and_says_so(
    environment: Path, runtime: Runtime, overdue: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, seen = serve(monkeypatch, "--no-scheduler", "--accounts")
    assert result.exit_code == 0, result.output
    assert "scheduler: running" not in result.output
    assert "vanthu" in result.output  # --accounts printed the demo accounts first
    health = seen["health"]["scheduler"]
    assert health["status"] == "behind" and health["overdue_windows"] == 1
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, overdue)
        assert consultation is not None and consultation.state == "consulting"


# --- `consult scheduler` and `consult tick`: the transitions that fell due --------------------


def test_consult_tick_applies_what_is_due_and_names_each_transition(
    environment: Path, overdue: int
) -> None:
    done = CliRunner().invoke(main, ["tick"])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines() == [
        f"consultation {overdue}: close_posting (consulting → synthesis)",
        "1 transition(s) applied",
    ]
    again = CliRunner().invoke(main, ["tick"])
    assert again.output == "0 transition(s) applied\n"  # each transition once


def test_consult_scheduler_applies_what_fell_due_at_its_first_pass(
    environment: Path,
    runtime: Runtime,
    overdue: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The scheduler alone (beside gunicorn), stopped after its first pass as Ctrl+C would."""
    monkeypatch.setenv("CONSULT_SCHEDULER_INTERVAL", "3600")  # so only the start-up pass runs
    build = scheduler.build

    def stopping_after_one_pass(rt: Runtime, *, blocking: bool) -> Any:
        assert blocking  # the process has nothing else to do
        started = build(rt, blocking=blocking)
        started.add_listener(
            lambda _event: started.shutdown(wait=False), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        )
        return started

    monkeypatch.setattr(scheduler, "build", stopping_after_one_pass)
    done = CliRunner().invoke(main, ["scheduler"])
    assert done.exit_code == 0, done.output
    assert done.output == "scheduler: reconcile every 3600s; Ctrl+C stops\n"
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, overdue)
        assert consultation is not None and consultation.state == "synthesis"


def test_setup_at_a_terminal_asks_for_what_is_missing_and_the_password_twice(
    environment: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(click_testing._NamedTextIOWrapper, "isatty", lambda _self: True)
    answers = ["UBND", "Ủy ban nhân dân xã Tân Lập", "Tân Lập", "quantri", PASSWORD, PASSWORD]
    done = CliRunner().invoke(main, ["setup"], input="\n".join(answers) + "\n")
    assert done.exit_code == 0, done.output
    for question in (
        "Mã cơ quan trong số ký hiệu (UBND): ",
        "Tên cơ quan (Ủy ban nhân dân xã …): ",
        "Tên đăng nhập của quản trị viên: ",
        "Mật khẩu (password): ",
        "Repeat for confirmation: ",
    ):
        assert question in done.output
    assert PASSWORD not in done.output  # typed hidden
    assert "created organization UBND; created administrator quantri" in done.output
    engine = make_engine(database_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "quantri")).one()
        assert security.check_password_hash(user.password_hash, PASSWORD)
    engine.dispose()


def test_setup_without_a_terminal_names_the_first_missing_flag(environment: Path) -> None:
    done = CliRunner().invoke(main, ["setup", "--org-code", "UBND"])
    assert done.exit_code == 2
    assert "--org-name is missing (no terminal to ask in)" in done.output
