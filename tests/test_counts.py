"""The opinion counts kept (a summary folded by the scheduler's pass, plus the opinions newer
than its mark counted live) always equal a count of the opinions themselves: before and after
a pass, while opinions arrive, when answers change dispositions of counted and uncounted
opinions, and when an opinion commits after one with a larger id. And the public page reads
them in a fixed number of statements, however many opinions there are."""

from __future__ import annotations

import random
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, insert, select
from sqlmodel import Session

import consult.db
from consult.db import write_session
from consult.models import Comment
from consult.runtime import Runtime
from consult.scheduler import tick
from consult.services import answers, counts, intake, review
from tests.conftest import ON_POSTGRES
from tests.helpers import MORNING_AFTER_WINDOW, Clock, actor, take

VILLAGES = ["Thôn Đồng Bông", "Thôn Trại Nhất", ""]
CHANNELS = ["online", "paper", "meeting", "front"]


def send(runtime: Runtime, consultation_id: int, rng: random.Random, n: int) -> list[int]:
    ids = []
    for i in range(n):
        channel = rng.choice(CHANNELS)
        with write_session(runtime.db) as session:
            stored = intake.submit(
                session,
                consultation_id,
                intake.CommentInput(
                    body=f"Ý kiến số {i} {rng.random()}",
                    article=rng.choice(["1", "2", "3", None]),
                    channel=channel,
                    locality=rng.choice(VILLAGES),
                    represents=rng.choice([1, 1, 4]),
                ),
                runtime.now(),
                entered_by=None if channel == "online" else actor(session, "mttq"),
            )
        ids.append(stored.id)
    return ids


def truth(runtime: Runtime, consultation_id: int) -> dict[str, dict[Any, list[int]]]:
    """Counted from the opinions themselves."""
    found: dict[str, dict[Any, list[int]]] = {d: {} for d in counts.DIMENSIONS}
    with Session(runtime.db) as session:
        rows = session.exec(
            select(  # type: ignore[call-overload]
                Comment.article_id,
                Comment.locality,
                Comment.channel,
                Comment.disposition,
                Comment.represents,
            ).where(Comment.consultation_id == consultation_id)
        ).all()
    for row in rows:
        for dimension, value in zip(counts.DIMENSIONS, row[:4], strict=True):
            entry = found[dimension].setdefault(value, [0, 0, 0])
            entry[0] += 1
            entry[1] += row[4]
            entry[2] += 1 if row[3] is None else 0
    return found


def seen(runtime: Runtime, consultation_id: int) -> dict[str, dict[Any, list[int]]]:
    """What the reviewer's counts at a glance and the public page's counts say."""
    with Session(runtime.db) as session:
        glance = review.glance(session, consultation_id)
        public = counts.by_article(session, consultation_id)
        totals = counts.totals(session, [consultation_id])
    by_article = {t.key: [t.opinions, t.people, t.open] for t in glance.by_article}
    assert public == {k: v[0] for k, v in by_article.items()}
    assert totals.get(consultation_id, 0) == glance.total.opinions
    return {
        "article": by_article,
        "locality": {t.key: [t.opinions, t.people, t.open] for t in glance.by_locality},
        "channel": {t.key: [t.opinions, t.people, t.open] for t in glance.by_channel},
        "disposition": {t.key: [t.opinions, t.people, t.open] for t in glance.by_disposition},
    }


def dispose(runtime: Runtime, consultation_id: int, ids: list[int], disposition: str) -> None:
    with write_session(runtime.db) as session:
        answers.dispose(
            session,
            runtime.engine,
            consultation_id,
            ids,
            actor(session, "tuphap"),
            runtime.now(),
            disposition=disposition,
            reason="Đã có quy định tại Luật." if disposition == "not_accepted" else "",
        )


