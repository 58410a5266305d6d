"""The baseline of bench/pages.py: a bare Flask GET reading 20 rows (the oldest, by the index
on consultation and time) with sqlite3, or psycopg when ``BARE_DB`` is a ``postgresql://``
DSN, and answering them as JSON. ``BARE_DB=/path gunicorn bare_pages:app``."""

from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, jsonify

app = Flask(__name__)
_local = threading.local()


@app.get("/consultations/<int:consultation_id>")
def page(consultation_id: int):  # type: ignore[no-untyped-def]
    conn = getattr(_local, "conn", None)
    target = os.environ["BARE_DB"]
    if conn is None:
        if target.startswith("postgresql://"):
            import psycopg

            conn = _local.conn = psycopg.connect(target, autocommit=True)
        else:
            conn = _local.conn = sqlite3.connect(target)
    mark = "%s" if target.startswith("postgresql://") else "?"
    rows = conn.execute(
        "SELECT id, body, received_at FROM comment WHERE consultation_id = "
        f"{mark} ORDER BY received_at LIMIT 20",
        (consultation_id,),
    ).fetchall()
    return jsonify([[str(value) for value in row] for row in rows])
