"""CPU per opinion in process: consult's WSGI app against the bare endpoint, no HTTP server.

    .venv/bin/python bench/intake_cpu.py [--database sqlite|postgresql] [--opinions 2000]
                                         [--repeats 5] [--profile consult|bare]

Each app gets a fresh database as in ``bench/intake.py`` (the demo commune and its open
consultation for consult); then ``--opinions`` distinct opinions are sent to
``POST /api/v1/consultations/{id}/comments`` by calling the WSGI app with a raw environ, and
the CPU time of this process (``time.process_time()``) is divided by the opinions. The figure
is the smallest of ``--repeats`` runs (the one least disturbed by other work on the machine).
On PostgreSQL the server's CPU is not counted, only the client side of each round trip.
``--profile`` prints a cProfile of one run of the app named (by cumulative and own time);
``--ratelimit 1000000/minute`` measures consult with its limiter counting (memory storage).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import PG_SERVER, Database, prepare_bare, prepare_consult

WSGI = Callable[[dict[str, Any], Callable[..., Any]], Any]


def environ(path: str, body: bytes) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def post_all(app: WSGI, path: str, tag: str, opinions: int) -> None:
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc: Any = None) -> None:
        statuses.append(status)

    for n in range(opinions):
        body = json.dumps(
            {
                "body": f"Ý kiến số {tag}-{n}: đề nghị niêm yết dự thảo tại nhà văn hóa thôn.",
                "article": "3",
            }
        ).encode()
        result = app(environ(path, body), start_response)
        b"".join(result)
        if hasattr(result, "close"):
            result.close()
        if not statuses[-1].startswith("201"):
            raise SystemExit(f"answered {statuses[-1]}")


def load(kind: str, env: dict[str, str]) -> WSGI:
    os.environ.update(env)
    if kind == "consult":
        from consult import create_app

        return create_app()  # type: ignore[return-value]
    from bare_intake import app  # type: ignore[import-not-found]

    return app  # type: ignore[no-any-return]


def measure(args: argparse.Namespace, kind: str, folder: Path) -> float:
    database = Database(args.database, folder, kind, args.pg_server)
    try:
        if kind == "consult":
            env, consultation_id = prepare_consult(database, folder)
            env["CONSULT_RATELIMIT"] = args.ratelimit
        else:
            env, consultation_id = prepare_bare(database), 1
        app = load(kind, env)
        path = f"/api/v1/consultations/{consultation_id}/comments"
        post_all(app, path, "warm", 50)
        best = float("inf")
        for repeat in range(args.repeats):
            start = time.process_time()
            post_all(app, path, f"r{repeat}", args.opinions)
            best = min(best, (time.process_time() - start) / args.opinions)
        if args.profile == kind:
            profile = cProfile.Profile(time.process_time)
            profile.runcall(post_all, app, path, "profile", args.opinions)
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats("cumulative").print_stats(80)
            stats.sort_stats("tottime").print_stats(40)
            print(out.getvalue())
        return best * 1000
    finally:
        database.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-server", default=PG_SERVER)
    parser.add_argument("--opinions", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", choices=("consult", "bare"))
    parser.add_argument("--only", choices=("consult", "bare"))
    parser.add_argument(
        "--ratelimit", default="off", help="consult's CONSULT_RATELIMIT (e.g. 1000000/minute)"
    )
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="consult-intake-cpu-"))
    try:
        figures = {
            kind: measure(args, kind, folder)
            for kind in ("bare", "consult")
            if args.only in (None, kind)
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{args.database}, CPU per opinion in process (min of {args.repeats} × "
        f"{args.opinions}); load average {os.getloadavg()[0]:.1f}"
    )
    for kind, ms in figures.items():
        print(f"  {kind:8} {ms:.3f} ms")
    if len(figures) == 2:
        print(f"  ratio bare / consult {figures['bare'] / figures['consult']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
