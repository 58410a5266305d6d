"""The answer to a citizen's opinion sent through the API, written without flask-smorest's dump
(``consult.api.comments.receipt_answer``), and the limit on public writes counted without
flask-limiter's per-request resolution (``consult.api.auth.public_write``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult import create_app
from consult.api.schemas import ReceiptOut
from consult.extensions import limiter
from consult.models import Comment, Organization
from consult.runtime import Runtime
from consult.services import intake
from consult.web.headers import HEADERS
from tests.helpers import Clock, post_draft, start


def test_the_receipt_answer_is_the_documented_schema_and_leads_to_the_receipt(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    sent = client.post(f"/api/v1/consultations/{cid}/comments", json={"body": "Đồng ý."})
    assert sent.status_code == 201 and sent.mimetype == "application/json"
    answer = sent.get_json()
    with Session(runtime.db) as session:
        stored = intake.by_receipt(session, answer["receipt"])
    # Exactly what ReceiptOut documents in the OpenAPI document, dumped from the stored row.
    expected = ReceiptOut().dump(
        {
            "receipt": stored.receipt,
            "received_at": stored.received_at,
            "consultation": cid,
            "article": None,
        }
    )
    assert answer == expected
    assert sent.headers["Location"] == f"/api/v1/receipts/{stored.receipt}"
    followed = client.get(sent.headers["Location"])
    assert followed.status_code == 200 and followed.get_json()["receipt"] == stored.receipt
    for name, value in HEADERS.items():  # the security headers, as on every answer
        assert sent.headers[name] == value
    assert "Set-Cookie" not in sent.headers  # no session is made for a citizen's opinion


@pytest.fixture
def limited(
    database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path
) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "limited",
            "ratelimit": "2/minute;200/hour",
            "clock": clock,
            "TESTING": True,
        }
    )
    limiter.reset()
    yield app
    limiter.reset()
    app.extensions["consult"].db.dispose()


def test_public_writes_are_limited_per_address_and_each_limit_counts(
    limited: Flask, commune: Organization
) -> None:
    runtime = limited.extensions["consult"]
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    client = limited.test_client()
    path = f"/api/v1/consultations/{cid}/comments"

    def send(n: int, address: str) -> int:
        sent = client.post(path, json={"body": f"Góp ý {n}"}, environ_base={"REMOTE_ADDR": address})
        return sent.status_code

    assert [send(n, "10.0.0.1") for n in range(3)] == [201, 201, 429]
    flood = client.post(path, json={"body": "Góp ý 9"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    error = flood.get_json()["error"]
    assert flood.status_code == 429 and error["code"] == "rate_limited"
    assert "2 per 1 minute" in error["message"]  # the limit that was reached
    assert 0 < int(flood.headers["Retry-After"]) <= 60
    # Another address has its own count; nothing refused was stored.
    assert send(10, "10.0.0.2") == 201
    with Session(runtime.db) as session:
        rows = session.exec(select(Comment.body).where(Comment.consultation_id == cid)).all()
    assert sorted(rows) == ["Góp ý 0", "Góp ý 1", "Góp ý 10"]
