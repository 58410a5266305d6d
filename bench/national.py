"""Ten million opinions on PostgreSQL: load one national consultation, then time the review.

    .venv/bin/python bench/national.py [--opinions 10000000] [--database national10m]
        [--pg-server postgresql://root@127.0.0.1:5432] [--replace] [--measure-only] [--runs 7]

Creates the database (``--replace`` drops it first if it exists), migrates it with
``consult init-db`` (``CONSULT_DATABASE_URL``), creates through the product the demo commune's
users, 63 provinces' worth of localities (693 communes) and one consultation of 40 articles in
its comment window, then loads the opinions with ``COPY`` (psycopg ``cursor.copy``): 90 % short
agreements in a few variants (with and without diacritics, punctuation, case), the rest varied
text built from the phrases of ``bench/review.py``; every channel, 40 articles and general
opinions, 60 % named; a quarter answered. Columns the product computes on write are computed
by the product's functions (``search_text`` by :func:`consult.text.fold`, receipts spelt by
:func:`consult.services.intake.receipt_of`, unique: a bijection of the row number). The
comment table's secondary indexes and foreign keys are dropped during ``COPY`` and rebuilt
after, then ``VACUUM ANALYZE``; the opinions are counted into the summary as the scheduler's
first pass would (:func:`count_loaded`). Prints the load time and peak RSS, then the measurements
(:mod:`national_measure`). The database is kept; drop it with
``dropdb -h 127.0.0.1 -U root national10m``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import psycopg
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from review import ACTIONS, FAMILY, GIVEN, OPENINGS, SUBJECTS, TAILS  # bench/: its phrases

from consult import create_app, demo
from consult.db import write_session
from consult.demo import load_commune
from consult.models import Comment, Locality
from consult.services import counts
from consult.services.intake import receipt_of
from consult.services.users import actor_for
from consult.text import fold
from consult.vocabulary import CHANNELS
from consult.workflow.engine import ArticleInput

START = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
DAYS = 18
TITLE = "Dự thảo sửa đổi, bổ sung một số điều — lấy ý kiến toàn quốc"
ARTICLES = 40
PROVINCES = [
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hà Giang", "Cao Bằng",
    "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La", "Yên Bái",
    "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc",
    "Bắc Ninh", "Hải Dương", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận",
    "Bình Thuận", "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước",
    "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang",
    "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang",
    "Sóc Trăng", "Bạc Liêu", "Cà Mau",
]  # fmt: skip
COMMUNES = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Tân An", "Hòa Bình", "Phú Mỹ", "Thạnh Lợi",
            "An Phú", "Long Hưng"]  # fmt: skip
LOCALITIES = [f"Xã {c}, {p}" for p in PROVINCES for c in COMMUNES]
AGREEMENTS = [
    "Đồng ý", "đồng ý", "Đồng ý.", "ĐỒNG Ý", "Đồng ý!", "dong y", "Dong y.", "DONG Y",
    "Tôi đồng ý", "Tôi đồng ý.", "Tôi đồng ý với dự thảo.", "tôi đồng ý với dự thảo",
    "Đồng ý với dự thảo", "Hoàn toàn đồng ý.", "Nhất trí", "Nhất trí.", "nhat tri",
]  # fmt: skip
SECONDS = [
    "Đề nghị làm rõ điều {a}.",
    "Điều {a} cần quy định cụ thể hơn.",
    "Cần bổ sung ví dụ ở điều {a}.",
    "Ý kiến của chi hội phụ nữ.",
    "Nhiều người dân ở {l} có cùng ý kiến.",
    "",
]
RESPONSES = {
    "accepted": ["Tiếp thu, chỉnh lý dự thảo.", "Tiếp thu ý kiến."],
    "partly_accepted": ["Tiếp thu một phần, giữ phạm vi điều chỉnh."],
    "not_accepted": ["Giữ như dự thảo vì đã được quy định tại luật chuyên ngành."],
    "out_of_scope": ["Ngoài phạm vi dự thảo, chuyển cơ quan có thẩm quyền."],
}
COLUMNS = tuple(c.name for c in Comment.__table__.columns if c.name != "id")  # type: ignore[attr-defined]
_SPREAD = 0x9E3779B97F  # odd: i → i·K mod 2⁴⁰ is a bijection, so receipts are unique
_MASK = (1 << 40) - 1


def pg_url(server: str, database: str) -> str:
    return f"{server.rstrip('/')}/{database}"


def create_database(server: str, database: str, replace: bool) -> None:
    with psycopg.connect(pg_url(server, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists and not replace:
            sys.exit(f"database {database} exists: pass --replace or --measure-only")
        if exists:
            conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')


def migrate(url: str) -> None:
    env = dict(os.environ, CONSULT_DATABASE_URL=url)
    subprocess.run([sys.executable, "-m", "consult", "init-db"], env=env, check=True)


def setup(url: str) -> tuple[int, list[int], int]:
    """Through the product: users, localities, the consultation open for comments."""
    app = create_app({"database_url": url, "ratelimit": "off", "clock": lambda: START})
    runtime = app.extensions["consult"]
    with write_session(runtime.db) as session:
        organization = load_commune(session, START)
        assert organization.id is not None
        for position, name in enumerate(LOCALITIES, start=100):
            session.add(Locality(organization_id=organization.id, name=name, position=position))
        from sqlmodel import select

        from consult.models import User

        staff = {u.username: u for u in session.exec(select(User))}
        drafter = actor_for(session, staff["tuphap"])
        articles = [
            ArticleInput(str(n), f"Điều {n}", f"Nội dung về {SUBJECTS[n % 10]} của điều {n}.")
            for n in range(1, ARTICLES + 1)
        ]
        consultation = runtime.engine.start(
            session,
            organization=organization,
            actor=drafter,
            workflow_id="qcdc-ubnd-xa",
            title=TITLE,
            summary="",
            articles=articles,
            now=START,
        )
        cid = consultation.id
        assert cid is not None
        plan = runtime.engine.definition_of(session, consultation).actions_named("sign_plan")
        if plan:  # the Chairman signs the plan before the draft is posted, as in the demo
            signer = demo._actor_for_role(session, plan[0].roles[0], demo._read("dong-son.yaml"))
            runtime.engine.take(session, cid, "sign_plan", signer, {}, START)
        runtime.engine.take(session, cid, "start_posting", drafter, {}, START)
        article_ids = [
            int(r[0])
            for r in session.execute(
                text("SELECT id FROM article WHERE consultation_id = :c ORDER BY position"),
                {"c": cid},
            )
        ]
        reviewer = int(staff["mttq"].id or 0)
    runtime.db.dispose()
    return cid, article_ids, reviewer


@lru_cache(maxsize=200_000)
def folded(body: str) -> str:
    return fold(body)


def _escape(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        value = value.replace("\r", "\\r")
    return value


def rows(cid: int, article_ids: list[int], reviewer: int, count: int) -> Iterator[str]:
    """The opinions as lines of COPY's text format, in the order of :data:`COLUMNS`."""
    rng = random.Random(16)
    step = DAYS * 86400 / count
    start = START.timestamp()
    online = [c for c in CHANNELS if c == "online"] * 6 + [c for c in CHANNELS if c != "online"]
    for i in range(count):
        article = rng.choice(article_ids) if rng.random() < 0.9 else None
        locality = rng.choice(LOCALITIES)
        if rng.random() < 0.9:
            body = rng.choice(AGREEMENTS)
        else:
            number = article_ids.index(article) + 1 if article else rng.randint(1, ARTICLES)
            parts = (
                rng.choice(OPENINGS),
                rng.choice(ACTIONS).format(s=rng.choice(SUBJECTS)),
                rng.choice(TAILS),
                rng.choice(SECONDS).format(a=number, l=locality),
            )
            body = " ".join(p for p in parts if p)
        channel = rng.choice(online)
        received = datetime.fromtimestamp(start + i * step + rng.random() * step, UTC)
        disposition = None
        if rng.random() < 0.25:
            disposition = "accepted" if body in AGREEMENTS else rng.choice(list(RESPONSES))
        named = rng.random() < 0.6
        offline = channel != "online"
        values = {
            "consultation_id": str(cid),
            "article_id": str(article) if article else None,
            "clause": "",
            "meeting_id": None,
            "entry_key": None,
            "body": _escape(body),
            "search_text": _escape(folded(body)),
            "channel": channel,
            "locality": locality,
            "author_name": f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}" if named else "",
            "contact": "",
            "represents": str(rng.randint(5, 60)) if channel == "meeting" else "1",
            "receipt": receipt_of(((i * _SPREAD) & _MASK).to_bytes(5, "big")),
            "received_at": received.isoformat(),
            "entered_by_id": str(reviewer) if offline else None,
            "disposition": disposition,
            "reason": "Đã được quy định tại luật." if disposition == "not_accepted" else "",
            "response": rng.choice(RESPONSES[disposition]) if disposition else "",
            "group_key": "",
            "reviewed_by_id": str(reviewer) if disposition else None,
            "reviewed_at": (received + timedelta(days=2)).isoformat() if disposition else None,
            "proposed_disposition": None,
            "proposal_note": "",
            "proposed_by_id": None,
            "proposed_at": None,
            "resend_key": None,
        }
        yield "\t".join("\\N" if values[c] is None else values[c] for c in COLUMNS) + "\n"  # type: ignore[misc]


