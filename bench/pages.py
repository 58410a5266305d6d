"""The public consultation page under a surge, uncached and cached, against a bare GET.

    make bench-pages      # or: .venv/bin/python bench/pages.py [--seconds 5] [--opinions 0]
    .venv/bin/python bench/pages.py --database postgresql --opinions 0 100000 1000000
    .venv/bin/python bench/pages.py --database postgresql --existing postgresql://root@127.0.0.1:5432/national10m

In one run, each under gunicorn with 2 sync workers on the same database (a fresh SQLite file
or PostgreSQL database with the demo commune, plus ``--opinions`` more opinions in its open
consultation, loaded with one multi-row ``INSERT`` per batch or ``COPY``, then counted by
``consult tick``; or ``--existing``, a database loaded already): consult's public page
``/consultations/{id}`` rendered on every request (the request carries a cookie, which the
page cache does not serve), the same page as citizens get it (no cookie: from the in-process
cache, after one render per version), and a bare Flask endpoint reading 20 rows with sqlite3
or psycopg and answering JSON. wrk, 16 connections, alternating rounds, the median round reported.
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
import urllib.request
from pathlib import Path

from intake import (  # type: ignore[import-not-found]
    BENCH,
    PG_SERVER,
    ROOT,
    VENV_BIN,
    Database,
    free_port,
    serve,
)

NULLABLE = {
    "disposition",
    "entered_by_id",
    "reviewed_by_id",
    "reviewed_at",
    "proposed_disposition",
    "proposed_by_id",
    "proposed_at",
    "resend_key",
    "meeting_id",
    "entry_key",
}
CHANNELS = ("online", "paper", "meeting", "front", "box")


def load_postgres(dsn: str, consultation_id: int, opinions: int) -> None:
    """``COPY`` the opinions in: articles, villages and channels mixed."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        articles = [
            a
            for (a,) in conn.execute(
                "SELECT id FROM article WHERE consultation_id = %s", (consultation_id,)
            )
        ]
        villages = [v for (v,) in conn.execute("SELECT name FROM locality")] or [""]
        columns = [
            "consultation_id",
            "article_id",
            "body",
            "search_text",
            "channel",
            "locality",
            "receipt",
            "received_at",
        ]
        others = [
            (name, default)
            for name, default in conn.execute(
                "SELECT column_name, column_default FROM information_schema.columns "
                "WHERE table_name = 'comment' AND is_nullable = 'NO' AND column_default IS NULL"
            )
            if name not in columns and name != "id"
        ]
        fill = {"represents": 1, "group_key": "", "clause": ""}
        names = columns + [name for name, _ in others]
        with conn.cursor().copy(f"COPY comment ({', '.join(names)}) FROM STDIN") as copy:
            for n in range(opinions):
                copy.write_row(
                    (
                        consultation_id,
                        articles[n % len(articles)],
                        f"Đồng ý với dự thảo {n % 7}",
                        f"dong y voi du thao {n % 7}",
                        CHANNELS[n % len(CHANNELS)],
                        villages[n % len(villages)],
                        f"B{n:011d}",
                        "2024-03-05 01:00:00+00",
                        *(fill.get(name, "") for name, _ in others),
                    )
                )
    # VACUUM as well: else autovacuum takes the freshly loaded table on during the rounds
    # (PostgreSQL vacuums after many inserts), a core's worth of work beside the servers.
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE comment")


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
        nullable = NULLABLE
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
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-server", default=PG_SERVER, help="where to createdb (PostgreSQL)")
    parser.add_argument(
        "--existing", help="a PostgreSQL database loaded already (its newest open consultation)"
    )
    args = parser.parse_args(argv)
    ok = True
    for opinions in [-1] if args.existing else args.opinions:
        ok = run(args, opinions) and ok
    return 0 if ok else 1


def prepare(
    args: argparse.Namespace, opinions: int, folder: Path
) -> tuple[dict[str, str], str, int]:
    """The database of the run: consult's environment, the bare endpoint's DSN, and the
    consultation whose page is measured."""
    if args.existing:
        url = args.existing.replace("postgresql://", "postgresql+psycopg://", 1)
        env = {**os.environ, "CONSULT_DATABASE_URL": url, "CONSULT_INSTANCE_DIR": str(folder)}
        dsn = args.existing
    else:
        database = Database(args.database, folder, f"pages{opinions}", args.pg_server)
        env = {
            **os.environ,
            "CONSULT_DATABASE_URL": database.url,
            "CONSULT_INSTANCE_DIR": str(folder),
        }
        dsn = database.dsn
    env["CONSULT_SECRET_KEY"] = "bench-pages"
    commands = [["init-db"]] if args.existing else [["init-db"], ["demo"]]
    for command in commands:
        subprocess.run(
            [str(VENV_BIN / "consult"), *command], env=env, check=True, capture_output=True
        )
    query = "SELECT id FROM consultation WHERE state = 'consulting' ORDER BY id DESC LIMIT 1"
    if args.database == "sqlite" and not args.existing:
        with sqlite3.connect(dsn) as conn:
            (cid,) = conn.execute(query).fetchone()
        load(Path(dsn), cid, opinions)
    else:
        import psycopg

        with psycopg.connect(dsn) as conn:
            (cid,) = conn.execute(query).fetchone()
        if opinions > 0:
            load_postgres(dsn, cid, opinions)
    # The scheduler's pass counts what was loaded (consult.services.counts.refresh).
    subprocess.run([str(VENV_BIN / "consult"), "tick"], env=env, check=True, capture_output=True)
    return env, dsn, cid


def warm(url: str) -> None:
    """Requests for every worker first, so imports and connections are not timed."""
    for _ in range(20):
        request = urllib.request.Request(url, headers={"Cookie": "bench=1"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200, response.status


def run(args: argparse.Namespace, opinions: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix="consult-pages-"))
    processes = []
    try:
        env, dsn, cid = prepare(args, opinions, folder)
        counting = "SELECT count(*) FROM comment WHERE consultation_id = %s"
        if args.existing or args.database == "postgresql":
            import psycopg

            with psycopg.connect(dsn) as conn:
                (total,) = conn.execute(counting, (cid,)).fetchone()
        else:
            with sqlite3.connect(dsn) as conn:
                (total,) = conn.execute(counting.replace("%s", "?"), (cid,)).fetchone()
        consult_port, bare_port = free_port(), free_port()
        processes.append(serve("consult.wsgi:app", env, consult_port, ROOT, 2))
        processes.append(
            serve("bare_pages:app", {**os.environ, "BARE_DB": dsn}, bare_port, BENCH, 2)
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
        for url, _mode in targets.values():
            warm(url)
        figures: dict[str, list[float]] = {name: [] for name in targets}
        loads = []
        for _round in range(args.rounds):
            for name, (url, mode) in targets.items():
                figures[name].append(wrk(url, mode, args.seconds))
            loads.append(os.getloadavg()[0])
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
        if not args.existing and args.database == "postgresql":
            import psycopg

            with psycopg.connect(f"{args.pg_server}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS bench_intake_pages{opinions}_{os.getpid()}")
    median = {name: sorted(values)[len(values) // 2] for name, values in figures.items()}
    bare = median["bare GET, 20 rows"]
    print(
        f"\n{args.existing or args.database}: {total:,} opinions in the consultation; gunicorn 2 "
        f"workers, 16 connections, median of {args.rounds} × {args.seconds} s; load average "
        f"{min(loads):.1f}–{max(loads):.1f}"
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
