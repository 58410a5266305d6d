"""Comment intake under load: consult's API under gunicorn against a bare sqlite3 endpoint.

    make bench-intake        # or: .venv/bin/python bench/intake.py [--seconds 15] [--clients 64]

Both run side by side in the same run, each under gunicorn with 2 (sync) workers, on their own
fresh SQLite file:

- **consult**: ``gunicorn consult.wsgi:app`` with ``CONSULT_RATELIMIT=off``, the demo commune
  loaded and one consultation open; wrk posts to ``POST /api/v1/consultations/{id}/comments``
  (validation, the window check, the article lookup, the resend check, the receipt, commit);
- **bare**: ``bench/bare_intake.py``, a Flask endpoint that inserts one row with sqlite3.

wrk (Debian's ``wrk``) drives each with many concurrent clients for the same time, every request
a distinct opinion (``bench/intake.lua``), in alternating rounds, and reports throughput (receipts
per second), p50/p99 latency and errors.
Afterwards every receipt consult gave is looked up in its database: a receipt given means the
opinion is committed. Target: consult's throughput at least half the bare endpoint's, no error,
nothing lost. Results are printed and written to ``bench/results/intake.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
TARGET_RATIO = 0.5


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
    lost: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_consult(folder: Path) -> tuple[dict[str, str], int]:
    """A fresh database with the demo commune and its open consultation; its id."""
    env = {
        **os.environ,
        "CONSULT_DATABASE_URL": f"sqlite:///{folder / 'consult.db'}",
        "CONSULT_INSTANCE_DIR": str(folder),
        "CONSULT_RATELIMIT": "off",
        "CONSULT_SECRET_KEY": "bench-intake-secret",
    }
    for command in (["init-db"], ["demo"]):
        subprocess.run(
            [str(VENV_BIN / "consult"), *command], env=env, check=True, capture_output=True
        )
    with sqlite3.connect(folder / "consult.db") as conn:
        (consultation_id,) = conn.execute(
            "SELECT id FROM consultation WHERE state = 'consulting' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return env, int(consultation_id)


def serve(
    app: str, env: dict[str, str], port: int, chdir: Path, workers: int
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(chdir),
            "--log-level",
            "warning",
            app,
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start on port {port}")


def warm_up(url: str, consultation_id: int) -> None:
    """One request per worker thread first, so imports and connections are not timed."""
    for n in range(16):
        body = json.dumps({"body": f"Khởi động {n}", "article": "3"}).encode()
        request = urllib.request.Request(
            f"{url}/api/v1/consultations/{consultation_id}/comments",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201, response.status


def drive(name: str, url: str, path: str, seconds: int, clients: int, out: Path) -> dict[str, str]:
    env = {**os.environ, "INTAKE_OUT": str(out)}
    subprocess.run(
        [
            "wrk",
            "--threads",
            str(min(4, clients)),
            "--connections",
            str(clients),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "30s",
            "--script",
            str(BENCH / "intake.lua"),
            url,
            "--",
            path,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    figures: dict[str, str] = {}
    receipts: list[str] = []
    for line in out.read_text().splitlines():
        key, _, value = line.partition(" ")
        if key == "R":
            receipts.append(value)
        else:
            figures[key] = value
    figures["receipts"] = "\n".join(receipts)
    return figures


def lost_receipts(database: Path, table_receipts: list[str]) -> int:
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TEMP TABLE given (receipt TEXT PRIMARY KEY)")
        conn.executemany("INSERT OR IGNORE INTO given VALUES (?)", [(r,) for r in table_receipts])
        (missing,) = conn.execute(
            "SELECT count(*) FROM given WHERE receipt NOT IN (SELECT receipt FROM comment)"
        ).fetchone()
    return int(missing)


def result(name: str, figures: dict[str, str], database: Path) -> Result:
    receipts = [r for r in figures["receipts"].split("\n") if r]
    requests = int(figures["requests"])
    seconds = int(figures["duration_us"]) / 1e6
    errors = int(figures["socket_errors"]) + int(figures["failures"])
    return Result(
        name=name,
        requests=requests,
        seconds=round(seconds, 2),
        throughput=round(len(receipts) / seconds, 1),
        p50_ms=round(int(figures["p50_us"]) / 1000, 1),
        p99_ms=round(int(figures["p99_us"]) / 1000, 1),
        errors=errors,
        receipts=len(receipts),
        lost=lost_receipts(database, receipts),
    )


def median_round(rounds: list[Result]) -> Result:
    """The round of median throughput, with the errors and losses of all rounds."""
    middle = sorted(rounds, key=lambda r: r.throughput)[len(rounds) // 2]
    return Result(
        name=middle.name,
        requests=sum(r.requests for r in rounds),
        seconds=middle.seconds,
        throughput=middle.throughput,
        p50_ms=middle.p50_ms,
        p99_ms=middle.p99_ms,
        errors=sum(r.errors for r in rounds),
        receipts=sum(r.receipts for r in rounds),
        lost=sum(r.lost for r in rounds),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, each")
    parser.add_argument("--clients", type=int, default=64)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk (or `make bench-intake`)", file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="consult-intake-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        env, consultation_id = prepare_consult(folder)
        bare_db = folder / "bare.db"
        with sqlite3.connect(bare_db) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            from bare_intake import SCHEMA  # type: ignore[import-not-found]

            conn.execute(SCHEMA)
        consult_port, bare_port = free_port(), free_port()
        bare_env = {**os.environ, "BARE_DB": str(bare_db)}
        processes.append(serve("consult.wsgi:app", env, consult_port, ROOT, args.workers))
        processes.append(serve("bare_intake:app", bare_env, bare_port, BENCH, args.workers))
        path = f"/api/v1/consultations/{consultation_id}/comments"
        targets = (
            ("bare sqlite3 endpoint", bare_port, bare_db),
            ("consult API", consult_port, folder / "consult.db"),
        )
        for _name, port, _database in targets:
            warm_up(f"http://127.0.0.1:{port}", consultation_id)
        # Alternate the two, round after round, so a change in the machine's load (other
        # work on it) touches both alike; each one's figures are the median round's.
        rounds: dict[str, list[Result]] = {name: [] for name, _p, _d in targets}
        for _round in range(args.rounds):
            for name, port, database in targets:
                url = f"http://127.0.0.1:{port}"
                figures = drive(name, url, path, args.seconds, args.clients, folder / "wrk.out")
                rounds[name].append(result(name, figures, database))
        results = [median_round(rounds[name]) for name, _p, _d in targets]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    bare, app = results
    ratio = app.throughput / bare.throughput if bare.throughput else 0.0
    print(f"{'':24} {'opinions/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'lost':>5}")
    for r in results:
        print(
            f"{r.name:24} {r.throughput:>11.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} "
            f"{r.errors:>7} {r.lost:>5}"
        )
    print(f"ratio consult / bare: {ratio:.2f} (target ≥ {TARGET_RATIO})")
    report = {
        "clients": args.clients,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "gunicorn_workers": args.workers,
        "results": [asdict(r) for r in results],
        "ratio": round(ratio, 3),
    }
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "intake.json").write_text(json.dumps(report, indent=2))
    # The target is consult's: no error and nothing lost. An error of the baseline (a socket
    # reset under load, seen once in a while) is printed above and does not count against it.
    ok = ratio >= TARGET_RATIO and app.errors == 0 and app.lost == 0
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    sys.exit(main())
