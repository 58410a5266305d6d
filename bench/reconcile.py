"""Time one reconcile pass over 10,000 open consultations of which 1,000 are due.

    .venv/bin/python bench/reconcile.py [--open 10000] [--due 1000] [--runs 3] [--database URL]

The data is bulk-inserted (organizations, consultations, windows) into a fresh SQLite file
(or the PostgreSQL URL given), then `Engine.reconcile(now)` runs once per fresh copy. As a
baseline in the same process, a hand-written loop does the least the same pass must do with
raw SQL: per due window, in its own transaction, a compare-and-set on the consultation, the
window's closed_at, and one audit row. The report gives both times and their ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from consult.config import load_settings
from consult.migrate import upgrade
from consult.models import Consultation, Organization, Window
from consult.runtime import build_runtime

NOW = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)


def populate(url: str, open_count: int, due_count: int) -> None:
    settings = load_settings({"database_url": url})
    upgrade(settings)
    runtime = build_runtime(settings)
    definition = runtime.catalog.get("qcdc-ubnd-xa")
    with runtime.db.begin() as conn:
        conn.execute(
            insert(Organization),
            [
                {
                    "code": "UBND",
                    "name": "Ủy ban nhân dân xã Đông Sơn",
                    "short_name": "xã Đông Sơn",
                    "place_name": "Đông Sơn",
                    "superior_name": "",
                    "register_scheme": "single",
                }
            ],
        )
        conn.execute(
            text(
                "INSERT INTO workflowsnapshot (hash, workflow_id, version, source, stored_at) "
                "VALUES (:h, :i, :v, :s, :t)"
            ),
            {
                "h": definition.source_hash,
                "i": definition.id,
                "v": definition.version,
                "s": definition.source_text,
                "t": NOW.replace(tzinfo=None),
            },
        )
        created = NOW - timedelta(days=25)
        conn.execute(
            insert(Consultation),
            [
                {
                    "organization_id": 1,
                    "workflow_id": definition.id,
                    "workflow_version": definition.version,
                    "workflow_hash": definition.source_hash,
                    "title": f"Quy chế {n}",
                    "summary": "",
                    "state": "consulting",
                    "version": 2,
                    "created_at": created,
                    "updated_at": created,
                    "synthesis_summary": "",
                }
                for n in range(open_count)
            ],
        )
        windows = []
        for n in range(open_count):
            due = n < due_count
            closes = NOW - timedelta(minutes=n + 1) if due else NOW + timedelta(days=5 + n % 10)
            windows.append(
                {
                    "consultation_id": n + 1,
                    "name": "comment_window",
                    "opens_at": closes - timedelta(days=20),
                    "closes_at": closes,
                    "duration": "20d",
                    "on_close": "close_posting",
                    "accepts_comments": True,
                    "basis": "Luật 10/2022/QH15, Điều 28(2)",
                    "closed_at": None,
                }
            )
        conn.execute(insert(Window), windows)
    runtime.db.dispose()


def time_reconcile(url: str) -> tuple[float, int]:
    runtime = build_runtime(load_settings({"database_url": url}))
    started = time.perf_counter()
    applied = runtime.engine.reconcile(runtime.db, NOW)
    elapsed = time.perf_counter() - started
    runtime.db.dispose()
    return elapsed, len(applied)


def time_baseline(url: str) -> tuple[float, int]:
    """The least a pass must do, in raw SQL: find due windows, then per window one transaction."""
    runtime = build_runtime(load_settings({"database_url": url}))
    engine = runtime.db
    started = time.perf_counter()
    with engine.connect() as conn:
        due = conn.execute(
            text(
                "SELECT id, consultation_id FROM window WHERE closed_at IS NULL "
                "AND on_close IS NOT NULL AND closes_at <= :now ORDER BY closes_at, id"
            ),
            {"now": NOW.replace(tzinfo=None)},
        ).all()
    done = 0
    for window_id, consultation_id in due:
        with engine.begin() as conn:
            changed = conn.execute(
                text(
                    "UPDATE consultation SET state='synthesis', version=version+1 "
                    "WHERE id=:id AND state='consulting' AND version=2"
                ),
                {"id": consultation_id},
            )
            if changed.rowcount != 1:
                continue
            conn.execute(
                text("UPDATE window SET closed_at=:now WHERE id=:id AND closed_at IS NULL"),
                {"id": window_id, "now": NOW.replace(tzinfo=None)},
            )
            conn.execute(
                text(
                    "INSERT INTO auditevent (at, actor, consultation_id, action, detail, "
                    "prev_hash, hash) VALUES (:at, 'system', :cid, 'close_posting', '{}', :p, :h)"
                ),
                {
                    "at": NOW.replace(tzinfo=None),
                    "cid": consultation_id,
                    "p": "0" * 64,
                    "h": f"{consultation_id:064d}",
                },
            )
            done += 1
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default="", help="a PostgreSQL URL; default a SQLite file")
    args = parser.parse_args()
    if args.database:
        sys.exit("PostgreSQL runs: point --database at an empty database (not yet automated)")
    work = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    template = work / "template.db"
    populate(f"sqlite:///{template}", args.open, args.due)
    results: dict[str, list[float]] = {"reconcile": [], "baseline": []}
    for run in range(args.runs):
        for name, timer in (("reconcile", time_reconcile), ("baseline", time_baseline)):
            copy = work / f"{name}-{run}.db"
            shutil.copy(template, copy)
            elapsed, applied = timer(f"sqlite:///{copy}")
            assert applied == args.due, f"{name} applied {applied}, expected {args.due}"
            results[name].append(elapsed)
    reconcile = statistics.median(results["reconcile"])
    baseline = statistics.median(results["baseline"])
    print(f"open consultations: {args.open:,}; due: {args.due:,}; runs: {args.runs} (SQLite)")
    print(f"reconcile pass:  median {reconcile:.3f} s  ({args.due / reconcile:,.0f} transitions/s)")
    print(f"raw-SQL baseline: median {baseline:.3f} s  ({args.due / baseline:,.0f} transitions/s)")
    print(f"ratio reconcile/baseline: {reconcile / baseline:.2f}x")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
