"""The review table on consultations too big to count on every view: matches counted up to a
bound ("more than 1,000"), exact numbers from the counts at a glance, paging bounded, and
the counts at a glance kept right without counting every opinion."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from consult.db import write_session
from consult.models import Comment, Organization
from consult.runtime import Runtime
from consult.services import review
from consult.text import fold
from tests import helpers
from tests.helpers import post_draft, start


def opened(runtime: Runtime, commune: Organization) -> int:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    return consultation_id


def store(runtime: Runtime, consultation_id: int, body: str, **fields: object) -> None:
    """An opinion written as a bulk load writes it (the id may be given)."""
    with write_session(runtime.db) as session:
        session.add(
            Comment(
                consultation_id=consultation_id,
                body=body,
                search_text=fold(body),
                receipt=f"T{fields.get('id', 0)}-{len(body)}-{abs(hash(body)) % 10**6}",
                received_at=runtime.now(),
                **fields,
            )
        )


def test_many_matches_are_counted_up_to_a_bound_and_paged_no_further(
    runtime: Runtime,
    commune: Organization,
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(review, "COUNT_UP_TO", 3)
    monkeypatch.setattr(review, "PAGE_UP_TO", 4)
    consultation_id = opened(runtime, commune)
    for n in range(5):
        store(runtime, consultation_id, f"Đồng ý với dự thảo, ý kiến {n}.")
    store(runtime, consultation_id, "Cần họp dân mỗi quý.")
    helpers.login(client, "mttq")

    searched = client.get(f"/staff/review/{consultation_id}?q=dong+y").get_data(as_text=True)
    assert 'data-total="3" data-more="1"' in searched
    assert "Tìm thấy hơn 3 ý kiến" in searched
    assert 'id="paging-bound"' in searched
    # The same search with diacritics finds the same opinions.
    with_marks = client.get(f"/staff/review/{consultation_id}?q=đồng+ý").get_data(as_text=True)
    assert 'data-total="3" data-more="1"' in with_marks
    assert with_marks.count('data-receipt="') == searched.count('data-receipt="') == 5

    # No filter: the counts at a glance know the exact number, however large.
    everything = client.get(f"/staff/review/{consultation_id}").get_data(as_text=True)
    assert 'data-total="6"' in everything and "data-more" not in everything
    assert 'id="paging-bound"' in everything
    deep = client.get(f"/staff/review/{consultation_id}?page=7").get_data(as_text=True)
    assert deep.count('data-receipt="') == 6  # the last page that may be paged to
    few = client.get(f"/staff/review/{consultation_id}?q=hop+dan").get_data(as_text=True)
    assert 'data-total="1"' in few and "data-more" not in few
    assert 'id="paging-bound"' not in few


def test_the_counts_at_a_glance_see_an_opinion_committed_after_a_later_one(
    runtime: Runtime, commune: Organization, client: FlaskClient
) -> None:
    """On PostgreSQL an opinion's id is drawn before its commit: one with a lower id may
    become visible after one with a higher id was already counted."""
    consultation_id = opened(runtime, commune)
    store(runtime, consultation_id, "Đồng ý.", id=100)
    with Session(runtime.db) as session:
        assert review.glance(session, consultation_id).total.opinions == 1
    store(runtime, consultation_id, "Nhất trí.", id=90)
    with Session(runtime.db) as session:
        assert review.glance(session, consultation_id).total.opinions == 2
    helpers.login(client, "mttq")
    page = client.get(f"/staff/review/{consultation_id}").get_data(as_text=True)
    assert 'data-total="2"' in page
