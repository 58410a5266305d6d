"""The baseline of bench/pages.py: a bare Flask GET reading 20 rows with sqlite3 and
answering them as JSON. ``BARE_DB=/path gunicorn bare_pages:app``."""

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
    if conn is None:
        conn = _local.conn = sqlite3.connect(os.environ["BARE_DB"])
    rows = conn.execute(
        "SELECT id, body, received_at FROM comment WHERE consultation_id = ? ORDER BY id LIMIT 20",
        (consultation_id,),
    ).fetchall()
    return jsonify([list(row) for row in rows])
