"""The steps of a household vote refuse what the law does not allow yet, saying why: a vote in
a village with no household registered, and a count before the households may answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from consult.db import write_session
from consult.errors import Invalid, NotAllowedNow
from consult.models import Organization
from consult.runtime import Runtime
from consult.services import households
from tests.conftest import Clock
from tests.helpers import actor, start, take

VILLAGE = "Thôn Đồng Bông"
COUNT = {
    "team": ["Hoàng Văn Minh", "Nguyễn Văn An", "Lê Thị Bình"],
    "witnesses": ["Trần Văn Cường", "Phạm Thị Dung"],
    "village_head": "Ngô Văn Hải",
}


@pytest.fixture
def vote(runtime: Runtime, commune: Organization) -> int:
    return start(runtime, commune, "bieu-quyet-ho-gia-dinh", "Đóng góp làm đường bê tông thôn")


def test_a_vote_in_a_village_without_registered_households_is_refused(
    runtime: Runtime, vote: int
) -> None:
    with pytest.raises(Invalid) as refused:
        take(runtime, vote, "give_notice", "tuphap", {"village": VILLAGE, "vote_on": "2024-03-04"})
    assert "Thôn Đồng Bông" in refused.value.message
    assert "import" in refused.value.message
    assert set(refused.value.fields) == {"village"}


def test_the_count_waits_for_the_day_the_households_answer(
    runtime: Runtime, commune: Organization, vote: int, clock: Clock
) -> None:
    with write_session(runtime.db) as session:
        rows = households.read_rows(
            f"Mã hộ,Chủ hộ,Thôn\nDB001,Nguyễn Văn An,{VILLAGE}\n".encode(), "ho.csv"
        )
        households.import_rows(session, commune, rows, actor(session, "tuphap"), runtime.now())
    take(runtime, vote, "give_notice", "tuphap", {"village": VILLAGE, "vote_on": "2024-03-04"})
    for step in ("record_adoption", "record_rejection"):
        with pytest.raises(NotAllowedNow) as early:
            take(runtime, vote, step, "mttq", COUNT)
        # The moment it starts, as a start: 00:00 on the day, never "24:00" of the eve.
        assert "answer from 00:00 ngày 04/03/2024" in early.value.message, step
    clock.set(datetime(2024, 3, 4, 2, 0, tzinfo=UTC))  # the vote has begun; nobody answered
    take(runtime, vote, "record_rejection", "mttq", COUNT)
