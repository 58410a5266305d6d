"""When a year's official calendar is entered, running windows are counted again on it: their
ends move later where it says so, never earlier, one audit entry per window moved. And a
date the calendar cannot count reaches the API as a 422, never a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from consult.calendar import LegalCalendar, statutory_year
from consult.db import write_session
from consult.errors import Forbidden, Invalid
from consult.ledger import audit
from consult.models import AuditEvent, HolidayAnnouncement, Organization, PostingRecord, Window
from consult.runtime import Runtime
from consult.services import calendar_updates
from tests.files import HOLIDAY_FILES, holidays_through
from tests.helpers import Api, Clock, actor, post_draft, start, take

# Thu 02/12/2027 09:00 in Vietnam: a 30-day posting from today runs into 2028, a computed year.
POSTED = datetime(2027, 12, 2, 2, 0, tzinfo=UTC)


def ends(day: date) -> datetime:
    """24:00 Vietnam time of ``day``, in UTC."""
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def notice(
    *changes: tuple[str, str | None], working: tuple[tuple[str, str], ...] = ()
) -> dict[str, Any]:
    """A notice for 2028: the computed days with ``changes`` (a name adds or renames a day,
    ``None`` drops it) and the make-up ``working`` days."""
    days = {d.isoformat(): n for d, n in statutory_year(2028).days_off.items()}
    for day, name in changes:
        if name is None:
            days.pop(day)
        else:
            days[day] = name
    return {
        "source": "Thông báo thử nghiệm về lịch nghỉ năm 2028",
        "days_off": [{"date": d, "name": n} for d, n in sorted(days.items())],
        "working_days": [{"date": d, "name": n} for d, n in working],
    }


# The notice swaps Tuesday 04/01 for Saturday 15/01: day 30 of a posting from 02/12/2027 moves on.
SWAPPED = notice(
    ("2028-01-04", "Tết Dương lịch (hoán đổi)"),
    working=(("2028-01-15", "Làm bù cho thứ Ba 04/01/2028"),),
)


def window(runtime: Runtime, cid: int, name: str) -> Window:
    with Session(runtime.db) as session:
        query = select(Window).where(Window.consultation_id == cid, Window.name == name)
        return session.exec(query).one()


def announce(runtime: Runtime, data: dict[str, Any], who: str = "admin") -> Any:
    with write_session(runtime.db) as session:
        result = calendar_updates.announce_year(
            session,
            runtime.calendar,
            year=2028,
            data=data,
            actor=actor(session, who),
            now=runtime.now(),
        )
    runtime.calendar = runtime.engine.calendar = result.calendar
    return result


def recomputed(runtime: Runtime) -> list[AuditEvent]:
    with Session(runtime.db) as session:
        action = calendar_updates.RECOMPUTE
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def before_2028(core: Runtime, tmp_path: Path) -> Runtime:
    """The runtime on the holiday data as it stood with no notice for 2028 (the files up to
    2027), so the days below rest on 2028 computed, whatever files are added later."""
    folder = holidays_through(2027, tmp_path / "holidays")
    core.settings = core.settings.with_overrides(holidays_dir=folder)
    core.use_calendar(LegalCalendar.from_directory(folder, core.calendar.tz))
    assert 2028 in core.calendar.computed_years
    return core


@pytest.fixture
def posted(before_2028: Runtime, commune: Organization, clock: Clock) -> int:
    """A commune consultation posted 02/12/2027: opinions to 22/12/2027, posting to 04/01/2028."""
    core = before_2028
    clock.set(POSTED)
    cid = start(core, commune)
    post_draft(core, cid)
    assert window(core, cid, "comment_window").closes_at == ends(date(2027, 12, 22))
    posting = window(core, cid, "posting_period")
    assert posting.closes_at == ends(date(2028, 1, 4))  # on the computed 2028: provisional
    note = calendar_updates.window_note(core.calendar, posting)
    assert note is not None and "2028" in note and "2027" not in note  # day 30 is in 2028
    return cid


def test_the_announced_year_moves_a_running_window_later_with_an_audit_entry(
    core: Runtime, posted: int
) -> None:
    result = announce(core, SWAPPED)
    posting = window(core, posted, "posting_period")
    assert posting.closes_at == ends(date(2028, 1, 5))  # 04/01 is now off: Wed 05/01
    assert [(m.name, m.after) for m in result.moved] == [("posting_period", posting.closes_at)]
    assert window(core, posted, "comment_window").closes_at == ends(date(2027, 12, 22))
    [entry] = recomputed(core)
    assert entry.consultation_id == posted and entry.actor == "admin"
    assert entry.detail["window"] == "posting_period" and entry.detail["year"] == 2028
    assert entry.detail["closes_at_before"] == ends(date(2028, 1, 4)).isoformat()
    assert entry.detail["closes_at_text"] == "24:00 ngày 05/01/2028"
    with Session(core.db) as session:
        assert audit.verify(session) is None
        postings = session.exec(
            select(PostingRecord).where(PostingRecord.consultation_id == posted)
        )
        assert {p.ends_on for p in postings} == {date(2028, 1, 5)}
        # The next process builds the same calendar from the database.
        loaded = calendar_updates.load_calendar(session, core.settings.holidays_dir)
    assert loaded.origins[2028] == "announcement" and 2028 not in loaded.provisional_years
    assert loaded.is_day_off(date(2028, 1, 4)) and not loaded.is_day_off(date(2028, 1, 15))
    assert calendar_updates.window_note(loaded, posting) is None
    assert calendar_updates.window_note(core.calendar, posting) is None
    assert calendar_updates.describe_year(loaded, 2028)["origin"] == "announcement"


def test_a_window_is_never_shortened_and_a_year_entered_again_replaces_it(
    core: Runtime, posted: int
) -> None:
    # Fewer days off than computed (no day made up for 01/01): the count gives Mon 03/01,
    # earlier than the 04/01 the citizens were told: the end stays.
    stamp = None
    with Session(core.db) as session:
        stamp = calendar_updates.announcements_stamp(session)
    first = announce(core, notice(("2028-01-03", None)))
    assert first.moved == []
    assert window(core, posted, "posting_period").closes_at == ends(date(2028, 1, 4))
    assert recomputed(core) == []
    assert not core.calendar.is_day_off(date(2028, 1, 3))
    second = announce(core, SWAPPED)
    assert [m.name for m in second.moved] == ["posting_period"]
    assert window(core, posted, "posting_period").closes_at == ends(date(2028, 1, 5))
    with Session(core.db) as session:
        assert len(session.exec(select(HolidayAnnouncement)).all()) == 1
        assert calendar_updates.announcements_stamp(session) != stamp
        entries = session.exec(
            select(AuditEvent).where(AuditEvent.action == calendar_updates.ANNOUNCE)
        ).all()
    assert [e.detail["replaces"] for e in entries] == ["statutory", "announcement"]


def test_an_extended_window_is_counted_again_with_its_extension(
    core: Runtime, posted: int, clock: Clock
) -> None:
    clock.set(datetime(2027, 12, 10, 2, 0, tzinfo=UTC))
    take(core, posted, "extend_window", "tuphap", {"days": 14, "reason": "Thêm hội nghị thôn."})
    # 22/12/2027 + 14 days = Wed 05/01/2028; the posting follows the comment window.
    assert window(core, posted, "comment_window").closes_at == ends(date(2028, 1, 5))
    assert window(core, posted, "posting_period").closes_at == ends(date(2028, 1, 5))
    swapped_wednesday = notice(
        ("2028-01-05", "Tết Dương lịch (hoán đổi)"),
        working=(("2028-01-08", "Làm bù cho thứ Tư 05/01/2028"),),
    )
    result = announce(core, swapped_wednesday)
    assert sorted(m.name for m in result.moved) == ["comment_window", "posting_period"]
    assert window(core, posted, "comment_window").closes_at == ends(date(2028, 1, 6))
    assert window(core, posted, "posting_period").closes_at == ends(date(2028, 1, 6))
    assert len(recomputed(core)) == 2


def test_a_window_already_over_keeps_its_end(core: Runtime, posted: int, clock: Clock) -> None:
    clock.set(datetime(2028, 1, 5, 3, 0, tzinfo=UTC))  # 10:00 on 05/01/2028: the posting ended
    assert announce(core, SWAPPED).moved == []
    assert window(core, posted, "posting_period").closes_at == ends(date(2028, 1, 4))


def test_only_an_administrator_enters_a_year_and_bad_data_names_the_field(
    core: Runtime, posted: int
) -> None:
    with pytest.raises(Forbidden):
        announce(core, SWAPPED, who="tuphap")
    bad_date = notice(("2028-02-30", "Tết"))
    with pytest.raises(Invalid) as caught:
        announce(core, bad_date)
    assert "days_off" in caught.value.fields and "2028-02-30" in caught.value.message
    with pytest.raises(Invalid) as caught:
        announce(core, notice(("2028-04-30", None)))  # Art. 112's 30/4 left out
    assert "days_off" in caught.value.fields and "30/04/2028" in caught.value.message
    with pytest.raises(Invalid) as caught:
        announce(core, {**SWAPPED, "year": 2029})
    assert "year" in caught.value.fields
    with pytest.raises(Invalid) as caught:
        announce(core, {**SWAPPED, "source": " "})
    assert "source" in caught.value.fields
    with write_session(core.db) as session, pytest.raises(Invalid) as caught:
        calendar_updates.announce_year(
            session,
            core.calendar,
            year=2150,
            data=SWAPPED,
            actor=actor(session, "admin"),
            now=core.now(),
        )
    assert "year" in caught.value.fields
    assert window(core, posted, "posting_period").closes_at == ends(date(2028, 1, 4))


# --- through the API: never a 500 ---------------------------------------------------------------


def test_a_posting_date_the_calendar_cannot_count_is_a_422(
    api: Api, runtime: Runtime, commune: Organization
) -> None:
    cid = start(runtime, commune)
    path = f"/api/v1/consultations/{cid}/actions/start_posting"
    drafter = api.headers("tuphap")
    response = api.client.post(path, json={"posted_on": "2020-01-01"}, headers=drafter)
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]  # before the law the procedure follows came into force
    assert error["code"] == "invalid" and "01/07/2023" in error["fields"]["posted_on"]
    take(runtime, cid, "sign_plan", "chutich")
    huge = api.client.post(path, json={"comment_days": 10**6}, headers=drafter)
    assert huge.status_code == 422, huge.get_data(as_text=True)
    error = huge.get_json()["error"]
    assert error["code"] == "calendar_not_covered" and "config/holidays/" in error["message"]


def test_a_posting_that_reaches_a_computed_year_is_accepted(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    last = max(HOLIDAY_FILES)  # 400 days from 02/12 of the last year with a file: 2 years on
    clock.set(datetime(last, 12, 2, 2, 0, tzinfo=UTC))
    cid = start(runtime, commune)
    take(runtime, cid, "sign_plan", "chutich")
    path = f"/api/v1/consultations/{cid}/actions/start_posting"
    response = api.client.post(path, json={"comment_days": 400}, headers=api.headers("tuphap"))
    assert response.status_code == 200, response.get_data(as_text=True)
    closes = window(runtime, cid, "comment_window").closes_at
    assert closes.year == last + 2 and last + 2 in runtime.calendar.computed_years
    years = calendar_updates.window_provisional_years(
        runtime.calendar, window(runtime, cid, "comment_window")
    )
    assert years == frozenset({last + 2})  # day 400 is then: only its days were looked at
