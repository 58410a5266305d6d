"""Duplicate and campaign grouping, and the exports, over a large consultation on PostgreSQL:
time and peak memory of each, every step in a fresh process.

    .venv/bin/python bench/national_grouping.py --database URL [--consultation ID]
        [--steps baseline,grouping,csv,json,xlsx]

The database is one loaded by ``bench/national.py`` (ten million opinions) or any other
consult database. Each step runs in its own ``python`` process (so its peak RSS,
``ru_maxrss``, is its own) and is timed from the outside:

- ``grouping``: ``campaigns.clusters`` over every opinion, as the duplicates page asks for it
  (the 200 largest groups); it only reads;
- ``csv``, ``json``, ``xlsx``: ``consult export comments ID --format F`` to a temporary file
  (deleted afterwards), its size and rows counted.

A bare baseline is measured in the same run: ``SELECT`` of every row's id and body through a
server-side cursor (the least any pass over all opinions costs). The load average is printed
after each step (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(code: str, url: str, *args: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; what it prints last (JSON) plus its time and RSS."""
    began = time.perf_counter()
    env = {**os.environ, "CONSULT_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - began
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out.update(seconds=round(took, 1), peak_rss_mb=round(int(out.pop("rss")) / 1024, 1))
    return out


GROUPING = """
import json, resource, sys
from sqlalchemy import create_engine
from sqlmodel import Session
from consult.services import campaigns
engine = create_engine(sys.argv[1])
with Session(engine) as session:
    found = campaigns.clusters(session, int(sys.argv[2]), limit=campaigns.LISTED)
top = [(c.count, c.kind, c.texts, len(c.variants)) for c in found[:5]]
print(json.dumps({"groups_listed": len(found), "opinions_in_them": sum(c.count for c in found),
                  "largest (opinions, kind, texts, as typed)": top,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

BASELINE = """
import json, resource, sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
n = 0
with engine.connect() as conn:
    rows = conn.execution_options(yield_per=5000).execute(
        text("SELECT id, body FROM comment WHERE consultation_id = :c"), {"c": int(sys.argv[2])})
    for _row in rows:
        n += 1
print(json.dumps({"rows": n, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

EXPORT = """
import json, os, resource, sys
from click.testing import CliRunner
from consult.cli import main
cid, fmt, path = sys.argv[1], sys.argv[2], sys.argv[3]
result = CliRunner().invoke(main, ["export", "comments", cid, "--format", fmt, "-o", path])
assert result.exit_code == 0, result.output + repr(result.exception)
print(json.dumps({"bytes": os.path.getsize(path),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--consultation", type=int, default=0)
    parser.add_argument("--steps", default="baseline,grouping,csv,json,xlsx")
    args = parser.parse_args()
    from sqlalchemy import create_engine, text

    engine = create_engine(args.database)
    with engine.connect() as conn:
        cid = (
            args.consultation
            or conn.execute(
                text(
                    "SELECT consultation_id FROM comment GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
                )
            ).scalar_one()
        )
        total = conn.execute(
            text("SELECT count(*) FROM comment WHERE consultation_id = :c"), {"c": cid}
        ).scalar_one()
    engine.dispose()
    print(f"consultation {cid}: {total} opinions; load average {os.getloadavg()}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="consult-national-grouping-"))
    for step in args.steps.split(","):
        if step == "baseline":
            out = _child(BASELINE, args.database, args.database, str(cid))
        elif step == "grouping":
            out = _child(GROUPING, args.database, args.database, str(cid))
        else:
            path = folder / f"export.{step}"
            out = _child(EXPORT, args.database, str(cid), step, str(path))
            path.unlink()
        load = os.getloadavg()[0]
        print(f"{step}: {json.dumps(out, ensure_ascii=False)}; load {load:.2f}", flush=True)
    folder.rmdir()


if __name__ == "__main__":
    main()
