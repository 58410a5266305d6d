"""The Front's reviewer at a desk, end to end in Debian's Chromium: a paper opinion entered with
its scan, the table filtered by article and searched without diacritics, a campaign of
duplicates grouped and answered once, dispositions with reasons, the report generated and
approved; then the citizen's receipt shows the response.

A missing Chromium fails these tests (``apt-get install -y chromium``), as the others.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from consult.db import write_session
from consult.ledger import audit
from consult.models import Organization
from consult.runtime import Runtime
from consult.services import intake
from tests.browser import log_in
from tests.helpers import Clock, post_draft, start, take

pytestmark = pytest.mark.browser

CAMPAIGN = "Đề nghị niêm yết dự thảo tại nhà văn hóa thôn đủ 30 ngày liên tục cho bà con."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def seed(runtime: Runtime, commune: Organization) -> tuple[int, str]:
    """An open consultation with a campaign (four copies and a near variant) and two others;
    returns its id and the receipt of one citizen's copy."""
    consultation_id = start(runtime, commune, title="Quy chế thực hiện dân chủ xã Đông Sơn")
    post_draft(runtime, consultation_id)
    texts = [
        (CAMPAIGN, "3", "Nguyễn Văn Tám"),
        (CAMPAIGN.upper(), "3", ""),
        (CAMPAIGN.replace(".", "!"), "3", ""),
        (CAMPAIGN, None, "Lê Thị Mai"),
        (CAMPAIGN.replace("cho bà con.", "cho bà con được biết."), "3", ""),
        ("Đề nghị công khai dự toán ngân sách tại nhà văn hóa.", "3", ""),
        ("Cần quy định rõ đối tượng áp dụng.", "2", ""),
    ]
    receipts = []
    with write_session(runtime.db) as session:
        for body, article, name in texts:
            stored = intake.submit(
                session,
                consultation_id,
                intake.CommentInput(body=body, article=article, author_name=name),
                runtime.now(),
            )
            receipts.append(stored.receipt)
    return consultation_id, receipts[0]


def test_the_committee_works_through_the_opinions_and_the_citizen_sees_the_response(
    browser: Browser,
    live_url: str,
    runtime: Runtime,
    commune: Organization,
    clock: Clock,
    tmp_path: Path,
) -> None:
    consultation_id, citizen_receipt = seed(runtime, commune)
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    # The legal officer prepares the synthesis and the explanation (Art. 28).
    log_in(page, live_url, "tuphap", f"/staff/consultations/{consultation_id}")
    page.locator("#workbench-link").click()
    expect(page).to_have_url(re.compile(rf"/staff/review/{consultation_id}$"))
    expect(page.locator("#result-count")).to_have_attribute("data-total", "7")

    # A paper opinion with its scan, entered into the same pipeline.
    page.locator("#enter-opinion").click()
    page.locator("#channel").select_option("paper")
    page.locator("#article").select_option("3")
    page.locator("#body").fill("Đề nghị công khai kết quả tiếp thu tại nhà văn hóa từng thôn.")
    page.locator("#represents").fill("12")
    page.locator("#author_name").fill("Hoàng Văn Nam")
    page.locator("#locality").select_option("Thôn Trại Nhất")
    scan = tmp_path / "phieu-gop-y.png"
    scan.write_bytes(PNG)
    page.locator("#scan").set_input_files(str(scan))
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text(re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}"))

    # Filter by article 3 and search without diacritics.
    page.goto(f"{live_url}/staff/review/{consultation_id}")
    page.locator("#f-article").select_option("3")
    page.locator("#f-q").fill("cong khai")
    page.locator("#apply-filters").click()
    expect(page).to_have_url(re.compile(r"article=3.*q=cong\+khai"))
    expect(page.locator("#result-count")).to_have_attribute("data-total", "2")
    rows = page.locator("#review-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Hoàng Văn Nam")).to_contain_text("kết quả tiếp thu")
    expect(page.locator("#review-table")).to_contain_text("dự toán ngân sách")
    paper = rows.filter(has_text="Hoàng Văn Nam").locator("a.receipt-small")
    paper.click()
    expect(page.locator("#scans")).to_contain_text("phieu-gop-y.png")
    page.go_back()

    # The campaign: five copies found, grouped, answered once; a refusal needs a reason.
    page.locator("#nav-duplicates").click()
    cluster = page.locator("section.cluster").first
    expect(cluster).to_have_attribute("data-count", "5")
    cluster.locator("button.mark-group").click()
    expect(page.locator("#result-count")).to_have_attribute("data-total", "5")
    page.locator("#scope-all").check()
    page.locator("#bulk-disposition").select_option("not_accepted")
    page.locator("#bulk-dispose").click()
    expect(page.locator(".flash-error")).to_be_visible()
    expect(page.locator("#review-table .tag-not_accepted")).to_have_count(0)
    page.locator("#scope-all").check()
    page.locator("#bulk-disposition").select_option("not_accepted")
    page.locator("#bulk-reason").fill("Luật quy định niêm yết 30 ngày; dự thảo đã ghi đủ.")
    page.locator("#bulk-response").fill("Xin cảm ơn: Điều 3 đã quy định niêm yết 30 ngày.")
    page.locator("#bulk-dispose").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#review-table .tag-not_accepted")).to_have_count(5)

    # Everything still open: accepted, changing article 3.
    page.goto(f"{live_url}/staff/review/{consultation_id}?disposition=none")
    expect(page.locator("#result-count")).to_have_attribute("data-total", "3")
    page.locator("#scope-all").check()
    page.locator("#bulk-disposition").select_option("accepted")
    page.locator("#bulk-articles").fill("3")
    page.locator("#bulk-response").fill("Đã tiếp thu và chỉnh sửa dự thảo.")
    page.locator("#bulk-dispose").click()
    expect(page.locator("#result-count")).to_have_attribute("data-total", "0")

    # The window ends; the reviewer generates the report from the data.
    clock.set(datetime(2024, 3, 22, 1, 0, tzinfo=UTC))
    take(runtime, consultation_id, "close_posting", "system")
    page.goto(f"{live_url}/staff/review/{consultation_id}/report")
    page.locator("#generate-report").click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "draft")
    expect(page.locator("#total-opinions")).to_have_text("8")
    expect(page.locator("#total-people")).to_have_text("19")
    expect(page.locator("#report-issues tr.issue[data-opinions='5']")).to_have_count(1)
    desk.close()

    # The Chairman approves it; it gets its number in the register.
    chair = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = chair.new_page()
    log_in(page, live_url, "chutich", f"/staff/review/{consultation_id}/report")
    page.locator("#approve-report").click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "approved")
    expect(page.locator("#report-status")).to_contain_text(re.compile(r"\d{2,}/BC-UBND"))
    chair.close()
    with write_session(runtime.db) as session:
        trail = [e.action for e in audit.trail(session, consultation_id)]
    assert "approve_synthesis" in trail and "group_opinions" in trail

    # The citizen's receipt shows the response, and no one's name.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = phone.new_page()
    page.goto(f"{live_url}/receipts/{citizen_receipt}")
    expect(page.locator("body")).to_contain_text("Điều 3 đã quy định niêm yết 30 ngày")
    expect(page.locator("body")).to_contain_text("Luật quy định niêm yết 30 ngày")
    expect(page.locator("body")).not_to_contain_text("Nguyễn Văn Tám")
    phone.close()
