"""A household vote through the pages and the API: the register imported by upload, answers on
paper typed in by staff, an online answer with its receipt, a household answering twice counted
once, the result published without names, the count minutes downloaded and read back."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as DocxFile
from flask.testing import FlaskClient

from consult.models import Organization
from consult.runtime import Runtime
from tests.helpers import (
    VILLAGE,
    VOTE_COUNT,
    Api,
    Clock,
    csrf,
    import_households,
    login,
    start,
    take,
    vn_utc,
)

REGISTER = "\n".join(
    ["Mã hộ,Chủ hộ,Thôn,Địa chỉ"]
    + [f"DB{n:03d},Chủ hộ số {n},{VILLAGE},Xóm {n % 4 + 1}" for n in range(1, 6)]
)


def _paper(client: FlaskClient, cid: int, code: str, option: str) -> None:
    page = f"/staff/consultations/{cid}/ballot"
    response = client.post(
        page,
        data={
            "csrf_token": csrf(client, page),
            "household": code,
            "option": option,
            "channel": "paper",
            "answered_on": "04/03/2024",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_household_vote_runs_through_the_pages_and_the_api(
    runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient, api: Api
) -> None:
    cid = start(runtime, commune, "bieu-quyet-ho-gia-dinh", "Đóng góp làm đường bê tông thôn")
    page = f"/staff/consultations/{cid}/ballot"

    # The legal officer uploads the register on the vote's page.
    login(client, "tuphap")
    upload = client.post(
        f"/staff/consultations/{cid}/households",
        data={
            "csrf_token": csrf(client, page),
            "register": (io.BytesIO(("\ufeff" + REGISTER).encode()), "ho-gia-dinh.csv"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert f"{VILLAGE}: 5" in upload.get_data(as_text=True)
    # A bad file names what is missing.
    bad = client.post(
        f"/staff/consultations/{cid}/households",
        data={"csrf_token": csrf(client, page), "register": (io.BytesIO(b"a,b\n1,2"), "x.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Chủ hộ" in bad.get_data(as_text=True)
    # The API imports too (staff token); the same codes update, none added.
    imported = api.client.post(
        f"/api/v1/consultations/{cid}/households",
        data={"file": (io.BytesIO(REGISTER.encode()), "ho.csv")},
        content_type="multipart/form-data",
        headers=api.headers("tuphap"),
    )
    assert imported.status_code == 200, imported.get_json()
    assert imported.get_json() == {"added": 0, "updated": 5, "by_village": {VILLAGE: 5}}

    # The notice gives the day; from that day the answer form is on the page.
    take(runtime, cid, "give_notice", "tuphap", {"village": VILLAGE, "vote_on": "2024-03-04"})
    clock.set(vn_utc(2024, 3, 4, 8))
    assert 'id="paper-answer"' in client.get(page).get_data(as_text=True)

    # Paper answers typed in by staff (the Front's reviewer).
    login(client, "mttq")
    for code, option in (("DB001", "agree"), ("DB002", "agree"), ("DB003", "disagree")):
        _paper(client, cid, code, option)
    wrong = client.post(
        page,
        data={
            "csrf_token": csrf(client, page),
            "household": "XX999",
            "option": "agree",
            "channel": "paper",
            "answered_on": "04/03/2024",
        },
    )
    assert wrong.status_code == 422
    shown_error = wrong.get_data(as_text=True)
    assert 'id="household-error"' in shown_error  # next to the field it names
    assert "kiểm tra lại mã hộ" in shown_error
    staff_page = client.get(page).get_data(as_text=True)
    assert "Chủ hộ số 4" in staff_page  # the household list

    # One online answer on the public page, with its receipt.
    client.get("/logout")
    public = f"/consultations/{cid}/ballot"
    sent = client.post(
        public,
        data={
            "csrf_token": csrf(client, public),
            "household": "DB004",
            "voter_name": "Chủ hộ số 4",
            "option": "agree",
        },
    )
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert 'id="ballot-receipt"' in sent.get_data(as_text=True)
    no_name = client.post(
        public, data={"csrf_token": csrf(client, public), "household": "DB005", "option": "agree"}
    )
    assert no_name.status_code == 422
    assert 'id="voter_name-error"' in no_name.get_data(as_text=True)
    # Household 3 answers again online through the API: counted once, its paper ballot stands.
    again = api.client.post(
        f"/api/v1/consultations/{cid}/ballot/answers",
        json={"household": "DB003", "voter_name": "Chủ hộ số 3", "option": "agree"},
    )
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["household"] == "DB003"

    clock.set(vn_utc(2024, 3, 5, 17))
    take(runtime, cid, "record_adoption", "mttq", {**VOTE_COUNT, "counted_on": "2024-03-05"})

    # The published result: counts only, no names.
    result = api.client.get(f"/api/v1/consultations/{cid}/ballot")
    assert result.status_code == 200
    [counted] = result.get_json()["rounds"]
    assert counted["eligible"] == 5 and counted["answered"] == 4 and counted["received"] == 5
    assert {o["code"]: o["households"] for o in counted["options"]} == {
        "agree": 3,
        "disagree": 1,
        "other": 0,
    }
    assert counted["passed"] is True  # 3 of 5 households: 60 % > 50 %
    assert "Chủ hộ" not in result.get_data(as_text=True)
    shown = client.get(public).get_data(as_text=True)
    assert 'id="ket-qua-passed"' in shown
    assert "Chủ hộ số" not in shown and "DB00" not in shown

    # The count minutes, downloaded by staff and read back.
    login(client, "mttq")
    docx = client.get(f"/staff/consultations/{cid}/ballot/count_minutes.docx")
    assert docx.status_code == 200
    assert docx.headers["Content-Disposition"].startswith("attachment")
    text = "\n".join(p.text for p in DocxFile(io.BytesIO(docx.data)).paragraphs)
    for expected in (
        "BIÊN BẢN KIỂM PHIẾU",
        "Tổng số hộ gia đình của Thôn Đồng Bông: 5 hộ",
        "Đồng ý: 3 hộ (60,00 % tổng số hộ gia đình)",
        "Không đồng ý: 1 hộ (20,00 % tổng số hộ gia đình)",
        "trả lời lặp lại",
    ):
        assert expected in text, expected
    decision = client.get(f"/staff/consultations/{cid}/ballot/community_decision.docx")
    assert decision.status_code == 200


def test_online_answers_are_rate_limited_and_staff_pages_ask_the_can_table(
    database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path, commune: Organization
) -> None:
    from consult import create_app
    from consult.extensions import limiter

    app = create_app(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "2/minute",
            "clock": clock,
            "TESTING": True,
        }
    )
    limiter.reset()
    try:
        runtime: Runtime = app.extensions["consult"]
        import_households(runtime, commune, 5)
        cid = start(runtime, commune, "bieu-quyet-ho-gia-dinh", "Đóng góp làm đường")
        take(runtime, cid, "give_notice", "tuphap", {"village": VILLAGE, "vote_on": "2024-03-04"})
        clock.set(vn_utc(2024, 3, 4, 8))
        client = app.test_client()
        public = f"/consultations/{cid}/ballot"
        statuses = []
        for n in (1, 2, 3):
            data = {
                "csrf_token": csrf(client, public),
                "household": f"DB00{n}",
                "voter_name": f"Chủ hộ số {n}",
                "option": "agree",
            }
            statuses.append(client.post(public, data=data).status_code)
        assert statuses == [200, 200, 429]
        assert client.get(public).status_code == 200

        # The records clerk reads the vote (its tally, its documents) but keeps neither the
        # register nor the ballots: no form is offered, and an answer sent anyway is refused.
        login(client, "vanthu")
        staff_page = f"/staff/consultations/{cid}/ballot"
        read = client.get(staff_page)
        assert read.status_code == 200
        assert 'id="paper-answer"' not in read.get_data(as_text=True)
        assert f"/staff/consultations/{cid}/households" not in read.get_data(as_text=True)
        sent = {"csrf_token": csrf(client, "/staff"), "household": "DB004", "option": "agree"}
        assert client.post(staff_page, data=sent).status_code == 403
        api = Api(client)
        refused = client.post(
            f"/api/v1/consultations/{cid}/households",
            data={"file": (io.BytesIO(REGISTER.encode()), "ho.csv")},
            content_type="multipart/form-data",
            headers=api.headers("vanthu"),
        )
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"]
        spec = client.get("/api/v1/openapi.json").get_json()
        assert "/consultations/{id}/ballot/answers" in spec["paths"]
        assert "/consultations/{id}/ballot" in spec["paths"]
        assert "/consultations/{id}/households" in spec["paths"]
    finally:
        limiter.reset()
        app.extensions["consult"].db.dispose()
