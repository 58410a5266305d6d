"""The procedure cannot be cheated: no backdating, nothing signed before its preconditions,
each role doing what Law 10/2022 Art. 28 gives it, the register in date order."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.calendar import format_deadline
from consult.cli import main
from consult.config import ROOT
from consult.db import write_session
from consult.errors import Invalid, NotAllowedNow
from consult.ledger import register
from consult.models import AuditEvent, Organization, Window
from consult.runtime import Runtime
from consult.scheduler import tick
from consult.services import revisions
from consult.workflow.engine import ArticleInput
from tests.files import HOLIDAY_FILES
from tests.helpers import ARTICLES, Api, Clock, actor, csrf, login, post_draft, start, take


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()["error"]
    return body


def comment_window(runtime: Runtime, consultation_id: int) -> Window:
    with Session(runtime.db) as session:
        found = session.exec(
            select(Window).where(
                Window.consultation_id == consultation_id, Window.name == "comment_window"
            )
        ).one()
        return found


# --- dates that mean what they say --------------------------------------------------------------


def test_a_past_posting_date_needs_the_paper_record_and_the_online_window_still_runs_its_minimum(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    clock.set(datetime(2024, 3, 11, 1, 0, tzinfo=UTC))  # Mon 11/03/2024, 08:00 in Vietnam
    cid = start(runtime, commune)
    take(runtime, cid, "sign_plan", "chutich")
    path = f"/api/v1/consultations/{cid}/actions/start_posting"
    drafter = api.headers("tuphap")

    backdated = error(api.client.post(path, json={"posted_on": "2024-03-01"}, headers=drafter), 422)
    assert list(backdated["fields"]) == ["posted_on"]
    assert "01/03/2024" in backdated["fields"]["posted_on"]

    paper = {
        "posted_on": "2024-03-01",
        "paper_minutes": "03/BB-UBND",
        "backdate_reason": "Niêm yết trên giấy trước khi có phần mềm.",
    }
    posted = api.client.post(path, json=paper, headers=drafter)
    assert posted.status_code == 200, posted.get_json()
    # The paper posting started on 01/03, but online the public gets its 20 days from
    # Mon 11/03: day 20 is Sun 31/03, so the window runs to Mon 01/04 24:00.
    window = comment_window(runtime, cid)
    assert window.closes_at == datetime(2024, 4, 1, 17, 0, tzinfo=UTC)
    assert format_deadline(window.closes_at) == "24:00 ngày 01/04/2024"
    with Session(runtime.db) as session:
        entry = session.exec(
            select(AuditEvent).where(
                AuditEvent.consultation_id == cid, AuditEvent.action == "start_posting"
            )
        ).one()
    assert entry.detail["payload"]["paper_minutes"] == "03/BB-UBND"
    assert entry.detail["online_from"] == "2024-03-11"

    login(client, "chutich")
    page = client.get(f"/staff/consultations/{cid}").get_data(as_text=True)
    assert "Đã niêm yết trên giấy từ ngày 01/03/2024" in page and "03/BB-UBND" in page


def test_dates_before_the_law_or_years_ahead_are_refused_naming_the_field(
    api: Api, runtime: Runtime, commune: Organization
) -> None:
    cid = start(runtime, commune)
    take(runtime, cid, "sign_plan", "chutich")
    path = f"/api/v1/consultations/{cid}/actions/start_posting"
    drafter = api.headers("tuphap")
    early = error(api.client.post(path, json={"posted_on": "2023-06-30"}, headers=drafter), 422)
    assert "01/07/2023" in early["fields"]["posted_on"]
    ahead = error(api.client.post(path, json={"posted_on": "2026-01-01"}, headers=drafter), 422)
    assert "posted_on" in ahead["fields"]


def test_a_posting_reaching_a_computed_year_is_accepted_and_says_its_deadline_may_move(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    beyond = max(HOLIDAY_FILES) + 2  # 400 days from 02/12 of the last year with a file
    clock.set(datetime(beyond - 2, 12, 2, 1, 0, tzinfo=UTC))
    cid = start(runtime, commune)
    take(runtime, cid, "sign_plan", "chutich")
    posted = api.client.post(
        f"/api/v1/consultations/{cid}/actions/start_posting",
        json={"comment_days": 400},
        headers=api.headers("tuphap"),
    )
    assert posted.status_code == 200, posted.get_json()
    window = posted.get_json()["window"]
    assert window["closes_at"].startswith(f"{beyond}-")
    assert window["provisional_note"] and str(beyond) in window["provisional_note"]


def test_the_register_refuses_a_number_dated_before_a_lower_numbers_date(
    runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    first = start(runtime, commune)
    take(runtime, first, "sign_plan", "chutich")  # 01/KH dated Fri 01/03/2024
    clock.set(datetime(2024, 3, 4, 1, 0, tzinfo=UTC))
    later = start(runtime, commune, title="Quy chế thứ hai")
    take(runtime, later, "sign_plan", "chutich")  # 02/KH dated Mon 04/03
    # A plan dated 01/03 given the register's next number (03) would follow one of 04/03.
    with write_session(runtime.db) as session, pytest.raises(Invalid) as refused:
        organization = session.get(Organization, commune.id)
        assert organization is not None
        register.record(
            session,
            organization,
            doc_type="KH",
            issued_on=date(2024, 3, 1),
            subject="x",
            now=clock(),
        )
    assert "02/KH-UBND" in refused.value.message and "04/03/2024" in refused.value.message
    assert "number" in refused.value.fields
    # On paper, with the number it was given that day, it is entered.
    with write_session(runtime.db) as session:
        organization = session.get(Organization, commune.id)
        assert organization is not None
        paper = register.record(
            session,
            organization,
            doc_type="TB",
            issued_on=date(2024, 3, 1),
            subject="x",
            now=clock(),
            number=3,
        )
        assert paper.symbol == "03/TB-UBND"


# --- nothing signed before its preconditions ---------------------------------------------------


def _after_the_window(runtime: Runtime, commune: Organization, clock: Clock, api: Api) -> int:
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    sent = api.client.post(
        f"/api/v1/consultations/{cid}/comments",
        json={"body": "Đề nghị bổ sung việc công khai dự toán vào Điều 3.", "article": "3"},
    )
    assert sent.status_code == 201
    clock.set(datetime(2024, 3, 22, 1, 0, tzinfo=UTC))
    tick(runtime)
    return cid


def test_the_decision_waits_for_the_approved_report_and_every_promised_revision(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = _after_the_window(runtime, commune, clock, api)
    drafter, signer = api.headers("tuphap"), api.headers("chutich")
    [opinion] = api.client.get(f"/api/v1/consultations/{cid}/comments", headers=drafter).get_json()[
        "items"
    ]
    with write_session(runtime.db) as session:  # accepted, promising a change to Article 3
        from consult.services import answers

        answers.dispose(
            session,
            runtime.engine,
            cid,
            [opinion["id"]],
            actor(session, "tuphap"),
            clock(),
            disposition="accepted",
            response="Tiếp thu: bổ sung vào Điều 3.",
            articles=["3"],
        )
    take(runtime, cid, "submit_synthesis", "mttq")
    path = f"/api/v1/consultations/{cid}/actions/issue_decision"

    unapproved = error(api.client.post(path, json={}, headers=signer), 409)
    assert "Điều 3" in unapproved["message"] and opinion["receipt"] in unapproved["message"]
    detail = api.client.get(f"/api/v1/consultations/{cid}", headers=signer).get_json()
    sign = next(a for a in detail["actions"] if a["name"] == "issue_decision")
    assert len(sign["missing"]) == 2  # Article 3 not yet revised, and the report
    assert "Báo cáo tổng hợp" in sign["missing"][1]
    take(runtime, cid, "generate_synthesis", "tuphap")
    take(runtime, cid, "approve_synthesis", "chutich")
    unrevised = error(api.client.post(path, json={}, headers=signer), 409)
    assert "Điều 3" in unrevised["message"] and opinion["receipt"] in unrevised["message"]

    revised = [
        *ARTICLES[:2],
        ArticleInput(
            "3", ARTICLES[2].title, "Dự toán, quyết toán ngân sách xã; dự toán công khai."
        ),
    ]
    with write_session(runtime.db) as session:
        consultation = runtime.engine.get(session, cid)
        revisions.revise(session, consultation, revised, actor(session, "tuphap"), clock())
    signed = api.client.post(path, json={}, headers=signer)
    assert signed.status_code == 200, signed.get_json()
    article = next(a for a in signed.get_json()["articles"] if a["number"] == "3")
    assert article["text"].endswith("dự toán công khai.")


def test_an_article_may_stay_as_posted_when_the_reason_is_given(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = _after_the_window(runtime, commune, clock, api)
    drafter = api.headers("tuphap")
    [opinion] = api.client.get(f"/api/v1/consultations/{cid}/comments", headers=drafter).get_json()[
        "items"
    ]
    with write_session(runtime.db) as session:
        from consult.services import answers

        answers.dispose(
            session,
            runtime.engine,
            cid,
            [opinion["id"]],
            actor(session, "tuphap"),
            clock(),
            disposition="accepted",
            response="Điều 3 đã quy định việc này.",
            articles=["3"],
            unchanged_reason="Điều 3 đã có nội dung công khai dự toán.",
        )
    take(runtime, cid, "submit_synthesis", "mttq")
    take(runtime, cid, "generate_synthesis", "tuphap")
    take(runtime, cid, "approve_synthesis", "chutich")
    signed = api.client.post(
        f"/api/v1/consultations/{cid}/actions/issue_decision",
        json={},
        headers=api.headers("chutich"),
    )
    assert signed.status_code == 200, signed.get_json()


def test_a_report_generated_during_the_window_is_a_working_draft_that_cannot_be_approved(
    runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    take(runtime, cid, "generate_synthesis", "tuphap")
    clock.set(datetime(2024, 3, 22, 1, 0, tzinfo=UTC))
    tick(runtime)
    with pytest.raises(NotAllowedNow, match="working draft"):
        take(runtime, cid, "approve_synthesis", "chutich")
    take(runtime, cid, "generate_synthesis", "tuphap")
    take(runtime, cid, "approve_synthesis", "chutich")


def test_the_decision_is_published_with_its_signed_copy_or_the_record_of_a_digital_signature(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    cid = _after_the_window(runtime, commune, clock, api)
    drafter = api.headers("tuphap")
    [opinion] = api.client.get(f"/api/v1/consultations/{cid}/comments", headers=drafter).get_json()[
        "items"
    ]
    api.client.patch(
        f"/api/v1/comments/{opinion['id']}", json={"disposition": "out_of_scope"}, headers=drafter
    )
    take(runtime, cid, "submit_synthesis", "mttq")
    take(runtime, cid, "generate_synthesis", "tuphap")
    take(runtime, cid, "approve_synthesis", "chutich")
    decision = next(
        d for d in take(runtime, cid, "issue_decision", "chutich").documents if d.type == "QĐ"
    )
    clerk = api.headers("vanthu")
    path = f"/api/v1/consultations/{cid}/actions/publish"
    unsigned = error(api.client.post(path, json={}, headers=clerk), 409)
    assert decision.symbol in unsigned["message"]
    # The scan of the signed decision, uploaded by the records office, lets it be published.
    login(client, "vanthu")
    token = csrf(client, f"/staff/documents/consultations/{cid}")
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    import io

    client.post(
        f"/staff/documents/{decision.id}/signed",
        data={"csrf_token": token, "file": (io.BytesIO(pdf), "qd.pdf")},
        content_type="multipart/form-data",
    )
    published = api.client.post(path, json={}, headers=clerk)
    assert published.status_code == 200, published.get_json()


# --- who does what -----------------------------------------------------------------------------


def test_the_committee_disposes_and_the_front_proposes_and_records_its_supervision(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    sent = api.client.post(f"/api/v1/consultations/{cid}/comments", json={"body": "Góp ý."})
    assert sent.status_code == 201
    [opinion] = api.client.get(
        f"/api/v1/consultations/{cid}/comments", headers=api.headers("mttq")
    ).get_json()["items"]
    refused = error(
        api.client.patch(
            f"/api/v1/comments/{opinion['id']}",
            json={"disposition": "accepted"},
            headers=api.headers("mttq"),
        ),
        403,
    )
    assert "Công chức Tư pháp" in refused["message"]

    login(client, "mttq")  # the Front proposes through the workbench
    token = csrf(client, f"/staff/review/opinions/{opinion['id']}")
    proposed = client.post(
        f"/staff/comments/{opinion['id']}/propose",
        data={"csrf_token": token, "disposition": "accepted", "note": "Đề nghị tiếp thu."},
    )
    assert proposed.status_code == 302
    table = client.get(f"/staff/review/{cid}").get_data(as_text=True)
    assert 'data-proposed="accepted"' in table
    take(
        runtime,
        cid,
        "record_front_opinion",
        "mttq",
        {"opinion": "Việc niêm yết đúng quy định."},
    )

    login(client, "tuphap")  # the legal officer gives the proposed disposition
    token = csrf(client, f"/staff/review/{cid}")
    taken = client.post(
        f"/staff/review/{cid}/bulk",
        data={"csrf_token": token, "ids": [str(opinion["id"])], "do": "take"},
    )
    assert taken.status_code == 302
    status = api.client.get(f"/api/v1/receipts/{opinion['receipt']}").get_json()
    assert status["disposition"] == "accepted" and status["response"] == "Đề nghị tiếp thu."


def test_the_report_to_the_council_is_a_step_with_its_record(
    runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    from tests.helpers import decide

    cid = start(runtime, commune)
    post_draft(runtime, cid)
    clock.set(datetime(2024, 3, 22, 1, 0, tzinfo=UTC))
    tick(runtime)
    take(runtime, cid, "submit_synthesis", "mttq")
    decide(runtime, cid)
    take(runtime, cid, "publish", "vanthu", {"signed_digitally": True})
    ctx = take(runtime, cid, "report_to_council", "chutich", {"session_on": "2024-03-25"})
    assert [d.type for d in ctx.documents] == ["BC"]
    assert ctx.consultation.tracks["council_report"] == "reported"


def test_workflows_check_validates_the_review_roles(tmp_path: Path) -> None:
    from click.testing import CliRunner

    source = (ROOT / "workflows" / "qcdc-ubnd-xa.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(source.replace("  dispose: [drafter]", "  dispose: [mayor]"), "utf-8")
    result = CliRunner().invoke(main, ["workflows", "check", str(broken)])
    assert result.exit_code == 1
    assert "unknown role 'mayor'" in result.output and "broken.yaml:" in result.output
