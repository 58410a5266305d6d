"""A consultation of any size: the exports and the duplicate finder read the opinions in
batches and write as they read. Batches are made tiny here, so a handful of opinions crosses
many batch boundaries; every opinion still comes out exactly once, in order, and a group of
any size is marked whole."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from consult.db import write_session
from consult.models import Comment, Organization
from consult.runtime import Runtime
from consult.services import answers, campaigns, exports, intake
from tests.helpers import actor, csrf, login, post_draft, start

HIDDEN = r'<input type="hidden" name="{}" value="([^"]+)">'


def opinions(runtime: Runtime, commune: Organization, bodies: list[str]) -> tuple[int, list[int]]:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    return consultation_id, opinions_in(runtime, consultation_id, bodies)


def opinions_in(runtime: Runtime, consultation_id: int, bodies: list[str]) -> list[int]:
    ids = []
    with write_session(runtime.db) as session:
        for body in bodies:
            stored = intake.submit(
                session, consultation_id, intake.CommentInput(body=body), runtime.now()
            )
            ids.append(int(stored.id or 0))
    return ids


BODIES = [f"Ý kiến số {n}: đề nghị công khai dự toán ở thôn {n % 3}." for n in range(11)]


def test_every_opinion_is_exported_once_in_order_across_batches(
    runtime: Runtime, commune: Organization, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "BATCH", 3)
    monkeypatch.setattr(exports, "CHUNK", 4)
    consultation_id, ids = opinions(runtime, commune, BODIES)
    with write_session(runtime.db) as session:  # an opinion of the third batch changed Điều 3
        answers.dispose(
            session,
            runtime.engine,
            consultation_id,
            [ids[7]],
            actor(session, "tuphap"),
            runtime.now(),
            disposition="accepted",
            response="Đã sửa Điều 3.",
            articles=["3"],
        )
    login(client, "mttq")
    base = f"/staff/review/{consultation_id}/export"

    answer = client.get(f"{base}.csv", buffered=True)  # the pieces as the server sent them
    assert answer.headers["Content-Disposition"].startswith("attachment")
    pieces = list(answer.response)
    assert len(pieces) > 1  # sent as read, not as one buffer
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))
    body, changed = rows[0].index("Nội dung ý kiến"), rows[0].index("Điều được sửa")
    assert [r[body] for r in rows[1:]] == BODIES
    assert [r[changed] for r in rows[1:]] == [""] * 7 + ["3"] + [""] * 3

    answer = client.get(f"{base}.json", buffered=True)
    assert len(answer.response) > len(BODIES)  # type: ignore[arg-type]
    data = json.loads(answer.data)
    assert data["consultation"] == consultation_id
    assert [o["body"] for o in data["opinions"]] == BODIES
    assert [o["changed"] for o in data["opinions"]].count("3") == 1

    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx", buffered=True).data)).active
    assert sheet is not None
    assert [r[body].value for r in sheet.iter_rows(min_row=2)] == BODIES
    assert sheet.auto_filter.ref == f"A1:N{len(BODIES) + 1}"


def test_more_opinions_than_a_sheet_holds_continue_on_the_next_sheet(
    runtime: Runtime, commune: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "SHEET_ROWS", 4)
    consultation_id, _ids = opinions(runtime, commune, BODIES)
    out = io.BytesIO()
    with Session(runtime.db) as session:
        written = exports.write_xlsx(session, consultation_id, out, public=True)
    assert written == len(BODIES)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Ý kiến", "Ý kiến (2)", "Ý kiến (3)"]
    headers = [c[1] for c in exports.columns(True)]
    body = headers.index("Nội dung ý kiến")
    found = []
    for sheet, count in zip(book.worksheets, [4, 4, 3], strict=True):
        assert [c.value for c in sheet[1]] == headers and sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{chr(64 + len(headers))}{count + 1}"
        found += [r[body].value for r in sheet.iter_rows(min_row=2)]
    assert found == BODIES


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_cli_writes_the_export_while_it_reads_the_opinions(
    runtime: Runtime,
    commune: Organization,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    monkeypatch.setattr(exports, "CHUNK", 2)
    long = [f"{b} {'Nội dung rất dài. ' * 200}".strip() for b in BODIES]  # ~4 kB each
    consultation_id, _ids = opinions(runtime, commune, long)
    out = tmp_path / f"y-kien.{fmt}"
    on_disk: list[int] = []
    read = exports.records

    def watched(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for record in read(*args, **kwargs):
            on_disk.append(out.stat().st_size)
            yield record

    monkeypatch.setattr(exports, "records", watched)
    monkeypatch.setenv("CONSULT_DATABASE_URL", database_url)
    from consult.cli import main

    result = CliRunner().invoke(
        main, ["export", "comments", str(consultation_id), "--format", fmt, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert on_disk[0] == 0 and on_disk[-1] > 20_000  # the first opinions are in the file
    text = out.read_text(encoding="utf-8-sig")
    if fmt == "json":
        assert [o["body"] for o in json.loads(text)["opinions"]] == long
    else:
        assert [r[8] for r in list(csv.reader(io.StringIO(text)))[1:]] == long


def test_a_campaign_is_counted_whole_and_marked_from_the_page_with_later_copies(
    runtime: Runtime, commune: Organization, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(campaigns, "BATCH", 2)  # the texts cross several reads
    text = "Tôi đồng ý với toàn bộ dự thảo quy chế, đề nghị ban hành sớm."
    variants = [text, text.upper(), text.replace("Tôi", "Tôi hoàn toàn"), text + "!"]
    bodies = [variants[n % 4] for n in range(9)] + ["Cần bổ sung quy định về họp dân."]
    consultation_id, ids = opinions(runtime, commune, bodies)
    with write_session(runtime.db) as session:
        found = campaigns.clusters(session, consultation_id)
    assert [(c.count, c.kind, c.texts, c.first) for c in found] == [(9, "near", 2, ids[0])]
    assert found[0].variants == ids[:4]  # the oldest opinion of each text as typed
    assert found[0].sample == text

    login(client, "tuphap")
    page = client.get(f"/staff/review/{consultation_id}/duplicates").get_data(as_text=True)
    key = re.findall(HIDDEN.format("key"), page)
    posted = re.findall(HIDDEN.format("variant"), page)
    assert len(key) == 1 and 'data-count="9"' in page and len(posted) == 4
    # A copy sent after the page was shown is marked with its group.
    (late,) = opinions_in(runtime, consultation_id, [variants[1]])
    token = csrf(client, f"/staff/review/{consultation_id}/duplicates")
    response = client.post(
        f"/staff/review/{consultation_id}/duplicates",
        data={"csrf_token": token, "key": key[0], "variant": posted},
    )
    assert response.status_code == 302
    with Session(runtime.db) as session:
        rows = session.exec(select(Comment).where(Comment.consultation_id == consultation_id))
        groups = {r.id: r.group_key for r in rows}
    assert {groups[i] for i in [*ids[:9], late]} == {key[0]} and groups[ids[9]] == ""
    page = client.get(f"/staff/review/{consultation_id}/duplicates").get_data(as_text=True)
    assert 'data-count="10"' in page and 'name="variant"' not in page  # marked: no form