def _constraints(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """The comment table's unique and foreign-key constraints, as (name, definition)."""
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'comment'::regclass AND contype IN ('u', 'f') ORDER BY contype DESC"
        )
    ]


def _indexes(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Its secondary indexes that no constraint owns, as (name, CREATE INDEX …)."""
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = 'comment'::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
        )
    ]


def load(url: str, cid: int, article_ids: list[int], reviewer: int, count: int) -> None:
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        constraints, indexes = _constraints(conn), _indexes(conn)
        for name, _definition in constraints:
            conn.execute(f'ALTER TABLE comment DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
        began = time.perf_counter()
        with conn.cursor() as cur:
            statement = f"COPY comment ({', '.join(COLUMNS)}) FROM STDIN"
            with cur.copy(statement) as copy:  # type: ignore[arg-type]
                chunk: list[str] = []
                for n, line in enumerate(rows(cid, article_ids, reviewer, count), start=1):
                    chunk.append(line)
                    if len(chunk) == 20_000:
                        copy.write("".join(chunk).encode())
                        chunk = []
                    if n % 1_000_000 == 0:
                        print(f"  {n:>10,} rows, {time.perf_counter() - began:.0f} s", flush=True)
                if chunk:
                    copy.write("".join(chunk).encode())
        conn.commit()
        print(f"  COPY done in {time.perf_counter() - began:.0f} s", flush=True)
        conn.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in [*indexes, *constraints]:
            began = time.perf_counter()
            if definition.startswith("CREATE"):
                conn.execute(definition)  # type: ignore[arg-type]
            else:
                conn.execute(f'ALTER TABLE comment ADD CONSTRAINT "{name}" {definition}')  # type: ignore[arg-type]
            conn.commit()
            print(f"  {name}: {time.perf_counter() - began:.0f} s", flush=True)
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        began = time.perf_counter()
        conn.execute("VACUUM ANALYZE comment")
        print(f"  VACUUM ANALYZE: {time.perf_counter() - began:.0f} s", flush=True)


def find(url: str) -> int:
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        found = conn.execute("SELECT id FROM consultation WHERE title = %s", [TITLE]).fetchone()
    if found is None:
        sys.exit("no national consultation in this database: load it first")
    return int(found[0])


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_loaded(url: str) -> None:
    """What the scheduler's first pass does with the opinions loaded: count them into the
    summary (:func:`consult.services.counts.refresh`, batches of 200,000). Until then every
    view would count the whole tail above the mark."""
    began = time.perf_counter()
    app = create_app({"database_url": url})
    folded = counts.refresh(app.extensions["consult"].db)
    print(f"counted {folded:,} opinions into the summary in {time.perf_counter() - began:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opinions", type=int, default=10_000_000)
    parser.add_argument("--database", default="national10m")
    parser.add_argument("--pg-server", default="postgresql://root@127.0.0.1:5432")
    parser.add_argument("--replace", action="store_true", help="drop the database if it exists")
    parser.add_argument("--measure-only", action="store_true", help="measure a loaded database")
    parser.add_argument("--load-only", action="store_true", help="load, do not measure")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = pg_url(args.pg_server.replace("postgresql://", "postgresql+psycopg://"), args.database)
    if not args.measure_only:
        began = time.perf_counter()
        create_database(args.pg_server, args.database, args.replace)
        migrate(url)
        cid, article_ids, reviewer = setup(url)
        print(f"database {args.database} migrated, consultation {cid}", flush=True)
        load(url, cid, article_ids, reviewer, args.opinions)
        print(
            f"loaded {args.opinions:,} opinions in {time.perf_counter() - began:.0f} s, "
            f"peak RSS {peak_rss_mb():.0f} MB, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        count_loaded(url)
    if not args.load_only:
        from national_measure import measure

        measure(url, find(url), args.runs)


if __name__ == "__main__":
    main()
