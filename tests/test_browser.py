"""A citizen on a phone and a reviewer at a desk, in Debian's Chromium (Playwright for Python).

The app runs in a background thread on a free port; no browser is downloaded. A missing
Chromium fails these tests: install it with ``apt-get install -y chromium``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests import browser as shared
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

PHONE = shared.PHONE


def test_citizen_comments_on_a_phone_and_the_reviewer_finds_it(
    browser: Browser, live_url: str, open_id: int
) -> None:
    opinion = "Đề nghị công khai dự toán ngân sách tại nhà văn hóa từng thôn."

    # A citizen on a phone: read the draft, comment on article 3, keep the receipt code.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = phone.new_page()
    page.goto(f"{live_url}/consultations/{open_id}")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".window-open")).to_contain_text("24:00 ngày 21/03/2024")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#dieu-3").get_by_role("link", name=re.compile("Góp ý điều này")).click()
    expect(page).to_have_url(re.compile(rf"/consultations/{open_id}/comment\?article=3$"))
    expect(page.get_by_label("Bạn góp ý cho điều nào?")).to_have_value("3")
    page.get_by_label("Nội dung góp ý").fill(opinion)
    page.get_by_label("Họ và tên (không bắt buộc)").fill("Nguyễn Văn Tám")
    page.get_by_label("Thôn, tổ dân phố (không bắt buộc)").select_option("Thôn Đồng Bông")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page).to_have_url(re.compile(r"/receipts/[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", receipt)
    expect(page.locator("body")).not_to_contain_text("Nguyễn Văn Tám")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()

    # The reviewer logs in, opens the opinions, filters on article 3 and sees the name.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    page.goto(f"{live_url}/staff/consultations/{open_id}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Tên đăng nhập").fill("mttq")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(rf"/staff/consultations/{open_id}$"))
    page.get_by_role("link", name="Tất cả ý kiến, lọc và xử lý").click()
    page.get_by_label("Điều", exact=True).select_option("3")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page).to_have_url(re.compile(r"article=3"))
    found = page.locator("#review-table tbody tr")  # the workbench replaced the older list
    expect(found).to_have_count(1)
    expect(found).to_contain_text(opinion)
    expect(found).to_contain_text("Nguyễn Văn Tám")
    expect(found).to_contain_text("Thôn Đồng Bông")
    expect(found).to_contain_text(receipt)
    desk.close()
