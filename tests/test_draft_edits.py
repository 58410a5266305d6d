"""The working draft before posting, as the legal officer edits it on the pages and through
the API: each refusal names the field, a change of the summary alone makes no new version, a
draft whose plan is already numbered is not deleted."""

from __future__ import annotations

from html import unescape

from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.models import Consultation, DraftVersion, Organization
from consult.runtime import Runtime
from tests.conftest import Api
from tests.helpers import csrf, login, start, take

NEW = "/staff/consultations/new"


def versions(runtime: Runtime, cid: int) -> int:
    with Session(runtime.db) as session:
        query = select(DraftVersion).where(DraftVersion.consultation_id == cid)
        return len(session.exec(query).all())


def test_a_new_draft_needs_a_title_and_its_text(client: FlaskClient, commune: Organization) -> None:
    login(client, "tuphap")
    form = {"csrf_token": csrf(client, NEW), "workflow": "qcdc-ubnd-xa", "step": "save"}
    untitled = client.post(
        NEW, data={**form, "title": "", "articles": "Điều 1. Phạm vi\nNội dung."}
    )
    assert untitled.status_code == 422
    assert "Hãy nhập tên dự thảo." in unescape(untitled.get_data(as_text=True))
    empty = client.post(NEW, data={**form, "title": "Quy chế mới", "articles": "  "})
    assert empty.status_code == 422
    assert "Tải lên tệp Word của dự thảo hoặc dán nội dung." in unescape(
        empty.get_data(as_text=True)
    )


def test_an_article_too_long_or_unknown_is_refused_on_its_edit_page(
    client: FlaskClient, commune: Organization, runtime: Runtime
) -> None:
    cid = start(runtime, commune)
    login(client, "tuphap")
    page = f"/staff/consultations/{cid}/articles/2/edit"
    long_text = "Công dân cư trú trên địa bàn xã. " * 1600  # over 50 000 characters
    refused = client.post(
        page, data={"csrf_token": csrf(client, page), "title": "Đối tượng", "text": long_text}
    )
    assert refused.status_code == 422
    assert "Tối đa 50000 ký tự." in unescape(refused.get_data(as_text=True))
    assert versions(runtime, cid) == 1
    assert client.get(f"/staff/consultations/{cid}/articles/9/edit").status_code == 404


def test_the_api_refuses_a_blank_title_and_keeps_the_articles_when_only_the_summary_changes(
    api: Api, commune: Organization, runtime: Runtime
) -> None:
    cid = start(runtime, commune)
    headers = api.headers("tuphap")
    blank = api.client.patch(f"/api/v1/consultations/{cid}", json={"title": "   "}, headers=headers)
    assert blank.status_code == 422
    assert set(blank.get_json()["error"]["fields"]) == {"title"}
    summary = api.client.patch(
        f"/api/v1/consultations/{cid}",
        json={"summary": "  Sửa đổi quy chế năm 2024.  "},
        headers=headers,
    )
    assert summary.status_code == 200
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, cid)
        assert consultation is not None
        assert consultation.summary == "Sửa đổi quy chế năm 2024."
        assert consultation.title == "Quy chế thực hiện dân chủ của UBND xã"
    assert versions(runtime, cid) == 1  # no new version of the articles


def test_a_draft_whose_plan_is_numbered_is_not_deleted(
    api: Api, commune: Organization, runtime: Runtime
) -> None:
    cid = start(runtime, commune)
    take(runtime, cid, "sign_plan", "chutich")
    refused = api.client.delete(f"/api/v1/consultations/{cid}", headers=api.headers("tuphap"))
    assert refused.status_code == 409
    assert "KH" in refused.get_json()["error"]["message"]
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, cid)
        assert consultation is not None and consultation.deleted_at is None


def test_parsing_a_draft_refuses_a_missing_file_a_body_that_is_not_json_and_unknown_fields(
    api: Api, commune: Organization
) -> None:
    headers = api.headers("tuphap")
    path = "/api/v1/drafts/parse"
    no_file = api.client.post(
        path, data={"note": "x"}, content_type="multipart/form-data", headers=headers
    )
    assert no_file.status_code == 422 and set(no_file.get_json()["error"]["fields"]) == {"file"}
    not_json = api.client.post(path, data="Điều 1.", content_type="text/plain", headers=headers)
    assert not_json.status_code == 400
    unknown = api.client.post(path, json={"text": "Điều 1. A\nB", "lang": "vi"}, headers=headers)
    assert unknown.status_code == 422 and set(unknown.get_json()["error"]["fields"]) == {"lang"}
