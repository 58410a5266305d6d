"""The baseline of bench/intake.py: the least a comment intake can do over HTTP.

A bare Flask endpoint that parses the JSON body, inserts one row and answers 201 with a
receipt, after the commit. Run by the benchmark under gunicorn:

- SQLite: ``BARE_DB=/path gunicorn bare_intake:app`` — sqlite3 with WAL,
  ``synchronous=NORMAL`` and ``BEGIN IMMEDIATE``, as consult's SQLite engine;
- PostgreSQL: ``BARE_PG=postgresql://… gunicorn bare_intake:app`` — one psycopg connection
  per worker, kept open, ``INSERT`` then ``COMMIT`` (with the server's
  ``synchronous_commit``, as consult).

Receipts are 64 random bits (16 hex digits), so they do not collide in a run of millions.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from datetime import UTC, datetime
from typing import Any

from flask import Flask, jsonify, request

app = Flask(__name__)
_local = threading.local()
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS comment (id INTEGER PRIMARY KEY, consultation_id INTEGER, "
    "body TEXT NOT NULL, article TEXT, receipt TEXT UNIQUE NOT NULL, received_at TEXT NOT NULL)"
)
PG_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS comment (id BIGSERIAL PRIMARY KEY, consultation_id INTEGER, "
    "body TEXT NOT NULL, article TEXT, receipt TEXT UNIQUE NOT NULL, "
    "received_at TIMESTAMPTZ NOT NULL)"
)
INSERT = (
    "INSERT INTO comment (consultation_id, body, article, receipt, received_at) "
    "VALUES (%s, %s, %s, %s, %s)"
)


def sqlite_connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["BARE_DB"], timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        _local.conn = conn
    return conn


def pg_connection() -> Any:
    conn = getattr(_local, "pg", None)
    if conn is None:
        import psycopg

        conn = _local.pg = psycopg.connect(os.environ["BARE_PG"])
    return conn


def store(row: tuple[Any, ...]) -> None:
    if os.environ.get("BARE_PG"):
        conn = pg_connection()
        try:
            conn.execute(INSERT, row)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        return
    lite = sqlite_connection()
    lite.execute("BEGIN IMMEDIATE")
    try:
        lite.execute(INSERT.replace("%s", "?"), row)
        lite.execute("COMMIT")
    except BaseException:
        lite.execute("ROLLBACK")
        raise


@app.post("/api/v1/consultations/<int:consultation_id>/comments")
def comment(consultation_id: int):  # type: ignore[no-untyped-def]
    data = request.get_json()
    receipt = secrets.token_hex(8).upper()
    now = datetime.now(UTC)
    store((consultation_id, data["body"], data.get("article"), receipt, now.isoformat()))
    return jsonify({"receipt": receipt}), 201
