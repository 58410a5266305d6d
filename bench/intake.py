"""Comment intake under load: consult's API under gunicorn against a bare endpoint.

    make bench-intake            # SQLite, 2 workers
    make bench-intake-postgres   # PostgreSQL, 2 then 4 workers
    .venv/bin/python bench/intake.py [--database sqlite|postgresql] [--workers 2]
                                     [--seconds 10] [--rounds 3] [--clients 64]

Both servers run side by side in the same run, each under gunicorn with N sync workers, on
their own fresh database (a SQLite file, or a PostgreSQL database made with ``createdb`` on
``--pg-server`` and dropped afterwards):

- **consult**: ``gunicorn consult.wsgi:app`` with ``CONSULT_RATELIMIT=off``, the demo commune
  loaded and one consultation open; wrk posts to ``POST /api/v1/consultations/{id}/comments``
  (validation, the window check, the article lookup, the resend check, the receipt, commit);
- **bare**: ``bench/bare_intake.py``, a Flask endpoint that inserts one row with sqlite3 or
  psycopg and commits.

wrk (Debian's ``wrk``) drives each with many concurrent clients for the same time, in
alternating rounds. Every request is a distinct opinion, in every round: each round has a tag
of its own in every body (``bench/intake.lua``), so no opinion is answered through the resend
path without a row. After each round the database is checked against the answers: every
receipt given must be stored (``lost``), the receipts must all differ, and the rows stored
with the round's tag may exceed the receipts only by the requests wrk cut off at the end
(at most one per client). Results are printed and written to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
TARGET_RATIO = 0.7
PG_SERVER = "postgresql://root@127.0.0.1:5432"


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    errors: int
    receipts: int
    stored: int
    lost: int
    repeated: int
    """Receipts given twice in a round: an opinion answered without a row of its own."""


Query = Callable[[str, tuple[Any, ...]], Any]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Database:
    """One fresh database of the run: its URL and a way to query it afterwards."""

    def __init__(self, kind: str, folder: Path, name: str, server: str) -> None:
        self.kind = kind
        if kind == "sqlite":
            self.path = folder / f"{name}.db"
            self.url = f"sqlite:///{self.path}"
            self.dsn = str(self.path)
        else:
            self.name = f"bench_intake_{name}_{os.getpid()}"
            self.server = server
            self._admin(f"DROP DATABASE IF EXISTS {self.name}")
            self._admin(f"CREATE DATABASE {self.name}")
            self.dsn = f"{server}/{self.name}"
            self.url = self.dsn.replace("postgresql://", "postgresql+psycopg://", 1)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.kind == "sqlite":
            with sqlite3.connect(self.path) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchone()
        import psycopg

        with psycopg.connect(self.dsn) as conn:
            return conn.execute(sql, params).fetchone()

    def received(self, tag: str, receipts: list[str]) -> tuple[int, int]:
        """(rows stored with the round's tag, receipts given that are not among them)."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.path) as conn:
                conn.execute("CREATE TEMP TABLE given (receipt TEXT PRIMARY KEY)")
                conn.executemany("INSERT OR IGNORE INTO given VALUES (?)", [(r,) for r in receipts])
                return conn.execute(*self._check(tag, "?")).fetchone()  # type: ignore[no-any-return]
        import psycopg

        with psycopg.connect(self.dsn) as conn:
            conn.execute("CREATE TEMP TABLE given (receipt TEXT PRIMARY KEY)")
            with conn.cursor().copy("COPY given FROM STDIN") as copy:
                for receipt in set(receipts):
                    copy.write_row((receipt,))
            return conn.execute(*self._check(tag, "%s")).fetchone()  # type: ignore[no-any-return]

    @staticmethod
    def _check(tag: str, mark: str) -> tuple[str, tuple[str]]:
        return (
            f"SELECT (SELECT count(*) FROM comment WHERE body LIKE {mark}), "
            "(SELECT count(*) FROM given WHERE receipt NOT IN (SELECT receipt FROM comment))",
            (f"%số {tag}-%",),
        )

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.kind == "postgresql":
            self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def prepare_consult(database: Database, folder: Path) -> tuple[dict[str, str], int]:
    """The demo commune and its open consultation in a fresh database; the consultation's id."""
    env = {
        **os.environ,
        "CONSULT_DATABASE_URL": database.url,
        "CONSULT_INSTANCE_DIR": str(folder),
        "CONSULT_RATELIMIT": "off",
        "CONSULT_SECRET_KEY": "bench-intake-secret",
    }
    for command in (["init-db"], ["demo"]):
        subprocess.run(
            [str(VENV_BIN / "consult"), *command], env=env, check=True, capture_output=True
        )
    (consultation_id,) = database.query(
        "SELECT id FROM consultation WHERE state = 'consulting' ORDER BY id DESC LIMIT 1"
    )
    return env, int(consultation_id)


def prepare_bare(database: Database) -> dict[str, str]:
    from bare_intake import PG_SCHEMA, SCHEMA  # type: ignore[import-not-found]

    if database.kind == "sqlite":
        with sqlite3.connect(database.path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(SCHEMA)
        return {**os.environ, "BARE_DB": database.dsn}
    import psycopg

    with psycopg.connect(database.dsn) as conn:
        conn.execute(PG_SCHEMA)
    return {**os.environ, "BARE_PG": database.dsn}


def serve(
    app: str, env: dict[str, str], port: int, chdir: Path, workers: int
) -> subprocess.Popen[bytes]:
    command = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind"]
    command += [f"127.0.0.1:{port}", "--chdir", str(chdir), "--log-level", "warning", app]
    process = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start on port {port}")


def warm_up(url: str, path: str) -> None:
    """Requests for every worker first, so imports and connections are not timed."""
    for n in range(32):
        body = json.dumps({"body": f"Khởi động {n}", "article": "3"}).encode()
        request = urllib.request.Request(
            f"{url}{path}", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201, response.status


def drive(url: str, path: str, tag: str, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    env = {**os.environ, "INTAKE_OUT": str(out)}
    command = ["wrk", "--threads", str(min(4, args.clients)), "--connections", str(args.clients)]
    command += ["--duration", f"{args.seconds}s", "--timeout", "30s"]
    command += ["--script", str(BENCH / "intake.lua"), url, "--", path, tag]
    subprocess.run(command, env=env, check=True, capture_output=True)
    figures: dict[str, Any] = {"receipts": []}
    for line in out.read_text().splitlines():
        key, _, value = line.partition(" ")
        if key == "R":
            figures["receipts"].append(value)
        else:
            figures[key] = value
    return figures


def result(name: str, figures: dict[str, Any], database: Database, tag: str) -> Result:
    receipts: list[str] = figures["receipts"]
    time.sleep(0.5)  # the requests wrk cut off at the end finish
    stored, lost = database.received(tag, receipts)
    seconds = int(figures["duration_us"]) / 1e6
    return Result(
        name=name,
        requests=int(figures["requests"]),
        seconds=round(seconds, 2),
        throughput=round(len(receipts) / seconds, 1),
        p50_ms=round(int(figures["p50_us"]) / 1000, 1),
        p99_ms=round(int(figures["p99_us"]) / 1000, 1),
        errors=int(figures["socket_errors"]) + int(figures["failures"]),
        receipts=len(receipts),
        stored=int(stored),
        lost=int(lost),
        repeated=len(receipts) - len(set(receipts)),
    )


def median_round(rounds: list[Result]) -> Result:
    """The round of median throughput, with the counts of all rounds."""
    middle = sorted(rounds, key=lambda r: r.throughput)[len(rounds) // 2]
    totals = {
        key: sum(getattr(r, key) for r in rounds)
        for key in ("requests", "errors", "receipts", "stored", "lost", "repeated")
    }
    return Result(**{**asdict(middle), **totals})


def run(args: argparse.Namespace, workers: int, folder: Path) -> list[Result]:
    consult_db = Database(args.database, folder, "consult", args.pg_server)
    bare_db = Database(args.database, folder, "bare", args.pg_server)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        env, consultation_id = prepare_consult(consult_db, folder)
        bare_env = prepare_bare(bare_db)
        consult_port, bare_port = free_port(), free_port()
        processes.append(serve("consult.wsgi:app", env, consult_port, ROOT, workers))
        processes.append(serve("bare_intake:app", bare_env, bare_port, BENCH, workers))
        path = f"/api/v1/consultations/{consultation_id}/comments"
        targets = (
            (
                f"bare {'psycopg' if args.database == 'postgresql' else 'sqlite3'}",
                bare_port,
                bare_db,
            ),
            ("consult API", consult_port, consult_db),
        )
        for _name, port, _database in targets:
            warm_up(f"http://127.0.0.1:{port}", path)
        # Alternate the two, round after round, so a change in the machine's load (other
        # work on it) touches both alike; each one's figures are the median round's.
        rounds: dict[str, list[Result]] = {name: [] for name, _p, _d in targets}
        for _round in range(args.rounds):
            for name, port, database in targets:
                tag = secrets.token_hex(4)
                figures = drive(f"http://127.0.0.1:{port}", path, tag, args, folder / "wrk.out")
                rounds[name].append(result(name, figures, database, tag))
        return [median_round(rounds[name]) for name, _p, _d in targets]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        consult_db.drop()
        bare_db.drop()


def report(args: argparse.Namespace, workers: int, results: list[Result]) -> bool:
    bare, app = results
    ratio = app.throughput / bare.throughput if bare.throughput else 0.0
    print(
        f"\n{args.database}, {workers} gunicorn workers each, {args.clients} clients, "
        f"median of {args.rounds} × {args.seconds} s; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'':24} {'opinions/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'receipts':>9} {'stored':>8} {'lost':>5} {'repeated':>8}"
    )
    for r in results:
        print(
            f"{r.name:24} {r.throughput:>11.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} "
            f"{r.errors:>7} {r.receipts:>9} {r.stored:>8} {r.lost:>5} {r.repeated:>8}"
        )
    print(f"ratio consult / bare: {ratio:.2f} (target ≥ {TARGET_RATIO})")
    figures = {**vars(args), "workers": workers, "results": [asdict(r) for r in results]}
    (BENCH / "results").mkdir(exist_ok=True)
    name = f"intake-{args.database}-{workers}w.json"
    (BENCH / "results" / name).write_text(
        json.dumps({**figures, "ratio": round(ratio, 3)}, indent=2)
    )
    # The target is consult's: no error, nothing lost, no receipt answered twice, and no more
    # rows than receipts but for the requests cut off at the end of each round. An error of the
    # baseline (a socket reset under load, seen once in a while) is printed and not counted.
    honest = 0 <= app.stored - app.receipts <= args.clients * args.rounds
    ok = ratio >= TARGET_RATIO and app.errors == 0 and app.lost == 0 and not app.repeated
    ok = ok and honest
    print("OK" if ok else "BELOW TARGET")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-server", default=PG_SERVER, help="where to createdb (PostgreSQL)")
    parser.add_argument("--seconds", type=int, default=10, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[2], help="gunicorn workers, each (a run each)"
    )
    parser.add_argument("--clients", type=int, default=64)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk (or `make bench-intake`)", file=sys.stderr)
        return 2
    ok = True
    for workers in args.workers:
        folder = Path(tempfile.mkdtemp(prefix="consult-intake-"))
        try:
            results = run(args, workers, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        ok = report(args, workers, results) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    sys.exit(main())
