"""The measurements of ``bench/national.py`` on a loaded national consultation: the review
table (first page, filtered pages, searched pages with and without diacritics) through the
Flask test client logged in as staff, the counts at a glance (the kept counts and the tail
above their mark, :mod:`consult.services.counts`), and the synthesis report's figures through
:func:`consult.services.synthesis.compute`. Each is the median of several runs."""

from __future__ import annotations

import os
import re
import resource
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from sqlmodel import Session

from consult import create_app
from consult.models import Consultation
from consult.services import review, synthesis

PAGE_TARGET = 0.300
REPORT_TARGET = 60.0


def _timed(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), samples


def _login(client: object, username: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)  # type: ignore[attr-defined]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    answer = client.post(  # type: ignore[attr-defined]
        "/login", data={"csrf_token": token.group(1), "username": username, "password": password}
    )
    assert answer.status_code == 302, answer.status_code


def measure(url: str, cid: int, runs: int) -> None:
    from national import LOCALITIES, START

    app = create_app(
        {
            "database_url": url,
            "ratelimit": "off",
            "clock": lambda: START + timedelta(days=10),
            "TESTING": True,
        }
    )
    runtime = app.extensions["consult"]
    client = app.test_client()
    _login(client, "mttq", "dongson2024")
    found: dict[str, tuple[int, str]] = {}

    def page(args: dict[str, str]) -> Callable[[], None]:
        address = f"/staff/review/{cid}" + (f"?{urlencode(args)}" if args else "")

        def get() -> None:
            answer = client.get(address)
            assert answer.status_code == 200, (address, answer.status_code)
            html = answer.get_data(as_text=True)
            total = re.search(r'data-total="(\d+)"', html)
            receipts = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}", html)
            found[address] = (int(total.group(1)) if total else -1, ",".join(receipts))

        return get

    locality = LOCALITIES[100]
    pages = [
        ("first page", {}),
        ("article 7", {"article": "7"}),
        ("channel paper", {"channel": "paper"}),
        ("locality", {"locality": locality}),
        ("disposition not_accepted", {"disposition": "not_accepted"}),
        ("without disposition", {"disposition": "none"}),
        ("article + channel + locality + disposition",
         {"article": "7", "channel": "online", "locality": locality, "disposition": "none"}),
        ('search "đồng ý"', {"q": "đồng ý"}),
        ('search "dong y"', {"q": "dong y"}),
        ('search "thanh tra"', {"q": "thanh tra"}),
        ('search "thanh tra" + article 7', {"q": "thanh tra", "article": "7"}),
        ('search "Điều 7 cần quy định"', {"q": "Điều 7 cần quy định"}),
        ('search "dieu 7 can quy dinh"', {"q": "dieu 7 can quy dinh"}),
        ('search "không có ở đâu" (no match)', {"q": "không có ở đâu"}),
        ("page 40", {"page": "40"}),
    ]  # fmt: skip
    began = time.perf_counter()
    page({})()  # the counts at a glance, computed once as the first view after a start does
    first_view = time.perf_counter() - began
    results = []
    for name, args in pages:
        median, samples = _timed(page(args), runs)
        results.append((name, median, max(samples), PAGE_TARGET))
    same = (
        found[f"/staff/review/{cid}?q=%C4%91%E1%BB%93ng+%C3%BD"]
        == found[f"/staff/review/{cid}?q=dong+y"]
    )

    def glance_cold() -> None:
        with Session(runtime.db) as session:
            review.glance(session, cid)

    def report() -> None:
        with Session(runtime.db) as session:
            item = session.get(Consultation, cid)
            assert item is not None
            synthesis.compute(session, item)

    glance_median, glance_samples = _timed(glance_cold, 3)
    report_median, report_samples = _timed(report, 3)
    results.append(("counts at a glance (kept + tail)", glance_median, max(glance_samples), 1.0))
    results.append(
        ("synthesis figures (from scratch)", report_median, max(report_samples), REPORT_TARGET)
    )
    print(f"first view (counts at a glance computed): {first_view * 1000:.0f} ms")
    print(f"{'what (median of runs)':<46} {'median':>10} {'max':>10} {'target':>8}")
    for name, median, worst, target in results:
        verdict = "ok" if median < target else "SLOW"
        print(
            f"{name:<46} {median * 1000:>8.1f}ms {worst * 1000:>8.1f}ms "
            f"{target * 1000:>6.0f}ms {verdict}"
        )
    print(f'"đồng ý" and "dong y" show the same opinions: {same}')
    for name, args in pages:
        address = f"/staff/review/{cid}" + (f"?{urlencode(args)}" if args else "")
        print(f"  {name}: total shown {found[address][0]}")
    print(
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