def test_counts_kept_equal_the_opinions_through_passes_and_answers(
    runtime: Runtime, open_id: int, clock: Clock
) -> None:
    rng = random.Random(16)
    assert seen(runtime, open_id) == truth(runtime, open_id) == {d: {} for d in counts.DIMENSIONS}
    first = send(runtime, open_id, rng, 40)
    assert seen(runtime, open_id) == truth(runtime, open_id)  # all in the tail
    assert counts.refresh(runtime.db) == 40
    assert seen(runtime, open_id) == truth(runtime, open_id)  # all in the summary
    later = send(runtime, open_id, rng, 15)
    assert seen(runtime, open_id) == truth(runtime, open_id)  # both
    clock.set(MORNING_AFTER_WINDOW)
    take(runtime, open_id, "close_posting", "system")
    # Answers move counted opinions (in the summary) and uncounted ones (in the tail).
    dispose(runtime, open_id, first[:10] + later[:5], "accepted")
    assert seen(runtime, open_id) == truth(runtime, open_id)
    dispose(runtime, open_id, first[5:12] + later[3:7], "not_accepted")
    assert seen(runtime, open_id) == truth(runtime, open_id)
    with write_session(runtime.db) as session:
        tuphap = actor(session, "tuphap")
        answers.review(
            session, runtime.engine, first[20], tuphap, runtime.now(), disposition="duplicate"
        )
        answers.propose(
            session,
            runtime.engine,
            open_id,
            first[25:30] + later[10:],
            actor(session, "mttq"),
            runtime.now(),
            disposition="partly_accepted",
        )
    tick(runtime)  # the scheduler's pass folds the tail in
    assert seen(runtime, open_id) == truth(runtime, open_id)
    with write_session(runtime.db) as session:
        answers.take_proposals(
            session,
            runtime.engine,
            open_id,
            first[25:30] + later[10:],
            actor(session, "tuphap"),
            runtime.now(),
        )
    assert seen(runtime, open_id) == truth(runtime, open_id)
    assert seen(runtime, open_id)["disposition"]["partly_accepted"][0] == 10
    counts.rebuild(runtime.db)
    assert seen(runtime, open_id) == truth(runtime, open_id)
    assert counts.refresh(runtime.db) == 0


def _opinion(runtime: Runtime, consultation_id: int, n: int) -> dict[str, Any]:
    return {
        "consultation_id": consultation_id,
        "body": f"Đồng ý {n}",
        "receipt": f"LATE-{n:04d}",
        "received_at": runtime.now(),
    }


def test_an_opinion_committed_after_a_newer_one_is_still_counted(
    runtime: Runtime, open_id: int
) -> None:
    """On PostgreSQL an opinion may commit after one with a larger id: the pass that sees the
    newer one must not move the mark past the older one before it commits."""
    table = Comment.__table__  # type: ignore[attr-defined]
    slow = runtime.db.connect()
    if ON_POSTGRES:  # its id is drawn now, its commit comes after a newer opinion's
        slow_tx = slow.begin()
        slow.execute(insert(table).values(**_opinion(runtime, open_id, 1)))
    with runtime.db.begin() as fast:
        fast.execute(insert(table).values(**_opinion(runtime, open_id, 2)))
    counts.refresh(runtime.db)
    counts.refresh(runtime.db)
    if ON_POSTGRES:
        slow_tx.commit()
    else:  # SQLite writers take turns: an id is drawn only under the write lock
        with slow.begin():
            slow.execute(insert(table).values(**_opinion(runtime, open_id, 1)))
    slow.close()
    counts.refresh(runtime.db)
    counts.refresh(runtime.db)
    assert seen(runtime, open_id) == truth(runtime, open_id)
    assert seen(runtime, open_id)["article"] == {None: [2, 2, 2]}


def _statements(runtime: Runtime) -> tuple[list[str], Any]:
    """Every statement sent: through SQLAlchemy, and the prepared ones run on the driver."""
    sent: list[str] = []
    event.listen(runtime.db, "before_cursor_execute", lambda *a: sent.append(a[2]))
    run = consult.db._Compiled.run

    def counted(self: Any, dbapi: Any, params: Any) -> Any:
        sent.append(self.sql)
        return run(self, dbapi, params)

    return sent, counted


def test_the_public_page_runs_the_same_few_statements_with_0_or_many_opinions(
    client: FlaskClient, runtime: Runtime, open_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent, counted = _statements(runtime)
    monkeypatch.setattr(consult.db._Compiled, "run", counted)
    url = f"/consultations/{open_id}"
    client.set_cookie("seen", "1")  # not served from the page cache: rendered every time

    def view() -> tuple[int, str]:
        sent.clear()
        page = client.get(url).get_data(as_text=True)
        return len(sent), page

    client.get(url)  # the parts staff change are read once per version of them
    empty, page = view()
    assert "0 ý kiến" in page
    send(runtime, open_id, random.Random(1), 30)
    counts.refresh(runtime.db)
    send(runtime, open_id, random.Random(2), 5)
    client.get(url)  # opinions typed in by staff are audited: the parts are read again once
    many, page = view()
    assert empty == many <= 2
    with Session(runtime.db) as session:
        assert sum(counts.by_article(session, open_id).values()) == 35
    # A new opinion shows on the next view, counted or not yet.
    before = client.get(url, headers={}).get_data(as_text=True)
    send(runtime, open_id, random.Random(3), 1)
    assert client.get(url).get_data(as_text=True) != before
