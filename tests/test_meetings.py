"""The Front (or the legal officer) enters a village meeting and its opinions in one sheet:
each valid row kept with the meeting's channel, village and date, an invalid row given back
with its error, nothing stored twice when the sheet is sent again."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.models import Comment, Meeting
from consult.runtime import Runtime
from tests.helpers import TOKEN, Clock, login

VILLAGE = "Thôn Đồng Bông"


def sheet(token: str, key: str, rows: list[dict[str, str]], **meeting: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "sheet_key": key,
        "kind": "village_meeting",
        "village": VILLAGE,
        "held_on": "01/03/2024",
        "place": "Nhà văn hóa thôn",
        "chair": "Trưởng thôn",
        "people": "54",
        "households": "41",
        "minutes": "",
        "step": "send",
        **meeting,
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"rows-{i}-{name}"] = value
    return data


def twelve_rows(bad_article: str = "99") -> list[dict[str, str]]:
    rows = [
        {"article": str(1 + i % 3), "body": f"Ý kiến số {i + 1} của thôn.", "represents": "1"}
        for i in range(12)
    ]
    rows[6]["article"] = bad_article  # row 7: an article the draft does not have
    return rows


def stored(runtime: Runtime, consultation_id: int) -> list[Comment]:
    with Session(runtime.db) as session:
        query = select(Comment).where(Comment.consultation_id == consultation_id)
        return list(session.exec(query))


def test_a_meeting_sheet_keeps_the_valid_rows_and_nothing_twice(
    client: FlaskClient, runtime: Runtime, open_id: int, clock: Clock
) -> None:
    login(client, "mttq")
    path = f"/staff/consultations/{open_id}/meetings/new"
    page = client.get(path).get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    key = re.search(r'name="sheet_key" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert 'value="01/03/2024"' in page  # today, day first

    first = client.post(path, data=sheet(token, key, twelve_rows()))
    assert first.status_code == 422
    html = first.get_data(as_text=True)
    assert re.search(r'id="row-7-error">[^<]*99', html)
    rows = stored(runtime, open_id)
    assert len(rows) == 11
    assert {(c.channel, c.locality) for c in rows} == {("meeting", VILLAGE)}
    assert {c.received_at for c in rows} == {clock()}
    assert len({c.meeting_id for c in rows}) == 1

    again = client.post(path, data=sheet(token, key, twelve_rows()))
    assert again.status_code == 422
    assert len(stored(runtime, open_id)) == 11

    fixed = client.post(path, data=sheet(token, key, twelve_rows(bad_article="2")))
    assert fixed.status_code == 200
    assert len(stored(runtime, open_id)) == 12
    client.post(path, data=sheet(token, key, twelve_rows(bad_article="2")))
    assert len(stored(runtime, open_id)) == 12
    with Session(runtime.db) as session:
        [meeting] = session.exec(select(Meeting)).all()
        assert (meeting.village, meeting.attendance_people, meeting.attendance_households) == (
            VILLAGE,
            54,
            41,
        )
        assert meeting.held_on.isoformat() == "2024-03-01"


def test_the_meeting_itself_must_be_right_before_any_row_is_kept(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    login(client, "tuphap")
    path = f"/staff/consultations/{open_id}/meetings/new"
    page = client.get(path).get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    for fields, name in (
        ({"held_on": "2024/13/45"}, "held_on"),
        ({"held_on": "05/03/2024"}, "held_on"),  # in the future
        ({"held_on": "20/02/2024"}, "held_on"),  # before the window opened
        ({"village": ""}, "village"),
        ({"people": "nhiều"}, "people"),
    ):
        refused = client.post(
            path, data=sheet(token, "k" + name + str(len(fields)), twelve_rows(), **fields)
        )
        assert refused.status_code == 422, fields
        assert f'id="{name}-error"' in refused.get_data(as_text=True), fields
    assert stored(runtime, open_id) == []
    more = client.post(path, data=sheet(token, "k", [], step="more"))
    assert more.status_code == 200 and 'name="rows-24-body"' in more.get_data(as_text=True)
    assert stored(runtime, open_id) == []
    login(client, "vanthu")
    assert client.get(path).status_code == 403
