"""When the database cannot be reached: pages answer 503 with a static page, the API 503
``database_unavailable``, the log has one line per kind of failure per interval; ``/healthz``
says ``degraded`` when the database reads but cannot write."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from consult import create_app, errorhandlers
from consult.db import make_engine
from tests.conftest import ON_POSTGRES

UNREACHABLE = "postgresql+psycopg://root@127.0.0.1:1/consult"  # nothing listens on port 1


@pytest.fixture
def down(tmp_path: Path, workflows_dir: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": UNREACHABLE,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "off",
            "TESTING": True,
        }
    )
    errorhandlers._logged.clear()
    yield app
    errorhandlers._logged.clear()
    app.extensions["consult"].db.dispose()


def test_pages_answer_503_with_the_static_page_and_the_api_database_unavailable(
    down: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = down.test_client()
    with caplog.at_level(logging.ERROR):
        for path in ("/", "/archive", "/login", "/consultations/1", "/receipts?code=ABCD-EFGH"):
            page = client.get(path)
            assert page.status_code == 503, path
            assert page.headers["Retry-After"] == "30"
            html = page.get_data(as_text=True)
            assert "Hệ thống tạm thời gián đoạn" in html and "Temporarily unavailable" in html
            assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        for method, path, body in (
            ("get", "/api/v1/consultations", None),
            ("get", "/api/v1/consultations/1", None),
            ("post", "/api/v1/consultations/1/comments", {"body": "Góp ý."}),
            ("post", "/api/v1/auth/token", {"username": "tuphap", "password": "x" * 12}),
        ):
            answer = getattr(client, method)(path, json=body)
            assert answer.status_code == 503, path
            assert answer.get_json()["error"]["code"] == "database_unavailable"
            assert answer.headers["Retry-After"] == "30"
        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["status"] == "error"
    lines = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(lines) == 1  # one line for the one kind of failure, not one per request
    assert lines[0].exc_info is None and "Connection refused" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]  # no traceback


def test_the_same_failure_is_logged_again_after_the_interval(down: Flask) -> None:
    with down.app_context():
        assert errorhandlers.log_once("OperationalError: x", now=1000.0)
        assert not errorhandlers.log_once("OperationalError: x", now=1030.0)
        assert errorhandlers.log_once("OperationalError: y", now=1030.0)  # another kind
        assert errorhandlers.log_once("OperationalError: x", now=1061.0)


def test_healthz_is_degraded_when_writes_fail(app: Flask, database_url: str) -> None:
    client = app.test_client()
    healthy = client.get("/healthz")
    assert healthy.status_code == 200 and healthy.get_json()["status"] == "ok"
    if not ON_POSTGRES:
        assert healthy.get_json()["disk_free_bytes"] > 0
    engine = make_engine(database_url)
    # The database keeps answering reads and refuses every write, as a full disk or a
    # read-only file or server does (the tests run as root, for whom chmod changes nothing).
    refuse = (
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$; "
        "CREATE TRIGGER full_disk BEFORE UPDATE ON alembic_version "
        "FOR EACH ROW EXECUTE FUNCTION refuse()"
        if ON_POSTGRES
        else "CREATE TRIGGER full_disk BEFORE UPDATE ON alembic_version "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    with engine.begin() as conn:
        conn.execute(text(refuse))
    try:
        degraded = client.get("/healthz")
        assert degraded.status_code == 503
        body = degraded.get_json()
        assert body["status"] == "degraded" and body["database"] == "degraded"
        assert "full" in body["detail"] or "space" in body["detail"]
        assert body["scheduler"]["status"] == "ok"  # reads still work
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("DROP TRIGGER full_disk" + (" ON alembic_version" if ON_POSTGRES else ""))
            )
            if ON_POSTGRES:
                conn.execute(text("DROP FUNCTION refuse()"))
        engine.dispose()
