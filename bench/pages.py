"""The public consultation page under a surge, uncached and cached, against a bare GET.

    make bench-pages      # or: .venv/bin/python bench/pages.py [--seconds 5] [--opinions 0]

In one run, each under gunicorn with 2 sync workers on the same SQLite file (the demo
commune, plus ``--opinions`` more opinions in its open consultation): consult's public page
``/consultations/{id}`` rendered on every request (the request carries a cookie, which the
page cache does not serve), the same page as citizens get it (no cookie: from the in-process
cache, after one render per version), and a bare Flask endpoint reading 20 rows with sqlite3
and answering JSON. wrk, 16 connections, alternating rounds, the median round reported.
Targets: uncached ≥ 0.3 of the bare GET, cached ≥ 0.8.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from intake import BENCH, ROOT, VENV_BIN, free_port, serve  # type: ignore[import-not-found]


def load(database: Path, consultation_id: int, opinions: int) -> None:
    with sqlite3.connect(database) as conn:
        (article,) = conn.execute(
            "SELECT id FROM article WHERE consultation_id = ? LIMIT 1", (consultation_id,)
        ).fetchone()
        columns = [row[1] for row in conn.execute("PRAGMA table_info(comment)") if row[1] != "id"]
        defaults = {"channel": "online", "represents": 1, "article_id": article}
        rows = (
            tuple(
                {
                    "consultation_id": consultation_id,
                    "body": f"Đồng ý với dự thảo {n}",
                    "search_text": f"dong y voi du thao {n}",
                    "receipt": f"B{n:09d}",
                    "received_at": "2024-03-05 01:00:00.000000",
                }.get(name, defaults.get(name, ""))
                for name in columns
            )
            for n in range(opinions)
        )
        marks = ", ".join("?" for _ in columns)
        nullable = {
            "disposition",
            "entered_by_id",
            "reviewed_by_id",
            "reviewed_at",
            "proposed_disposition",
            "proposed_by_id",
            "proposed_at",
            "resend_key",
        }
        conn.executemany(
            f"INSERT INTO comment ({', '.join(columns)}) VALUES ({marks})",
            (
                [None if c in nullable else v for c, v in zip(columns, row, strict=True)]
                for row in rows
            ),
        )


def wrk(url: str, mode: str, seconds: int) -> float:
    out = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            "16",
            "--duration",
            f"{seconds}s",
            "--script",
            str(BENCH / "pages.lua"),
            url,
            "--",
            mode,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{url}: answers that are not 200\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--opinions", type=int, nargs="+", default=[0])
    args = parser.parse_args(argv)
    ok = True
    for opinions in args.opinions:
        ok = run(args, opinions) and ok
    return 0 if ok else 1


def run(args: argparse.Namespace, opinions: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix="consult-pages-"))
    database = folder / "consult.db"
    env = {
        **os.environ,
        "CONSULT_DATABASE_URL": f"sqlite:///{database}",
        "CONSULT_INSTANCE_DIR": str(folder),
        "CONSULT_SECRET_KEY": "bench-pages",
    }
    processes = []
    try:
        for command in (["init-db"], ["demo"]):
            subprocess.run(
                [str(VENV_BIN / "consult"), *command], env=env, check=True, capture_output=True
            )
        with sqlite3.connect(database) as conn:
            (cid,) = conn.execute(
                "SELECT id FROM consultation WHERE state = 'consulting' ORDER BY id DESC LIMIT 1"
            ).fetchone()
        load(database, cid, opinions)
        consult_port, bare_port = free_port(), free_port()
        processes.append(serve("consult.wsgi:app", env, consult_port, ROOT, 2))
        processes.append(
            serve("bare_pages:app", {**os.environ, "BARE_DB": str(database)}, bare_port, BENCH, 2)
        )
        targets = {
            "bare GET, 20 rows": (f"http://127.0.0.1:{bare_port}/consultations/{cid}", "plain"),
            "consult page, uncached": (
                f"http://127.0.0.1:{consult_port}/consultations/{cid}",
                "uncached",
            ),
            "consult page, cached": (
                f"http://127.0.0.1:{consult_port}/consultations/{cid}",
                "cached",
            ),
        }
        figures: dict[str, list[float]] = {name: [] for name in targets}
        for _round in range(args.rounds):
            for name, (url, mode) in targets.items():
                figures[name].append(wrk(url, mode, args.seconds))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    median = {name: sorted(values)[len(values) // 2] for name, values in figures.items()}
    bare = median["bare GET, 20 rows"]
    print(
        f"\n{opinions:,} extra opinions; gunicorn 2 workers, 16 connections, median of "
        f"{args.rounds} × {args.seconds} s; load average {os.getloadavg()[0]:.1f}"
    )
    for name, value in median.items():
        print(f"{name:26} {value:>9.1f} /s   {value / bare:.2f} of bare")
    uncached = median["consult page, uncached"] / bare
    cached = median["consult page, cached"] / bare
    ok = uncached >= 0.3 and cached >= 0.8
    print("OK" if ok else "BELOW TARGET (uncached ≥ 0.3, cached ≥ 0.8)")
    return ok


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    sys.exit(main())
