"""The connection pool: a pooled connection that died while it waited is replaced before a
request uses it, without a ping on every request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from consult import db
from consult.models import Organization
from consult.runtime import Runtime
from tests.conftest import ON_POSTGRES
from tests.helpers import post_draft, start


@pytest.fixture
def engine(runtime: Runtime) -> Iterator[Engine]:
    yield runtime.db


def _kill(engine: Engine) -> None:
    """End the pooled connection's session from the other side, as a server restart does."""
    pooled = engine.raw_connection()
    dbapi = pooled.dbapi_connection
    if ON_POSTGRES:
        (pid,) = dbapi.execute("SELECT pg_backend_pid()").fetchone()
        dbapi.rollback()
        admin = db.make_engine(engine.url.render_as_string(hide_password=False))
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        admin.dispose()
    pooled.close()
    if not ON_POSTGRES:
        dbapi.close()


def test_a_connection_that_died_in_the_pool_is_replaced_after_it_sat_idle(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.dispose()
    _kill(engine)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_connection_in_use_a_moment_ago_is_not_pinged(engine: Engine) -> None:
    engine.dispose()
    pinged: list[object] = []
    dialect = engine.dialect
    original = dialect.do_ping
    dialect.do_ping = lambda connection: pinged.append(connection) or original(connection)  # type: ignore[method-assign]
    try:
        for _ in range(3):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
    finally:
        del dialect.do_ping  # type: ignore[method-assign]
    assert pinged == []


def test_an_opinion_is_received_after_the_database_dropped_the_pooled_connection(
    client: FlaskClient, runtime: Runtime, commune: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    runtime.db.dispose()
    _kill(runtime.db)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    sent = client.post(
        f"/api/v1/consultations/{cid}/comments", json={"body": "Góp ý sau khi mất kết nối."}
    )
    assert sent.status_code == 201, sent.get_data(as_text=True)
    receipt = sent.get_json()["receipt"]
    assert client.get(f"/api/v1/receipts/{receipt}").status_code == 200
