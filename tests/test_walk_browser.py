"""Each bundled definition walked through the staff forms only, in Debian's Chromium: a new
draft previewed and saved, the plan signed, the draft posted, one opinion entered by staff
and one sent by a citizen, the window closed by the scheduler's pass, the opinions answered
by the roles the definition's ``review:`` names, the accepted article revised, the report
generated and approved (and the trade union's opinion where the definition asks for it), the
decision signed, its signed copy uploaded, published, then the implementation plan. axe-core
checks every page visited (no serious or critical WCAG 2.1 A/AA violation).

Only the clock moves outside the browser: the window lasts 20 days, so the test sets the
app's clock and runs one scheduler pass, as `consult scheduler` does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, col, select

from consult import scheduler
from consult.models import Comment, Document, Organization
from consult.runtime import Runtime
from tests.browser import AXE, Desk, stored
from tests.helpers import Clock

pytestmark = pytest.mark.browser

ARTICLES = (
    "Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định việc thực hiện dân chủ.\n"
    "Điều 2. Đối tượng áp dụng\nCán bộ, công chức và Nhân dân trên địa bàn xã."
)
REVISED = ARTICLES.replace("thực hiện dân chủ.", "thực hiện dân chủ và công khai thông tin.")


@dataclass(frozen=True)
class Walk:
    workflow: str
    proposer: str | None  # review.propose: who proposes a disposition first
    disposer: str  # review.dispose and review.explain
    generator: str  # generate_synthesis
    submitter: str  # submit_synthesis
    union_opinion: bool  # issue_decision requires union_opinion: [recorded]


WALKS = [
    Walk(
        "qcdc-ubnd-xa",
        proposer="mttq",
        disposer="tuphap",
        generator="tuphap",
        submitter="mttq",
        union_opinion=False,
    ),
    Walk(
        "qcdc-co-quan",
        proposer=None,
        disposer="tuphap",
        generator="mttq",
        submitter="mttq",
        union_opinion=True,
    ),
]


@pytest.mark.parametrize("walk", WALKS, ids=[w.workflow for w in WALKS])
def test_each_definition_goes_from_draft_to_its_implementation_plan_through_staff_forms(
    walk: Walk,
    browser: Browser,
    live_url: str,
    runtime: Runtime,
    commune: Organization,
    clock: Clock,
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/a11y` (make test does).")
    desk = Desk(browser, live_url, walk.workflow)
    title = f"Quy chế thực hiện dân chủ ({walk.workflow})"

    # The legal officer: a new draft, previewed then saved.
    consultation_id = desk.draft("tuphap", walk.workflow, title, ARTICLES)
    assert stored(runtime, consultation_id).workflow_id == walk.workflow

    # The Chairman signs the plan; the legal officer posts the draft.
    desk.step("chutich", consultation_id, "sign_plan")
    desk.step("tuphap", consultation_id, "start_posting")
    assert stored(runtime, consultation_id).state == "consulting"

    # One opinion received on paper, entered by staff; one sent by a citizen.
    page = desk.go("tuphap", f"/staff/consultations/{consultation_id}/opinions/new")
    page.locator("#channel").select_option("paper")
    page.locator("#article").select_option("1")
    page.locator("#body").fill("Đề nghị bổ sung việc công khai thông tin vào Điều 1.")
    page.locator("#author_name").fill("Hoàng Văn Nam")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text(re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}"))
    desk.check(page)
    citizen = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    citizen.add_init_script(path=str(AXE))
    public = citizen.new_page()
    public.goto(f"{live_url}/consultations/{consultation_id}/comment")
    desk.check(public)
    public.get_by_label("Nội dung góp ý").fill("Đề nghị giữ nguyên Điều 2 như dự thảo.")
    public.get_by_role("button", name="Gửi góp ý").click()
    expect(public).to_have_url(re.compile(r"/receipts/[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    desk.check(public)

    # The window ends: the clock moves past it and the scheduler's pass closes it.
    clock.set(datetime(2024, 4, 2, 1, 0, tzinfo=UTC))
    scheduler.tick(runtime)
    assert stored(runtime, consultation_id).state == "synthesis"

    # Each opinion answered by the roles of the definition's review.
    with Session(runtime.db) as session:
        paper, online = session.exec(
            select(Comment.id)
            .where(Comment.consultation_id == consultation_id)
            .order_by(col(Comment.id))
        ).all()
    answers = [
        (paper, "accepted", "Đã tiếp thu, bổ sung Điều 1.", "1", ""),
        (online, "not_accepted", "Xin cảm ơn ý kiến.", "", "Điều 2 được giữ nguyên."),
    ]
    for comment_id, disposition, response, articles, reason in answers:
        if walk.proposer:
            page = desk.go(walk.proposer, f"/staff/review/opinions/{comment_id}")
            page.locator("#proposed-disposition").select_option(disposition)
            page.get_by_role("button", name="Đề xuất").click()
            expect(page.locator(".flash-success")).to_be_visible()
            desk.check(page)
        page = desk.go(walk.disposer, f"/staff/review/opinions/{comment_id}")
        page.locator("#disposition").select_option(disposition)
        page.locator("#response").fill(response)
        if articles:
            page.locator("#articles").fill(articles)
        if reason:
            page.locator("#reason").fill(reason)
        page.locator("#save-disposition").click()
        expect(page.locator(".flash-success")).to_be_visible()
        desk.check(page)

    # The accepted opinion changes article 1: the revised draft.
    page = desk.go("tuphap", f"/staff/review/{consultation_id}/revise")
    page.locator("#articles").fill(REVISED)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    desk.check(page)

    # The report generated from the data, approved by the Chairman.
    page = desk.go(walk.generator, f"/staff/review/{consultation_id}/report")
    page.locator("#generate-report").click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "draft")
    desk.check(page)
    page = desk.go("chutich", f"/staff/review/{consultation_id}/report")
    page.locator("#approve-report").click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "approved")
    desk.check(page)

    if walk.union_opinion:
        page = desk.go(
            "tuphap", f"/staff/consultations/{consultation_id}/actions/record_union_opinion"
        )
        page.locator("#opinion").fill("Ban Chấp hành Công đoàn cơ sở nhất trí với dự thảo.")
        page.locator("#union_document").fill("Công văn số 12/CĐ ngày 03/04/2024")
        page.locator("form.form button[type=submit]").click()
        expect(page.locator(".flash-success")).to_be_visible()
        desk.check(page)
    else:
        page = desk.go(
            "mttq", f"/staff/consultations/{consultation_id}/actions/record_front_opinion"
        )
        page.locator("#opinion").fill("Việc lấy ý kiến được tổ chức đúng kế hoạch.")
        page.locator("form.form button[type=submit]").click()
        expect(page.locator(".flash-success")).to_be_visible()
        desk.check(page)
    desk.step(walk.submitter, consultation_id, "submit_synthesis")
    assert stored(runtime, consultation_id).state == "deciding"

    # The Chairman signs the decision; the clerk uploads its signed copy and publishes it.
    desk.step("chutich", consultation_id, "issue_decision")
    with Session(runtime.db) as session:
        decision = session.exec(
            select(Document).where(
                Document.consultation_id == consultation_id, Document.type == "QĐ"
            )
        ).one()
    desk.upload_signed_copy("vanthu", consultation_id, decision.symbol)
    desk.step("vanthu", consultation_id, "publish")
    if not walk.union_opinion:  # the commune's council hears the result (Art. 28(5))
        desk.step("chutich", consultation_id, "report_to_council")
    desk.step("chutich", consultation_id, "issue_implementation_plan")
    assert stored(runtime, consultation_id).state == "in_force"

    # Anyone reads the published decision and the plan.
    public.goto(f"{live_url}/consultations/{consultation_id}")
    expect(public.locator("body")).to_contain_text(decision.symbol)
    desk.check(public)
    citizen.close()
    desk.close()
    assert len(desk.checked) >= 20
