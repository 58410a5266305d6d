"""The whole consultation through the JSON API, as the commune's staff and its citizens live it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from consult.db import write_session
from consult.ledger import audit
from consult.models import AuditEvent, Organization
from consult.runtime import Runtime
from consult.scheduler import tick
from consult.services import users
from tests.helpers import PASSWORD, Api, Clock, post_draft, start, take

ARTICLES = [
    {"number": "1", "title": "Phạm vi điều chỉnh", "text": "Quy chế này quy định việc..."},
    {"number": "2", "title": "Đối tượng áp dụng", "text": "Công dân cư trú trên địa bàn xã."},
    {"number": "3", "title": "Những nội dung công khai", "text": "Dự toán, quyết toán ngân sách."},
]
OPINION = "Đề nghị bổ sung người tạm trú trên 6 tháng vào đối tượng áp dụng."


class Desk:
    """The API as one person uses it: their token, their language."""

    def __init__(self, client: FlaskClient, headers: dict[str, str], lang: str = "vi") -> None:
        self.client = client
        self.headers = {**headers, "Accept-Language": lang}

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers)

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(f"/api/v1{path}", json=body, headers=self.headers)

    def take(self, consultation_id: int, action: str, body: Any | None = None) -> Any:
        return self.post(f"/consultations/{consultation_id}/actions/{action}", body or {})


def desks(api: Api) -> dict[str, Desk]:
    staff = {
        "drafter": "tuphap",
        "reviewer": "mttq",
        "signer": "chutich",
        "clerk": "vanthu",
    }
    result = {role: Desk(api.client, api.headers(name)) for role, name in staff.items()}
    result["citizen"] = Desk(api.client, {})
    return result


def symbols(consultation: dict[str, Any]) -> list[str]:
    return [d["symbol"] for d in consultation["documents"]]


def audit_trail(runtime: Runtime, consultation_id: int) -> list[str]:
    with Session(runtime.db) as session:
        query = (
            select(AuditEvent.action)
            .where(AuditEvent.consultation_id == consultation_id)
            .order_by(col(AuditEvent.id))
        )
        return list(session.exec(query))


def chain_intact(runtime: Runtime) -> bool:
    with Session(runtime.db) as session:
        return audit.verify(session) is None


def test_commune_regulation_from_draft_to_published_decision(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    who = desks(api)
    drafter, reviewer, signer, clerk, citizen = (
        who["drafter"],
        who["reviewer"],
        who["signer"],
        who["clerk"],
        who["citizen"],
    )

    # The legal officer drafts the regulation: internal until it is posted.
    created = drafter.post(
        "/consultations",
        {
            "workflow": "qcdc-ubnd-xa",
            "title": "Quy chế thực hiện dân chủ trong hoạt động của UBND xã Đông Sơn",
            "articles": ARTICLES,
        },
    )
    assert created.status_code == 201, created.get_json()
    draft = created.get_json()
    cid = draft["id"]
    assert draft["state"] == "draft" and draft["workflow_version"] == 1
    assert [a["number"] for a in draft["articles"]] == ["1", "2", "3"]
    assert draft["window"] is None and draft["version"] == 1
    assert citizen.get(f"/consultations/{cid}").status_code == 404

    # Fri 01/03/2024: the legal officer cannot post before the Chairman signs the plan.
    unsigned = drafter.take(cid, "start_posting")
    assert (
        unsigned.status_code == 409
        and "chưa ký kế hoạch" in unsigned.get_json()["error"]["message"]
    )
    plan = signer.take(cid, "sign_plan")
    assert plan.status_code == 200, plan.get_json()
    assert symbols(plan.get_json()) == ["01/KH-UBND"]
    # The draft is posted; 20 days end Thu 21/03 24:00.
    posted = drafter.take(cid, "start_posting")
    assert posted.status_code == 200, posted.get_json()
    consultation = posted.get_json()
    assert consultation["state"] == "consulting"
    assert consultation["window"]["closes_at"] == "2024-03-21T17:00:00+00:00"
    assert consultation["window"]["closes_at_text"] == "24:00 ngày 21/03/2024"
    assert symbols(consultation) == ["01/KH-UBND"]
    assert {p["what"] for p in consultation["postings"]} == {"draft"}

    # A citizen reads the draft (no staff detail) and comments on Article 2 without an account.
    public = citizen.get(f"/consultations/{cid}").get_json()
    assert public["accepts_comments"] is True and public["actions"] == []
    assert "version" not in public and "postings" not in public
    assert symbols(public) == ["01/KH-UBND"]
    sent = citizen.post(
        f"/consultations/{cid}/comments",
        {
            "body": OPINION,
            "article": "2",
            "author_name": "Nguyễn Văn Bình",
            "locality": "Thôn Đồng Giang",
            "contact": "0912 345 678",
        },
    )
    assert sent.status_code == 201, sent.get_json()
    receipt = sent.get_json()["receipt"]
    assert sent.get_json()["consultation"] == cid and sent.get_json()["article"] == "2"

    # The receipt tells the status, never who wrote it.
    status = citizen.get(f"/receipts/{receipt}")
    assert status.status_code == 200
    assert status.get_json()["status"] == "received"
    assert status.get_json()["article"] == "2" and status.get_json()["body"] == OPINION
    assert "Nguyễn Văn Bình" not in status.get_data(as_text=True)
    assert "0912" not in status.get_data(as_text=True)
    assert "author_name" not in status.get_json() and "contact" not in status.get_json()

    # The Chairman cannot sign while citizens may still comment: 409, saying until when.
    early = signer.take(cid, "issue_decision")
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "not_allowed_now"
    assert "24:00 ngày 21/03/2024" in early.get_json()["error"]["message"]
    in_english = Desk(api.client, signer.headers, lang="en").take(cid, "issue_decision")
    assert in_english.status_code == 409
    assert "cannot be taken at the stage" in in_english.get_json()["error"]["message"]
    assert "24:00 on 21/03/2024" in in_english.get_json()["error"]["message"]

    # Fri 22/03/2024 08:00: the scheduler closes the window, once.
    clock.advance(days=21)
    first, second = tick(runtime), tick(runtime)
    assert [(t.consultation_id, t.action) for t in first] == [(cid, "close_posting")]
    assert second == []
    late = citizen.post(f"/consultations/{cid}/comments", {"body": "Góp ý muộn."})
    assert late.status_code == 409
    assert "24:00 ngày 21/03/2024" in late.get_json()["error"]["message"]

    # The Front and the committee see who wrote what, and that the synthesis waits for every
    # disposition; the committee answers (Art. 28: the Front takes part and proposes).
    listing = reviewer.get(f"/consultations/{cid}/comments").get_json()
    assert listing["total"] == 1 and listing["page"] == 1
    opinion = listing["items"][0]
    assert opinion["author_name"] == "Nguyễn Văn Bình" and opinion["article"] == "2"
    assert opinion["receipt"] == receipt and opinion["channel"] == "online"
    waiting = reviewer.get(f"/consultations/{cid}").get_json()
    synthesis = next(a for a in waiting["actions"] if a["name"] == "submit_synthesis")
    assert synthesis["allowed"] is False and "1 ý kiến" in synthesis["blocked_by"]

    not_the_front = reviewer.patch(f"/comments/{opinion['id']}", {"disposition": "accepted"})
    assert not_the_front.status_code == 403
    refused = drafter.patch(f"/comments/{opinion['id']}", {"disposition": "not_accepted"})
    assert refused.status_code == 422
    assert "reason" in refused.get_json()["error"]["fields"]
    answered = drafter.patch(
        f"/comments/{opinion['id']}",
        {
            "disposition": "accepted",
            "response": "Tiếp thu: bổ sung người tạm trú vào Điều 2.",
        },
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["disposition"] == "accepted"

    submitted = reviewer.take(cid, "submit_synthesis", {"summary": "01 ý kiến, tiếp thu 01."})
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["state"] == "deciding"

    # The Chairman cannot sign before approving the synthesis report the committee prepares.
    unapproved = signer.take(cid, "issue_decision")
    assert unapproved.status_code == 409 and "Báo cáo" in unapproved.get_json()["error"]["message"]
    assert drafter.take(cid, "generate_synthesis").status_code == 200
    report = signer.take(cid, "approve_synthesis")
    assert report.status_code == 200, report.get_json()
    assert "02/BC-UBND" in symbols(report.get_json())

    # The Chairman signs: the register's next number after the report's 02.
    signed = signer.take(cid, "issue_decision")
    assert signed.status_code == 200, signed.get_json()
    decision = next(d for d in signed.get_json()["documents"] if d["type"] == "QĐ")
    assert decision["symbol"] == "03/QĐ-UBND" and decision["number"] == 3
    assert decision["issued_on"] == "2024-03-22" and decision["published_on"] is None
    assert decision["url"] == f"/consultations/{cid}#doc-{decision['id']}"
    assert "03/QĐ-UBND" not in symbols(citizen.get(f"/consultations/{cid}").get_json())

    # The records office publishes it, with the signed copy or the record of a digital
    # signature; citizens see the decision and the answer.
    unsigned_copy = clerk.take(cid, "publish")
    assert unsigned_copy.status_code == 409
    published = clerk.take(cid, "publish", {"signed_digitally": True})
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["state"] == "published"
    documents = citizen.get(f"/consultations/{cid}/documents").get_json()["items"]
    assert [(d["symbol"], d["published_on"]) for d in documents] == [
        ("01/KH-UBND", "2024-03-01"),
        ("03/QĐ-UBND", "2024-03-22"),
    ]
    final = citizen.get(f"/receipts/{receipt}").get_json()
    assert final["status"] == "answered" and final["disposition"] == "accepted"
    assert final["response"] == "Tiếp thu: bổ sung người tạm trú vào Điều 2."

    # One audit entry per action, in order, on an intact chain.
    assert audit_trail(runtime, cid) == [
        "start",
        "sign_plan",
        "start_posting",
        "close_posting",
        "review_comment",
        "submit_synthesis",
        "generate_synthesis",
        "approve_synthesis",
        "issue_decision",
        "publish",
    ]
    assert chain_intact(runtime)


def test_drill_with_a_thirty_second_window_runs_to_publication(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    who = desks(api)
    created = who["drafter"].post(
        "/consultations",
        {"workflow": "qcdc-drill", "title": "Diễn tập lấy ý kiến", "articles": ARTICLES},
    )
    cid = created.get_json()["id"]
    posted = who["drafter"].take(cid, "start_posting").get_json()
    closes_at = datetime.fromisoformat(posted["window"]["closes_at"])
    assert closes_at == clock() + timedelta(seconds=30)

    sent = who["citizen"].post(f"/consultations/{cid}/comments", {"body": OPINION})
    assert sent.status_code == 201
    clock.advance(seconds=29)
    assert tick(runtime) == []
    clock.advance(seconds=2)
    assert [t.action for t in tick(runtime)] == ["close_posting"]
    assert who["citizen"].post(f"/consultations/{cid}/comments", {"body": "x"}).status_code == 409

    opinion = who["reviewer"].get(f"/consultations/{cid}/comments").get_json()["items"][0]
    assert opinion["author_name"] == "" and opinion["anonymous"] is True
    reviewed = who["reviewer"].patch(f"/comments/{opinion['id']}", {"disposition": "duplicate"})
    assert reviewed.status_code == 200
    assert who["reviewer"].take(cid, "submit_synthesis").status_code == 200
    assert who["signer"].take(cid, "issue_decision").status_code == 200
    published = who["clerk"].take(cid, "publish")
    assert published.status_code == 200
    assert published.get_json()["state"] == "published"
    assert symbols(published.get_json()) == ["01/KH-UBND", "02/QĐ-UBND"]


def deciding(runtime: Runtime, organization: Organization, clock: Clock) -> int:
    """A consultation whose window has ended, its synthesis submitted and its report approved."""
    cid = start(runtime, organization)
    post_draft(runtime, cid)
    clock.advance(days=21)
    tick(runtime)
    take(runtime, cid, "submit_synthesis", "mttq")
    take(runtime, cid, "generate_synthesis", "tuphap")
    take(runtime, cid, "approve_synthesis", "chutich")
    return cid


def test_two_signers_issue_at_once_one_wins(
    app: Flask, api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    cid = deciding(runtime, commune, clock)
    with write_session(runtime.db) as session:
        users.create(
            session,
            username="phochutich",
            password=PASSWORD,
            roles=["signer"],
            organization=session.get(Organization, commune.id),  # type: ignore[arg-type]
            now=clock(),
            full_name="Phó Chủ tịch",
        )
    tokens = [api.headers("chutich"), api.headers("phochutich")]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def sign(headers: dict[str, str]) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/v1/consultations/{cid}/actions/issue_decision", json={}, headers=headers
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=sign, args=(h,)) for h in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409]
    after = Desk(api.client, tokens[0]).get(f"/consultations/{cid}").get_json()
    assert after["state"] == "issued"
    # start, plan, posting, close, synthesis, report generated and approved, one decision
    assert after["version"] == 8
    assert [s for s in symbols(after) if "/QĐ-" in s] == ["03/QĐ-UBND"]
    assert audit_trail(runtime, cid).count("issue_decision") == 1
    assert chain_intact(runtime)


def test_anyone_lists_the_public_consultations_and_staff_also_see_drafts(
    api: Api, runtime: Runtime, commune: Organization, clock: Clock
) -> None:
    posted = start(runtime, commune, title="Quy chế đã niêm yết")
    post_draft(runtime, posted)
    draft = start(runtime, commune, workflow="qcdc-co-quan", title="Quy chế còn dự thảo")
    citizen, drafter = Desk(api.client, {}), Desk(api.client, api.headers("tuphap"))

    seen = citizen.get("/consultations").get_json()
    assert [c["id"] for c in seen["items"]] == [posted]
    assert seen["items"][0]["window"]["closes_at"] == "2024-03-21T17:00:00+00:00"
    assert {c["id"] for c in drafter.get("/consultations").get_json()["items"]} == {posted, draft}
    assert [c["id"] for c in drafter.get("/consultations?state=draft").get_json()["items"]] == [
        draft
    ]
    by_workflow = drafter.get("/consultations?workflow=qcdc-ubnd-xa").get_json()["items"]
    assert [c["id"] for c in by_workflow] == [posted]
    assert datetime.fromisoformat(seen["items"][0]["window"]["opens_at"]).tzinfo == UTC
