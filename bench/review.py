"""Time the review workbench on one consultation with 100,000 opinions.

    .venv/bin/python bench/review.py [--opinions 100000] [--runs 15] [--database URL]

Fills a fresh SQLite file (or the PostgreSQL URL given, which must be an empty database) with
xã Đông Sơn (14 villages), one consultation of 20 articles and the opinions: realistic
Vietnamese text built from phrases, every channel, 60 % named, campaigns of copies, 80 %
answered. Then times, each against a baseline measured in the same run:

- a filtered, searched page of the review table (GET /staff/review/ID?article=…&q=cong khai,
  logged in, counts at a glance included) against the bare SQL of that page (the count and the
  50 rows, same filters);
- the synthesis report (computing the figures and rendering the page) against one bare
  GROUP BY over the opinions;
- the XLSX export against fetching every row by bare SQL: consult's writer (XlsxWriter,
  ``constant_memory``) and, on the same rows, the hand-written writer it replaced
  (``bench/xlsx_handwritten.py``).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xlsx_handwritten import write as write_by_hand  # bench/: the writer XlsxWriter replaced

from consult import create_app
from consult.config import load_settings
from consult.db import write_session
from consult.demo import load_commune
from consult.migrate import upgrade
from consult.models import Comment, Consultation
from consult.services import counts, exports, synthesis
from consult.services.intake import new_receipt
from consult.services.users import actor_for
from consult.text import fold
from consult.workflow.engine import ArticleInput

START = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
SUBJECTS = [
    "dự toán ngân sách xã",
    "quyết toán ngân sách",
    "danh sách hộ nghèo",
    "kế hoạch sử dụng đất",
    "các khoản đóng góp của nhân dân",
    "kết quả thanh tra",
    "việc thu phí chợ",
    "đề án xây dựng nông thôn mới",
    "kế hoạch làm đường liên thôn",
    "quy hoạch khu dân cư",
]
OPENINGS = ["Đề nghị", "Tôi đề nghị", "Gia đình tôi đề nghị", "Cần", "Nên", "Kiến nghị"]
ACTIONS = [
    "công khai {s} tại nhà văn hóa thôn",
    "niêm yết {s} đủ 30 ngày",
    "ghi rõ thời hạn công khai {s}",
    "tổ chức họp dân để bàn về {s}",
    "đăng {s} trên cổng thông tin điện tử xã",
    "bổ sung trách nhiệm giải trình về {s}",
]
TAILS = [
    "để bà con được biết.",
    "vì nhiều hộ chưa nắm được.",
    "và trả lời bằng văn bản.",
    "trước khi thực hiện.",
    "cho minh bạch.",
    "",
]
CAMPAIGN = "Chúng tôi đề nghị giữ nguyên chợ cũ, không di dời chợ ra khỏi trung tâm xã."
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Ngô", "Dương"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Hải", "Thị Hoa", "Văn Nam", "Thị Mai"]
CHANNELS = ["online"] * 5 + ["paper", "box", "meeting", "questionnaire", "front"]


def populate(url: str, opinions: int) -> int:
    settings = load_settings({"database_url": url})
    upgrade(settings)
    app = create_app({"database_url": url, "ratelimit": "off", "clock": lambda: START})
    runtime = app.extensions["consult"]
    with write_session(runtime.db) as session:
        organization = load_commune(session, START)
        from consult.services import organizations

        villages = organizations.locality_names(session, organization.id or 0)
        assert len(villages) == 14, villages
        articles = [
            ArticleInput(str(n), f"Điều khoản số {n}", f"Nội dung {SUBJECTS[n % 10]} của điều {n}.")
            for n in range(1, 21)
        ]
        from sqlmodel import select

        from consult.models import User

        drafter = actor_for(
            session, session.exec(select(User).where(User.username == "tuphap")).one()
        )
        consultation = runtime.engine.start(
            session,
            organization=organization,
            actor=drafter,
            workflow_id="qcdc-ubnd-xa",
            title="Quy chế thực hiện dân chủ xã Đông Sơn",
            summary="",
            articles=articles,
            now=START,
        )
        cid = consultation.id
        assert cid is not None
        runtime.engine.take(session, cid, "start_posting", drafter, {}, START)
        article_ids = [
            r[0]
            for r in session.execute(
                text("SELECT id FROM article WHERE consultation_id = :c ORDER BY position"),
                {"c": cid},
            )
        ]
    rng = random.Random(10)
    responses = {
        d: [f"Trả lời mẫu {i} ({d})." for i in range(5)]
        for d in ("accepted", "partly_accepted", "not_accepted", "out_of_scope")
    }
    rows = []
    receipts: set[str] = set()
    for _i in range(opinions):
        campaign = rng.random() < 0.05
        if campaign:
            body = CAMPAIGN
        else:
            subject = rng.choice(SUBJECTS)
            body = " ".join(
                x
                for x in (
                    rng.choice(OPENINGS),
                    rng.choice(ACTIONS).format(s=subject),
                    rng.choice(TAILS),
                )
                if x
            )
        channel = rng.choice(CHANNELS)
        receipt = new_receipt()
        while receipt in receipts:
            receipt = new_receipt()
        receipts.add(receipt)
        answered = rng.random() < 0.8
        disposition = rng.choice(list(responses)) if answered else None
        rows.append(
            {
                "consultation_id": cid,
                "article_id": None if rng.random() < 0.1 else rng.choice(article_ids),
                "body": body,
                "search_text": fold(body),
                "channel": channel,
                "locality": rng.choice(villages),
                "author_name": f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
                if rng.random() < 0.6
                else "",
                "contact": "",
                "represents": rng.randint(5, 60) if channel == "meeting" else 1,
                "receipt": receipt,
                "received_at": START + timedelta(seconds=rng.randint(0, 19 * 86400)),
                "disposition": "duplicate" if campaign and answered else disposition,
                "reason": "Đã có quy định tại Luật." if disposition == "not_accepted" else "",
                "response": rng.choice(responses[disposition]) if disposition else "",
                "group_key": "G-CHO" if campaign else "",
            }
        )
    with runtime.db.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Comment), rows[start : start + 5000])
        if runtime.db.dialect.name == "sqlite":
            conn.execute(text("ANALYZE"))
    if runtime.db.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with runtime.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE comment"))
    counts.refresh(runtime.db)  # what the scheduler's next pass does
    runtime.db.dispose()
    return cid


def timed(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opinions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="consult-bench-review-"))
    url = args.database or f"sqlite:///{folder / 'bench.db'}"
    began = time.perf_counter()
    cid = populate(url, args.opinions)
    print(
        f"filled {args.opinions} opinions in {time.perf_counter() - began:.1f} s "
        f"({url.split(':')[0]})"
    )

    app = create_app(
        {
            "database_url": url,
            "ratelimit": "off",
            "clock": lambda: START + timedelta(days=25),
            "instance_dir": folder,
            "TESTING": True,
        }
    )
    runtime = app.extensions["consult"]
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert token
    response = client.post(
        "/login",
        data={"csrf_token": token.group(1), "username": "mttq", "password": "dongson2024"},
    )
    assert response.status_code == 302, response.status_code
    page_url = (
        f"/staff/review/{cid}?article=7&q=cong+khai&locality=Th%C3%B4n+%C4%90%E1%BB%93ng+B%C3%B4ng"
    )

    def page() -> None:
        answer = client.get(page_url)
        assert answer.status_code == 200
        found = re.search(r'data-total="(\d+)"', answer.get_data(as_text=True))
        assert found and int(found.group(1)) > 0

    engine = runtime.db
    article_id = None
    with engine.connect() as conn:
        article_id = conn.execute(
            text("SELECT id FROM article WHERE consultation_id = :c AND number = '7'"), {"c": cid}
        ).scalar_one()

    where = (
        "consultation_id = :c AND article_id = :a AND locality = :l "
        "AND search_text LIKE '%cong%' AND search_text LIKE '%khai%'"
    )
    params = {"c": cid, "a": article_id, "l": "Thôn Đồng Bông"}

    def page_sql() -> None:
        with engine.connect() as conn:
            conn.execute(text(f"SELECT count(*) FROM comment WHERE {where}"), params).scalar_one()
            conn.execute(
                text(f"SELECT * FROM comment WHERE {where} ORDER BY received_at, id LIMIT 50"),
                params,
            ).all()

    def report() -> None:
        with Session(engine) as session:
            item = session.get(Consultation, cid)
            synthesis.compute(session, item)
        assert client.get(f"/staff/review/{cid}/report").status_code == 200

    def report_sql() -> None:
        with engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT article_id, channel, locality, disposition, count(*), sum(represents) "
                    "FROM comment WHERE consultation_id = :c "
                    "GROUP BY article_id, channel, locality, disposition"
                ),
                {"c": cid},
            ).all()

    def xlsx() -> None:
        with Session(engine) as session:
            exports.write_xlsx(session, cid, io.BytesIO(), public=False)

    def xlsx_by_hand() -> None:
        cols = exports.columns(False)
        with Session(engine) as session:
            rows = exports.records(session, cid, public=False)
            write_by_hand(
                io.BytesIO(),
                "Ý kiến",
                [c[1] for c in cols],
                [c[2] for c in cols],
                ([r[c[0]] for c in cols] for r in rows),
            )

    def all_rows_sql() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM comment WHERE consultation_id = :c"), {"c": cid}).all()

    def page_cold() -> None:
        # Right after a disposition: the counts are kept (consult.services.counts), nothing
        # is recomputed, so this is the page again.
        page()

    results = [
        (
            "review page (filtered, searched)",
            timed(page, args.runs),
            timed(page_sql, args.runs),
            0.150,
        ),
        ("  same, counts recomputed", timed(page_cold, 5), timed(report_sql, 5), 1.0),
        ("synthesis report (figures + page)", timed(report, 3), timed(report_sql, 3), 5.0),
        ("XLSX export (XlsxWriter)", timed(xlsx, 3), timed(all_rows_sql, 3), 10.0),
        ("  same, hand-written writer", timed(xlsx_by_hand, 3), timed(all_rows_sql, 3), 10.0),
    ]
    print(f"{'what':<36} {'median':>10} {'baseline':>10} {'ratio':>7} {'target':>8}")
    for name, took, base, target in results:
        verdict = "ok" if took < target else "SLOW"
        print(
            f"{name:<36} {took * 1000:>8.1f}ms {base * 1000:>8.1f}ms {took / base:>6.1f}x "
            f"{target * 1000:>6.0f}ms {verdict}"
        )


if __name__ == "__main__":
    main()
