"""The Fatherland Front's review workbench: counts, search, duplicates, dispositions, draft
versions, the synthesis report and its approval and publication, exports, scans, privacy."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document as read_docx
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from consult.db import write_session
from consult.errors import Forbidden, Invalid, NotAllowedNow
from consult.models import Comment, Document, Organization, PostingRecord
from consult.runtime import Runtime
from consult.services import answers as workbench
from consult.services import campaigns, intake, revisions, scans, synthesis
from consult.workflow.engine import ArticleInput
from tests import helpers
from tests.helpers import (
    ARTICLES,
    MORNING_AFTER_WINDOW,
    Clock,
    actor,
    csrf,
    post_draft,
    start,
    take,
)

VILLAGES = ["Thôn Đồng Bông", "Thôn Trại Nhất", "Thôn Trại Nhất", ""]
CHANNELS = ["online", "paper", "box", "meeting", "questionnaire", "front"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def logout(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    if 'action="/logout"' in page:
        client.post("/logout", data={"csrf_token": csrf(client, "/")})


def switch_user(client: FlaskClient, username: str) -> None:
    """Log in as ``username``, out of whoever was logged in first."""
    logout(client)
    helpers.login(client, username)


def opened(runtime: Runtime, commune: Organization) -> int:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    return consultation_id


def submit(runtime: Runtime, consultation_id: int, **fields: Any) -> Comment:
    offline = fields.get("channel", "online") != "online"
    with write_session(runtime.db) as session:
        stored = intake.submit(
            session,
            consultation_id,
            intake.CommentInput(**fields),
            runtime.now(),
            entered_by=actor(session, "mttq") if offline else None,
        )
        row = session.get(Comment, stored.id)
        assert row is not None
        session.expunge(row)
        return row


def close_window(runtime: Runtime, clock: Clock, consultation_id: int) -> None:
    clock.set(MORNING_AFTER_WINDOW)
    take(runtime, consultation_id, "close_posting", "system")


def dispose(runtime: Runtime, consultation_id: int, ids: list[int], **kwargs: Any) -> int:
    with write_session(runtime.db) as session:
        return workbench.dispose(
            session,
            runtime.engine,
            consultation_id,
            ids,
            actor(session, "tuphap"),
            runtime.now(),
            **kwargs,
        )


# --- the report's counts equal the data ------------------------------------------------------


def test_report_counts_equal_the_data_of_a_generated_consultation(
    runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    rng = random.Random(2024)
    consultation_id = opened(runtime, commune)
    made: list[dict[str, Any]] = []
    for i in range(150):
        fields = {
            "body": rng.choice(
                [
                    "Đề nghị công khai dự toán ngân sách tại nhà văn hóa thôn.",
                    "Cần ghi rõ thời hạn niêm yết là 30 ngày.",
                    f"Ý kiến riêng số {i} về việc họp dân.",
                ]
            ),
            "channel": rng.choice(CHANNELS),
            "locality": rng.choice(VILLAGES),
            "article": rng.choice(["1", "2", "3", None]),
            "author_name": rng.choice(["", "Nguyễn Văn An", "Lê Thị Bình"]),
            "represents": rng.choice([1, 1, 1, 4, 25]),
        }
        made.append({**fields, "id": submit(runtime, consultation_id, **fields).id})
    # A campaign: the same text, grouped and answered once.
    campaign = [m["id"] for m in made if m["body"].startswith("Đề nghị công khai")]
    close_window(runtime, clock, consultation_id)
    dispose(
        runtime,
        consultation_id,
        campaign,
        disposition="accepted",
        response="Đã bổ sung vào Điều 3.",
        group="G-CONGKHAI",
        articles=["3"],
    )
    rest = [m for m in made if m["id"] not in campaign]
    for m in rest[:-7]:  # seven stay unanswered
        choice = rng.choice(["partly_accepted", "not_accepted", "out_of_scope", "duplicate"])
        dispose(
            runtime,
            consultation_id,
            [m["id"]],
            disposition=choice,
            reason="Đã có quy định tại Luật." if choice == "not_accepted" else "",
        )
    state = {m["id"]: None for m in made}
    with Session(runtime.db) as session:
        for row in session.exec(select(Comment).where(Comment.consultation_id == consultation_id)):
            state[row.id] = row.disposition

    def tally(key: Any) -> dict[str, tuple[int, int]]:
        opinions: Counter[str] = Counter()
        people: Counter[str] = Counter()
        for m in made:
            k = key(m)
            opinions[k] += 1
            people[k] += m["represents"]
        return {k: (opinions[k], people[k]) for k in opinions}

    take(runtime, consultation_id, "generate_synthesis", "tuphap")
    with Session(runtime.db) as session:
        report = synthesis.current(session, consultation_id)
        assert report is not None
        figures = report.figures

    def seen(key: str) -> dict[str, tuple[int, int]]:
        return {r["key"]: (r["opinions"], r["people"]) for r in figures[key]}

    assert seen("by_channel") == tally(lambda m: m["channel"])
    assert seen("by_locality") == tally(lambda m: m["locality"])
    assert seen("by_article") == tally(lambda m: m["article"] or "")
    assert seen("by_disposition") == tally(lambda m: state[m["id"]] or "none")
    totals = figures["totals"]
    assert totals["opinions"] == 150
    assert totals["people"] == sum(m["represents"] for m in made)
    assert totals["anonymous"] == sum(1 for m in made if not m["author_name"])
    assert totals["offline"] == sum(1 for m in made if m["channel"] != "online")
    assert totals["open"] == 7
    assert totals["groups"] == 1 and totals["grouped_opinions"] == len(campaign)
    assert sum(i["opinions"] for i in figures["issues"]) == 150
    assert sum(i["people"] for i in figures["issues"]) == totals["people"]
    grouped = [i for i in figures["issues"] if i["group"] == "G-CONGKHAI"]
    assert [(i["opinions"], i["changed"]) for i in grouped] == [(len(campaign), ["3"])]

    # The page and the DOCX say the same numbers.
    switch_user(client, "hdnd")
    page = client.get(f"/staff/review/{consultation_id}/report").get_data(as_text=True)
    assert '<strong id="total-opinions">150</strong>' in page
    assert f'<strong id="total-people">{totals["people"]}</strong>' in page
    docx = client.get(f"/staff/review/{consultation_id}/report.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in read_docx(io.BytesIO(docx.data)).paragraphs)
    assert f"Tổng số ý kiến nhận được: 150 ý kiến, đại diện cho {totals['people']}" in text
    assert "BÁO CÁO" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _all_text(docx.data)


def _all_text(data: bytes) -> str:
    document = read_docx(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# --- the review table ------------------------------------------------------------------------


def test_reviewer_filters_by_article_and_searches_without_diacritics(
    runtime: Runtime, commune: Organization, client: FlaskClient
) -> None:
    consultation_id = opened(runtime, commune)
    submit(runtime, consultation_id, body="Đề nghị CÔNG KHAI dự toán.", article="3")
    submit(runtime, consultation_id, body="Công khai quyết toán hằng năm.", article="2")
    submit(runtime, consultation_id, body="Cần họp dân mỗi quý.", article="3")
    submit(
        runtime,
        consultation_id,
        body="Công khai cả danh sách hộ nghèo.",
        article="3",
        author_name="Trần Văn Cường",
        channel="paper",
        locality="Thôn Trại Nhất",
        represents=12,
    )
    switch_user(client, "mttq")
    page = client.get(f"/staff/review/{consultation_id}?article=3&q=cong+khai").get_data(
        as_text=True
    )
    assert 'data-total="2"' in page
    assert "Đề nghị CÔNG KHAI dự toán." in page and "Công khai cả danh sách" in page
    assert "Công khai quyết toán" not in page and "họp dân" not in page
    assert "Trần Văn Cường" in page  # staff see names
    # Counts at a glance: article 3 has three opinions for 14 people.
    assert re.search(r'data-article="3">.*?<td>3</td><td>14</td><td>3</td>', page)
    named = client.get(f"/staff/review/{consultation_id}?anonymous=no").get_data(as_text=True)
    assert 'data-total="1"' in named
    by_people = client.get(f"/staff/review/{consultation_id}?sort=-represents").get_data(
        as_text=True
    )
    receipts = re.findall(r'data-receipt="([A-Z2-9-]+)"', by_people)
    assert len(receipts) == 4
    assert by_people.index("Trần Văn Cường") < by_people.index("Cần họp dân")


def test_bulk_not_accepted_without_reason_is_refused_and_changes_nothing(
    runtime: Runtime, commune: Organization, client: FlaskClient
) -> None:
    consultation_id = opened(runtime, commune)
    ids = [submit(runtime, consultation_id, body=f"Ý kiến {i}").id for i in range(3)]
    switch_user(client, "tuphap")
    token = csrf(client, f"/staff/review/{consultation_id}")
    form = {"csrf_token": token, "ids": [str(i) for i in ids], "disposition": "not_accepted"}
    response = client.post(f"/staff/review/{consultation_id}/bulk", data=form)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-error" in page
    with Session(runtime.db) as session:
        assert all(session.get(Comment, i).disposition is None for i in ids)  # type: ignore[union-attr]
    form["reason"] = "Nội dung đã được quy định tại Luật."
    form["response"] = "Xin cảm ơn ý kiến."
    client.post(f"/staff/review/{consultation_id}/bulk", data=form)
    with Session(runtime.db) as session:
        rows = [session.get(Comment, i) for i in ids]
        assert {(r.disposition, r.reason) for r in rows if r} == {
            ("not_accepted", "Nội dung đã được quy định tại Luật.")
        }
    # Council members read but may not give dispositions.
    switch_user(client, "hdnd")
    token = csrf(client, f"/staff/review/{consultation_id}/report")
    form = {"csrf_token": token, "ids": [str(ids[0])], "disposition": "accepted"}
    assert client.post(f"/staff/review/{consultation_id}/bulk", data=form).status_code == 403


# --- duplicates and campaigns ----------------------------------------------------------------


def test_identical_and_near_identical_opinions_are_grouped_and_answered_once(
    runtime: Runtime, commune: Organization, client: FlaskClient
) -> None:
    consultation_id = opened(runtime, commune)
    text = "Đề nghị niêm yết dự thảo tại nhà văn hóa thôn trong 30 ngày liên tục để bà con biết."
    copies = [
        submit(runtime, consultation_id, body=variant, represents=n).id
        for variant, n in [
            (text, 1),
            (text.upper(), 2),
            ("  " + text.replace(".", "!") + "  ", 3),
            (text.replace("Đề nghị", "De nghi").replace("niêm yết", "niem yet"), 1),
            (text.replace("bà con biết", "bà con được biết rõ"), 5),  # near-identical
        ]
    ]
    other = submit(runtime, consultation_id, body="Cần bổ sung quy định về họp dân định kỳ.").id
    with write_session(runtime.db) as session:
        found = campaigns.clusters(session, consultation_id)
        members = campaigns.members_of(session, consultation_id, found[0].variants)
    assert len(found) == 1
    cluster = found[0]
    assert members == sorted(copies)
    assert other not in members
    assert (cluster.count, cluster.people, cluster.kind) == (5, 12, "near")

    switch_user(client, "tuphap")
    token = csrf(client, f"/staff/review/{consultation_id}/duplicates")
    response = client.post(
        f"/staff/review/{consultation_id}/duplicates",
        data={"csrf_token": token, "key": cluster.key, "ids": [str(i) for i in copies]},
    )
    assert response.status_code == 302 and f"group={cluster.key}" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-total="5"' in page
    client.post(
        f"/staff/review/{consultation_id}/bulk",
        data={
            "csrf_token": token,
            "scope": "all",
            "f_group": cluster.key,
            "disposition": "accepted",
            "response": "Đã sửa Điều 3: niêm yết 30 ngày.",
            "articles": "3",
        },
    )
    with Session(runtime.db) as session:
        rows = session.exec(select(Comment).where(Comment.consultation_id == consultation_id))
        state = {r.id: (r.disposition, r.group_key) for r in rows}
        figures = synthesis.compute(session, runtime.engine.get(session, consultation_id))
    assert {state[i] for i in copies} == {("accepted", cluster.key)}
    assert state[other] == (None, "")
    issue = next(i for i in figures["issues"] if i["group"] == cluster.key)
    assert (issue["opinions"], issue["people"], issue["changed"]) == (5, 12, ["3"])
    assert figures["totals"]["groups"] == 1 and figures["totals"]["issues"] == 2


# --- draft versions --------------------------------------------------------------------------


def test_drafter_revises_after_the_window_and_sees_each_change_with_its_opinions(
    runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    consultation_id = opened(runtime, commune)
    opinion = submit(runtime, consultation_id, body="Thêm công khai <quyết toán>.", article="3")
    revised = [
        ARTICLES[0],
        ARTICLES[1],
        ArticleInput("3", "Những nội dung công khai", "Dự toán, <b>quyết toán</b> ngân sách xã."),
    ]
    with write_session(runtime.db) as session:
        item = runtime.engine.get(session, consultation_id)
        with pytest.raises(NotAllowedNow):
            revisions.revise(session, item, revised, actor(session, "tuphap"), runtime.now())
    close_window(runtime, clock, consultation_id)
    assert opinion.id is not None
    dispose(runtime, consultation_id, [opinion.id], disposition="accepted", articles=["3"])
    with write_session(runtime.db) as session:
        item = runtime.engine.get(session, consultation_id)
        with pytest.raises(Forbidden):
            revisions.revise(session, item, revised, actor(session, "mttq"), runtime.now())
        with pytest.raises(Invalid):  # an article left out
            revisions.revise(session, item, revised[1:], actor(session, "tuphap"), runtime.now())

    switch_user(client, "tuphap")
    token = csrf(client, f"/staff/review/{consultation_id}/revise")
    text = "\n".join(f"Điều {a.number}. {a.title}\n{a.text}" for a in revised)
    response = client.post(
        f"/staff/review/{consultation_id}/revise",
        data={"csrf_token": token, "articles": text, "note": "Tiếp thu ý kiến"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="diff-3" data-status="changed"' in page
    assert 'id="diff-1" data-status="unchanged"' in page
    assert "<ins>&lt;b&gt;quyết</ins>" in page or "&lt;b&gt;quyết" in page
    assert "<b>quyết" not in page  # escaped, never raw HTML
    assert "<del>" in page and opinion.receipt in page
    # The public page shows the revised draft's text (escaped) from then on.
    public = client.get(f"/consultations/{consultation_id}").get_data(as_text=True)
    assert "&lt;b&gt;quyết toán&lt;/b&gt;" in public


# --- approval and publication ----------------------------------------------------------------


def test_signer_approves_the_report_then_the_clerk_posts_it_for_30_days(
    runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    consultation_id = opened(runtime, commune)
    first = submit(runtime, consultation_id, body="Ý kiến thứ nhất", author_name="Phạm Thị Hoa")
    assert first.id is not None
    dispose(runtime, consultation_id, [first.id], disposition="accepted", response="Đã tiếp thu.")
    take(runtime, consultation_id, "generate_synthesis", "tuphap")
    with pytest.raises(NotAllowedNow):  # the window is still open
        take(runtime, consultation_id, "approve_synthesis", "chutich")
    close_window(runtime, clock, consultation_id)
    second = submit(
        runtime, consultation_id, body="x", channel="paper", received_at=clock() - timedelta(days=2)
    )
    assert second.id is not None
    switch_user(client, "chutich")
    token = csrf(client, f"/staff/review/{consultation_id}/report")
    client.post(f"/staff/review/{consultation_id}/report/approve", data={"csrf_token": token})
    with Session(runtime.db) as session:
        assert synthesis.current(session, consultation_id).status == "draft"  # type: ignore[union-attr]
    dispose(runtime, consultation_id, [second.id], disposition="out_of_scope")
    switch_user(client, "tuphap")
    token = csrf(client, f"/staff/review/{consultation_id}/report")
    client.post(f"/staff/review/{consultation_id}/report/generate", data={"csrf_token": token})
    client.post(f"/staff/review/{consultation_id}/report/approve", data={"csrf_token": token})
    with Session(runtime.db) as session:
        assert synthesis.current(session, consultation_id).status == "draft"  # type: ignore[union-attr]
    switch_user(client, "chutich")
    token = csrf(client, f"/staff/review/{consultation_id}/report")
    client.post(f"/staff/review/{consultation_id}/report/approve", data={"csrf_token": token})
    with Session(runtime.db) as session:
        report = synthesis.current(session, consultation_id)
        assert report is not None and report.status == "approved"
        document = session.get(Document, report.document_id)
        assert document is not None and document.type == "BC"
        assert re.fullmatch(r"\d{2,}/BC-UBND", document.symbol)
    # Dispositions are final once approved, through the API too.
    with write_session(runtime.db) as session, pytest.raises(NotAllowedNow):
        workbench.review(
            session,
            runtime.engine,
            first.id,
            actor(session, "tuphap"),
            runtime.now(),
            disposition="not_accepted",
            reason="x",
        )
    assert 'id="synthesis-report"' not in client.get(f"/consultations/{consultation_id}").get_data(
        as_text=True
    )
    switch_user(client, "vanthu")
    token = csrf(client, f"/staff/review/{consultation_id}/report")
    client.post(f"/staff/review/{consultation_id}/report/publish", data={"csrf_token": token})
    with Session(runtime.db) as session:
        posted = session.exec(
            select(PostingRecord).where(
                PostingRecord.consultation_id == consultation_id, PostingRecord.what == "synthesis"
            )
        ).all()
    assert posted and {(p.starts_on, p.ends_on) for p in posted} == {
        (date(2024, 3, 22), date(2024, 4, 22))  # day 30 is Sun 21/04 → Mon 22/04
    }
    logout(client)
    public = client.get(f"/consultations/{consultation_id}").get_data(as_text=True)
    assert 'id="synthesis-report"' in public and document.symbol in public
    report_page = client.get(f"/consultations/{consultation_id}/synthesis")
    assert report_page.status_code == 200
    assert "Đã tiếp thu." in report_page.get_data(as_text=True)
    assert "Phạm Thị Hoa" not in report_page.get_data(as_text=True)
    exported = client.get(f"/consultations/{consultation_id}/responses.csv").data.decode(
        "utf-8-sig"
    )
    assert "Đã tiếp thu." in exported and "Phạm Thị Hoa" not in exported
    assert "Họ và tên" not in exported.splitlines()[0]


# --- exports ---------------------------------------------------------------------------------


def test_exports_in_csv_xlsx_json_and_on_the_command_line(
    runtime: Runtime,
    commune: Organization,
    client: FlaskClient,
    database_url: str,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
) -> None:
    consultation_id = opened(runtime, commune)
    submit(
        runtime,
        consultation_id,
        body="Ý kiến có dấu: công khai",
        author_name="Đỗ Văn Hải",
        contact="0912 345 678",
        article="2",
    )
    submit(runtime, consultation_id, body="Ý kiến ẩn danh")
    switch_user(client, "mttq")
    raw = client.get(f"/staff/review/{consultation_id}/export.csv").data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Mã tiếp nhận", "Thời điểm nhận", "Hình thức"]
    assert len(rows) == 3 and "Đỗ Văn Hải" in rows[1] and "0912 345 678" in rows[1]

    book = load_workbook(
        io.BytesIO(client.get(f"/staff/review/{consultation_id}/export.xlsx").data)
    )
    sheet = book.active
    assert sheet is not None
    assert sheet["A1"].value == "Mã tiếp nhận" and sheet["A1"].font.b
    assert sheet.auto_filter.ref == "A1:N3"
    assert sheet.column_dimensions["I"].width == 60  # the opinion's text
    public = load_workbook(
        io.BytesIO(client.get(f"/staff/review/{consultation_id}/export.xlsx?public=1").data)
    ).active
    assert public is not None
    headers = [c.value for c in public[1]]
    assert (
        "Họ và tên" not in headers
        and "Liên hệ" not in headers
        and "Thôn, tổ dân phố" not in headers
    )
    values = {c.value for row in public.iter_rows() for c in row}
    assert "Đỗ Văn Hải" not in values and "Ý kiến có dấu: công khai" in values

    data = json.loads(client.get(f"/staff/review/{consultation_id}/export.json").data)
    assert [o["body"] for o in data["opinions"]] == ["Ý kiến có dấu: công khai", "Ý kiến ẩn danh"]

    # Citizens cannot download the staff export.
    logout(client)
    assert client.get(f"/staff/review/{consultation_id}/export.csv").status_code == 302

    from consult.cli import main

    monkeypatch.setenv("CONSULT_DATABASE_URL", database_url)
    monkeypatch.setenv("CONSULT_NOW", clock().isoformat())
    out = tmp_path / "y-kien.xlsx"
    result = CliRunner().invoke(
        main, ["export", "comments", str(consultation_id), "--format", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row == 3
    out_csv = tmp_path / "y-kien.csv"
    result = CliRunner().invoke(
        main, ["export", "comments", str(consultation_id), "--format", "csv", "-o", str(out_csv)]
    )
    assert result.exit_code == 0 and out_csv.read_bytes().startswith(b"\xef\xbb\xbf")


# --- scans -----------------------------------------------------------------------------------


def test_scans_are_checked_by_their_bytes_and_shown_to_staff_only(
    runtime: Runtime, commune: Organization, client: FlaskClient, clock: Clock, tmp_path: Any
) -> None:
    consultation_id = opened(runtime, commune)
    paper = submit(runtime, consultation_id, body="Ý kiến trên giấy", channel="paper")
    url = f"/staff/review/opinions/{paper.id}"
    switch_user(client, "mttq")
    token = csrf(client, url)

    def upload(data: bytes, name: str) -> Any:
        return client.post(
            url,
            data={"csrf_token": token, "form": "scan", "scan": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    assert upload(b"<html>not an image</html>", "fake.png").status_code == 422
    with write_session(runtime.db) as session, pytest.raises(Invalid) as too_big:
        row = session.get(Comment, paper.id)
        assert row is not None
        big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
        scans.attach(session, tmp_path, row, big, "big.pdf", actor(session, "mttq"), clock())
    assert "10 MB" in too_big.value.fields["scan"]
    assert upload(PNG, "phieu.png").status_code == 302
    page = client.get(url).get_data(as_text=True)
    link = re.search(r'href="(/staff/review/scans/\d+)">phieu.png', page)
    assert link
    with client.get(link.group(1)) as fetched:
        assert fetched.status_code == 200 and fetched.data == PNG
        assert fetched.headers["Content-Type"] == "image/png"
    logout(client)
    assert client.get(link.group(1)).status_code == 302  # to the login page


def test_a_paper_opinion_entered_with_its_scan(
    runtime: Runtime, commune: Organization, client: FlaskClient
) -> None:
    consultation_id = opened(runtime, commune)
    switch_user(client, "tuphap")
    url = f"/staff/consultations/{consultation_id}/opinions/new"
    token = csrf(client, url)
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "channel": "paper",
            "received_on": "2024-03-01",
            "article": "2",
            "body": "Phiếu góp ý của hộ gia đình",
            "represents": "5",
            "locality": "Thôn Trại Nhất",
            "scan": (io.BytesIO(b"\xff\xd8\xff\xe0" + b"1" * 100), "phieu.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with Session(runtime.db) as session:
        row = session.exec(select(Comment).where(Comment.consultation_id == consultation_id)).one()
        stored = scans.of_comment(session, row.id or 0)
    assert [(s.media_type, s.original_name) for s in stored] == [("image/jpeg", "phieu.jpg")]
    assert (row.channel, row.represents) == ("paper", 5)
