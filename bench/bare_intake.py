"""The baseline of bench/intake.py: the least a comment intake can do over HTTP.

A bare Flask endpoint that parses the JSON body, inserts one row with sqlite3 (WAL,
synchronous=NORMAL, BEGIN IMMEDIATE, as consult's SQLite engine) and answers 201 with a
receipt. Run by the benchmark under gunicorn: ``BARE_DB=/path gunicorn bare_intake:app``.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from datetime import UTC, datetime

from flask import Flask, jsonify, request

app = Flask(__name__)
_local = threading.local()
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS comment (id INTEGER PRIMARY KEY, consultation_id INTEGER, "
    "body TEXT NOT NULL, article TEXT, receipt TEXT UNIQUE NOT NULL, received_at TEXT NOT NULL)"
)


def connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["BARE_DB"], timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        _local.conn = conn
    return conn


@app.post("/api/v1/consultations/<int:consultation_id>/comments")
def comment(consultation_id: int):  # type: ignore[no-untyped-def]
    data = request.get_json()
    receipt = secrets.token_hex(4).upper()
    conn = connection()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT INTO comment (consultation_id, body, article, receipt, received_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                consultation_id,
                data["body"],
                data.get("article"),
                receipt,
                datetime.now(UTC).isoformat(),
            ),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return jsonify({"receipt": receipt}), 201
