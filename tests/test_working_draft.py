"""The legal officer's draft before posting: a Word file or pasted text read into chapters,
articles, clauses and points, with warnings before saving; an article edited as a new
version; a draft never posted deleted, a posted one kept (409, no button)."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.errors import Invalid
from consult.models import AuditEvent, Consultation, DraftVersion, Organization
from consult.runtime import Runtime
from consult.services import consultations, draft_text, revisions
from tests.draft_docx import CLAUSE_3_2, NUMBERS, draft_docx
from tests.helpers import Api, csrf, login, post_draft, start

DECREE_30_LAYOUT = """ỦY BAN NHÂN DÂN XÃ ĐÔNG SƠN
QUY CHẾ
CHƯƠNG I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc thực hiện dân chủ.
Điều 3. Đối tượng áp dụng
1. Công dân cư trú trên địa bàn xã.
2. Cán bộ, công chức xã:
a) cán bộ chuyên trách;
b) công chức chuyên môn.
Chương II. Nội dung
Mục 1. Công khai
Điều 4. Những nội dung công khai
"""


def test_the_decree_30_layout_is_read_with_titles_on_their_own_lines() -> None:
    parsed = draft_text.parse_text(DECREE_30_LAYOUT)
    assert parsed.preamble == "ỦY BAN NHÂN DÂN XÃ ĐÔNG SƠN\nQUY CHẾ"
    assert [(c.number, c.title) for c in parsed.chapters] == [
        ("I", "NHỮNG QUY ĐỊNH CHUNG"),
        ("II", "Nội dung"),
    ]
    assert [a.number for a in parsed.articles] == ["1", "3", "4"]
    article_3 = parsed.articles[1]
    assert article_3.chapter == "I" and article_3.chapter_label == "Chương I. NHỮNG QUY ĐỊNH CHUNG"
    assert [c.number for c in article_3.clauses] == ["1", "2"]
    assert [(p.letter, p.text) for p in article_3.clauses[1].points] == [
        ("a", "cán bộ chuyên trách;"),
        ("b", "công chức chuyên môn."),
    ]
    assert parsed.articles[2].section == "1"
    codes = {(w.code, w.article) for w in parsed.warnings}
    assert ("numbering_gap", "3") in codes
    assert ("empty_article", "4") in codes
    assert ("preamble", None) in codes
    # The text the officer edits reads back to the same structure.
    again = draft_text.parse_text(parsed.as_text())
    assert [(a.number, a.title, a.text, a.chapter_label) for a in again.articles] == [
        (a.number, a.title, a.text, a.chapter_label) for a in parsed.articles
    ]


def test_repeats_and_overlong_articles_are_flagged_and_nothing_is_not_a_draft() -> None:
    repeated = draft_text.parse_text("Điều 1. A\nmột\nĐiều 1. B\nhai")
    assert [w.code for w in repeated.warnings] == ["numbering_repeat"]
    long = draft_text.parse_text("Điều 1. A\n" + "x" * (draft_text.LONG_ARTICLE + 1))
    assert [w.code for w in long.warnings] == ["long_article"]
    with pytest.raises(Invalid) as refused:
        draft_text.parse_text("Điều 1. A\n" + "x" * (draft_text.MAX_ARTICLE + 1))
    assert "text" in refused.value.fields
    with pytest.raises(Invalid) as nothing:
        draft_text.parse_text("Chỉ có một đoạn văn.", field_name="articles")
    assert "Điều 1" in nothing.value.fields["articles"]


def test_a_word_file_is_read_like_the_text() -> None:
    parsed = draft_text.parse_docx(draft_docx())
    assert [a.number for a in parsed.articles] == NUMBERS
    assert [c.title for c in parsed.chapters] == [
        "NHỮNG QUY ĐỊNH CHUNG",
        "NỘI DUNG THỰC HIỆN DÂN CHỦ",
    ]
    assert draft_text.clause_text(parsed.articles[2].text, "2").startswith(f"2. {CLAUSE_3_2}")
    assert [w.code for w in parsed.warnings if w.code == "numbering_gap"] == ["numbering_gap"]
    with pytest.raises(Invalid) as refused:
        draft_text.parse_docx(b"not a zip")
    assert "file" in refused.value.fields


def test_the_api_parses_a_word_file_or_text_and_stores_nothing(
    api: Api, runtime: Runtime, commune: Organization
) -> None:
    headers = api.headers("tuphap")
    answer = api.client.post(
        "/api/v1/drafts/parse",
        data={"file": (io.BytesIO(draft_docx()), "du-thao.docx")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["preamble"].startswith("QUY CHẾ")
    assert [c["number"] for c in body["chapters"]] == ["I", "II"]
    assert [a["number"] for a in body["articles"]] == NUMBERS
    assert body["articles"][2]["clauses"][1]["points"][0]["letter"] == "a"
    gap = next(w for w in body["warnings"] if w["code"] == "numbering_gap")
    assert gap["article"] == "6" and "5" in gap["message"]
    text = api.client.post("/api/v1/drafts/parse", json={"text": DECREE_30_LAYOUT}, headers=headers)
    assert text.status_code == 200 and len(text.get_json()["articles"]) == 3
    broken = api.client.post(
        "/api/v1/drafts/parse",
        data={"file": (io.BytesIO(b"%PDF-1.4"), "du-thao.pdf")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert broken.status_code == 422 and "file" in broken.get_json()["error"]["fields"]
    empty = api.client.post("/api/v1/drafts/parse", json={"text": " "}, headers=headers)
    assert empty.status_code == 422 and "text" in empty.get_json()["error"]["fields"]
    refused = api.client.post(
        "/api/v1/drafts/parse", json={"text": DECREE_30_LAYOUT}, headers=api.headers("mttq")
    )
    assert refused.status_code == 403
    assert api.client.post("/api/v1/drafts/parse", json={"text": "x"}).status_code == 401
    with Session(runtime.db) as session:
        assert session.exec(select(Consultation)).first() is None
    assert "/drafts/parse" in api.client.get("/api/v1/openapi.json").get_json()["paths"]


def test_the_parsed_structure_can_be_posted_as_a_new_consultation(
    api: Api, runtime: Runtime, commune: Organization
) -> None:
    headers = api.headers("tuphap")
    parsed = api.client.post(
        "/api/v1/drafts/parse", json={"text": DECREE_30_LAYOUT}, headers=headers
    ).get_json()
    articles = [
        {k: a[k] for k in ("number", "title", "text", "clauses")}
        | {"chapter": a["chapter"], "text": a["text"] or "(để trống)"}
        for a in parsed["articles"]
    ]
    articles[1] = {**articles[1], "text": ""}  # given by its clauses alone
    created = api.client.post(
        "/api/v1/consultations",
        json={
            "workflow": "qcdc-ubnd-xa",
            "title": "Quy chế",
            "preamble": parsed["preamble"],
            "articles": articles,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    with Session(runtime.db) as session:
        stored = consultations.articles(session, created.get_json()["id"])
    assert draft_text.clause_text(stored[1].text, "2") == (
        "2. Cán bộ, công chức xã:\na) cán bộ chuyên trách;\nb) công chức chuyên môn."
    )


def _new(client: FlaskClient, **data: object) -> object:
    token = csrf(client, "/staff/consultations/new")
    return client.post(
        "/staff/consultations/new",
        data={"csrf_token": token, "workflow": "qcdc-ubnd-xa", "title": "Quy chế", **data},
        content_type="multipart/form-data",
    )


def test_an_uploaded_draft_is_previewed_with_its_gap_then_saved_once_fixed(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    login(client, "tuphap")
    preview = _new(client, step="save", draft_file=(io.BytesIO(draft_docx()), "du-thao.docx"))
    html = preview.get_data(as_text=True)  # type: ignore[attr-defined]
    assert preview.status_code == 200  # type: ignore[attr-defined]
    assert 'data-code="numbering_gap"' in html
    text = re.search(r'<textarea[^>]*name="articles"[^>]*>(.*?)</textarea>', html, re.S)
    assert text and "Điều 6. Những nội dung Nhân dân bàn" in text.group(1)
    with Session(runtime.db) as session:
        assert session.exec(select(Consultation)).first() is None  # a preview stores nothing

    from html import unescape

    typed = unescape(text.group(1)).strip()
    unconfirmed = _new(client, step="save", articles=typed)
    assert unconfirmed.status_code == 422  # type: ignore[attr-defined]
    assert 'id="confirm-error"' in unconfirmed.get_data(as_text=True)  # type: ignore[attr-defined]

    fixed = typed
    for old, new in zip(NUMBERS, [str(n) for n in range(1, 9)], strict=True):
        fixed = fixed.replace(f"Điều {old}.", f"Điều {new}.")
    saved = _new(client, step="save", articles=fixed)
    assert saved.status_code == 302  # type: ignore[attr-defined]
    with Session(runtime.db) as session:
        item = session.exec(select(Consultation)).one()
        assert item.id is not None
        stored = consultations.articles(session, item.id)
        assert [a.number for a in stored] == [str(n) for n in range(1, 9)]
        assert stored[0].chapter == "Chương I. NHỮNG QUY ĐỊNH CHUNG"
        assert stored[5].chapter == "Chương II. NỘI DUNG THỰC HIỆN DÂN CHỦ"
        first = consultations.latest_draft(session, item.id)
        assert first is not None and first.preamble.startswith("QUY CHẾ")


def test_an_article_edited_before_posting_is_a_new_version_and_the_posted_one_counts(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    consultation_id = start(runtime, commune)
    login(client, "tuphap")
    path = f"/staff/consultations/{consultation_id}/articles/2/edit"
    token = csrf(client, path)
    edited = client.post(
        path,
        data={
            "csrf_token": token,
            "title": "Đối tượng áp dụng",
            "text": "1. Công dân.\n2. Hộ gia đình.",
        },
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)
    post_draft(runtime, consultation_id)
    with Session(runtime.db) as session:
        numbers = [v.number for v in revisions.versions(session, consultation_id)]
        assert numbers == [1, 2]
        posted = revisions.posted_version(session, consultation_id)
        assert posted is not None and posted.number == 2
        text = consultations.articles(session, consultation_id)[1].text
        assert text == "1. Công dân.\n2. Hộ gia đình."
        assert (
            session.exec(select(AuditEvent).where(AuditEvent.action == "edit_draft")).first()
            is not None
        )
    # Posted: the text is frozen; the page refuses and offers no edit.
    again = client.post(path, data={"csrf_token": token, "title": "x", "text": "y"})
    assert again.status_code == 409
    with Session(runtime.db) as session:
        assert len(revisions.versions(session, consultation_id)) == 2


def test_a_draft_never_posted_can_be_deleted_and_a_posted_one_cannot(
    client: FlaskClient, api: Api, runtime: Runtime, commune: Organization
) -> None:
    kept = start(runtime, commune, title="Dự thảo thử")
    gone = start(runtime, commune, title="Dự thảo bỏ")
    posted = start(runtime, commune, title="Dự thảo đã niêm yết")
    post_draft(runtime, posted)
    headers = api.headers("tuphap")

    assert (
        api.client.delete(f"/api/v1/consultations/{gone}", headers=api.headers("mttq")).status_code
        == 403
    )
    assert api.client.delete(f"/api/v1/consultations/{gone}", headers=headers).status_code == 204
    assert api.client.get(f"/api/v1/consultations/{gone}", headers=headers).status_code == 404
    assert api.client.delete(f"/api/v1/consultations/{gone}", headers=headers).status_code == 404
    refused = api.client.delete(f"/api/v1/consultations/{posted}", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_allowed_now"
    patched = api.client.patch(
        f"/api/v1/consultations/{kept}",
        json={"title": "Dự thảo đã sửa", "articles": [{"number": "1", "title": "A", "text": "B"}]},
        headers=headers,
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["title"] == "Dự thảo đã sửa"
    frozen = api.client.patch(
        f"/api/v1/consultations/{posted}", json={"title": "Khác"}, headers=headers
    )
    assert frozen.status_code == 409
    blank = api.client.patch(f"/api/v1/consultations/{kept}", json={"title": ""}, headers=headers)
    assert blank.status_code == 422 and "title" in blank.get_json()["error"]["fields"]
    with Session(runtime.db) as session:
        assert [a.number for a in consultations.articles(session, kept)] == ["1"]
        assert session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "delete_draft", AuditEvent.consultation_id == gone
            )
        ).one()
        listed = [c.id for c in consultations.listing(session)]
        assert gone not in listed and kept in listed
        assert (
            len(
                list(session.exec(select(DraftVersion).where(DraftVersion.consultation_id == kept)))
            )
            == 2
        )

    login(client, "tuphap")
    assert 'id="delete-draft"' in client.get(f"/staff/consultations/{kept}").get_data(as_text=True)
    page = client.get(f"/staff/consultations/{posted}").get_data(as_text=True)
    assert 'id="delete-draft"' not in page and "/articles/1/edit" not in page
    dashboard = client.get("/staff/").get_data(as_text=True)
    assert "Dự thảo bỏ" not in dashboard and "Dự thảo thử" not in dashboard  # renamed
    token = csrf(client, f"/staff/consultations/{kept}")
    deleted = client.post(f"/staff/consultations/{kept}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302 and deleted.location.endswith("/staff/")
    assert client.get(f"/staff/consultations/{kept}").status_code == 404
    client.post(f"/staff/consultations/{posted}/delete", data={"csrf_token": token})
    assert client.get(f"/staff/consultations/{posted}").status_code == 200


def test_a_citizen_comments_on_a_clause_and_sees_its_text(
    client: FlaskClient, api: Api, runtime: Runtime, commune: Organization
) -> None:
    from consult.db import write_session
    from consult.services import drafts
    from tests.helpers import actor

    consultation_id = start(runtime, commune)
    with write_session(runtime.db) as session:
        item = session.get(Consultation, consultation_id)
        assert item is not None
        drafts.edit_article(
            session,
            item,
            "3",
            title="Những nội dung công khai",
            text=f"Các nội dung sau:\n1. Chính sách.\n2. {CLAUSE_3_2}\na) Dự toán;\nb) Quyết toán.",
            actor=actor(session, "tuphap"),
            now=runtime.now(),
        )
    post_draft(runtime, consultation_id)
    public = client.get(f"/consultations/{consultation_id}").get_data(as_text=True)
    assert f'href="/consultations/{consultation_id}/comment?article=3&amp;clause=2"' in public
    path = f"/consultations/{consultation_id}/comment?article=3&clause=2"
    form = client.get(path).get_data(as_text=True)
    quoted = re.search(r'id="commented-text-body">(.*?)</blockquote>', form, re.S)
    assert quoted and CLAUSE_3_2 in quoted.group(1) and "Chính sách" not in quoted.group(1)
    assert re.search(r'<option selected value="2">|<option value="2" selected>', form)
    token = csrf(client, path)
    sent = client.post(
        f"/consultations/{consultation_id}/comment",
        data={
            "csrf_token": token,
            "article": "3",
            "clause": "2",
            "body": "Nên công khai cả trên loa.",
            "locality": "",
        },
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    receipt = client.get(sent.location).get_data(as_text=True)
    assert re.search(r"khoản 2|clause 2", receipt)
    wrong = api.client.post(
        f"/api/v1/consultations/{consultation_id}/comments",
        json={"body": "Ý kiến", "article": "3", "clause": "9"},
    )
    assert wrong.status_code == 422 and "clause" in wrong.get_json()["error"]["fields"]
    right = api.client.post(
        f"/api/v1/consultations/{consultation_id}/comments",
        json={"body": "Ý kiến khác", "article": "3", "clause": "1"},
    )
    assert right.status_code == 201
    from consult.models import Comment

    with Session(runtime.db) as session:
        assert sorted(c.clause for c in session.exec(select(Comment))) == ["1", "2"]
