"""The citizens' portal on a phone (390×844) in Debian's Chromium, with axe-core on every page.

axe-core comes from npm, pinned in ``tests/a11y/package.json`` and installed by ``make test``
(``npm ci --prefix tests/a11y``); it is injected into each page with Playwright. A missing
Chromium or axe-core fails these tests.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, select

from consult.models import Comment
from consult.runtime import Runtime
from tests import browser as shared
from tests.browser import AXE, axe_violations
from tests.helpers import SEED_CLOSED_TITLE, Clock

pytestmark = pytest.mark.browser

PHONE = shared.PHONE

PAGE_BUDGET = 200_000
"""Bytes a public page may load in all (HTML, CSS, script); there are no images."""


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/a11y` (make test does).")
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN", accept_downloads=True
    )
    # An init script runs in every page despite the site's Content-Security-Policy, which
    # refuses inline scripts (add_script_tag would be one).
    context.add_init_script(path=str(AXE))
    yield context
    context.close()


def check_page(page: Page) -> None:
    """Accessible, no wider than the phone, in the page's declared language."""
    assert axe_violations(page) == [], page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def stored(runtime: Runtime, receipt: str) -> Comment:
    with Session(runtime.db) as session:
        return session.exec(select(Comment).where(Comment.receipt == receipt)).one()


def test_citizen_comments_on_article_3_with_a_name_after_a_preview(
    phone: BrowserContext,
    live_url: str,
    runtime: Runtime,
    seeded: dict[str, int],
) -> None:
    opinion = "Đề nghị ghi rõ thời gian niêm yết tại nhà văn hóa thôn.\nXin cảm ơn."
    page = phone.new_page()
    page.goto(live_url)
    check_page(page)
    # The demo has two open: the commune's regulation and a village's hương ước.
    card = page.locator(".card-open").filter(has_text="Quy chế thực hiện dân chủ")
    expect(card).to_contain_text("24:00 ngày 06/05/2024")
    card.locator("h3 a").click()
    expect(page).to_have_url(f"{live_url}/consultations/{seeded['open']}")
    check_page(page)
    page.locator("#dieu-3").get_by_role("link", name=re.compile("Góp ý điều này")).click()
    expect(page.get_by_label("Bạn góp ý cho điều nào?")).to_have_value("3")
    check_page(page)
    page.get_by_label("Nội dung góp ý").fill(opinion)
    page.get_by_label("Họ và tên (không bắt buộc)").fill("Nguyễn Thị Lan")
    page.get_by_label("Thôn, tổ dân phố (không bắt buộc)").select_option("Thôn Cây Vải")
    page.get_by_role("button", name="Xem trước khi gửi").click()

    # The preview: what will be sent, nothing stored yet.
    expect(page.locator("#preview-body")).to_contain_text("Xin cảm ơn.")
    expect(page.locator(".preview")).to_contain_text("Nguyễn Thị Lan")
    expect(page.locator(".preview")).to_contain_text("Điều 3")
    check_page(page)
    with Session(runtime.db) as session:
        assert len(session.exec(select(Comment)).all()) == 4  # the demo's four
    page.get_by_role("button", name="Gửi góp ý").click()

    expect(page).to_have_url(re.compile(r"/receipts/[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    receipt = page.locator("#receipt-code").inner_text().strip()
    size = page.locator("#receipt-code").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 32  # shown large
    expect(page.locator("svg.qr-code")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Nguyễn Thị Lan")
    check_page(page)
    row = stored(runtime, receipt)
    assert row.author_name == "Nguyễn Thị Lan" and row.locality == "Thôn Cây Vải"
    assert row.body.replace("\r\n", "\n") == opinion


def test_citizen_comments_anonymously_and_looks_up_the_receipt_later(
    phone: BrowserContext,
    live_url: str,
    runtime: Runtime,
    seeded: dict[str, int],
) -> None:
    page = phone.new_page()
    page.goto(f"{live_url}/consultations/{seeded['open']}")
    page.get_by_role("link", name="Góp ý toàn bộ dự thảo").click()
    expect(page.locator(".notice")).to_contain_text("ẩn danh")
    page.get_by_label("Nội dung góp ý").fill("Tôi đồng ý với toàn bộ dự thảo.")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page).to_have_url(re.compile(r"/receipts/[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    receipt = page.locator("#receipt-code").inner_text().strip()
    row = stored(runtime, receipt)
    assert row.is_anonymous and row.article_id is None

    # Later, from the menu: the code typed as people type it.
    page.goto(live_url)
    page.get_by_role("link", name="Tra cứu mã biên nhận").click()
    check_page(page)
    page.get_by_label("Mã biên nhận").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_contain_text("ZZZZ-ZZZZ")
    check_page(page)
    page.get_by_label("Mã biên nhận").fill(receipt.replace("-", "").lower())
    page.get_by_role("button", name="Tra cứu").click()
    expect(page).to_have_url(f"{live_url}/receipts/{receipt}")
    expect(page.locator("dl.facts")).to_contain_text("Đã tiếp nhận")
    expect(page.locator("dl.facts")).to_contain_text("Toàn bộ dự thảo")
    check_page(page)


def test_citizen_switches_to_english_and_back(
    phone: BrowserContext,
    live_url: str,
    seeded: dict[str, int],
) -> None:
    page = phone.new_page()
    page.goto(f"{live_url}/consultations/{seeded['open']}")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_url}/consultations/{seeded['open']}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".window-open")).to_contain_text("24:00 on 06/05/2024")
    expect(page.get_by_role("link", name="Comment on this article").first).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".window-open")).to_contain_text("24:00 ngày 06/05/2024")


def test_citizen_reads_a_closed_consultations_explanation_and_downloads_the_decision(
    phone: BrowserContext,
    live_url: str,
    seeded: dict[str, int],
    tmp_path: Path,
) -> None:
    page = phone.new_page()
    page.goto(live_url)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Lưu trữ"
    ).click()
    check_page(page)
    expect(page.locator("main")).to_contain_text("156/QĐ-UBND")
    page.get_by_role("link", name=SEED_CLOSED_TITLE, exact=True).click()
    expect(page).to_have_url(f"{live_url}/consultations/{seeded['closed']}")
    expect(page.locator("#synthesis-heading + p")).to_contain_text(
        "HĐND, UBMTTQ xã tổng hợp ý kiến Nhân dân"
    )
    decision = page.locator(".decision")
    expect(decision).to_contain_text("268/QĐ-UBND")
    expect(decision).to_contain_text("25/03/2024")
    expect(page.get_by_role("link", name=re.compile("Góp ý điều này"))).to_have_count(0)
    check_page(page)
    with page.expect_download() as download_info:
        decision.get_by_role("link", name=re.compile("Tải quyết định")).click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".docx"
    with zipfile.ZipFile(saved) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "268/QĐ-UBND" in body


def test_a_late_opinion_gets_the_closed_page_with_the_text_kept(
    phone: BrowserContext,
    live_url: str,
    runtime: Runtime,
    clock: Clock,
    seeded: dict[str, int],
) -> None:
    page = phone.new_page()
    page.goto(f"{live_url}/consultations/{seeded['open']}/comment")
    text = "Góp ý viết xong lúc nửa đêm."
    page.get_by_label("Nội dung góp ý").fill(text)
    clock.set(datetime(2024, 5, 6, 17, 0, tzinfo=UTC))  # 00:00 on 07/05/2024 in Vietnam
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page.get_by_role("alert")).to_contain_text("24:00 ngày 06/05/2024")
    expect(page.locator("#kept-text")).to_have_value(text)
    check_page(page)
    with Session(runtime.db) as session:
        assert session.exec(select(Comment).where(Comment.body == text)).first() is None


def test_every_public_page_is_accessible_light_and_self_contained(
    browser: Browser,
    live_url: str,
    seeded: dict[str, int],
) -> None:
    def fresh(language: str) -> tuple[BrowserContext, Page]:
        """A first visit: empty cache, the language chosen by its cookie."""
        context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
        context.add_cookies([{"name": "lang", "value": language, "url": live_url}])
        context.add_init_script(path=str(AXE))  # axe despite the CSP (no inline script)
        return context, context.new_page()

    def weigh(page: Page, path: str) -> None:
        # What the browser loaded for this page: the document and every resource, by URL
        # and decoded size (Resource Timing; same-origin entries carry their sizes).
        loaded: list[tuple[str, int]] = page.evaluate(
            """() => performance.getEntriesByType("navigation")
                 .concat(performance.getEntriesByType("resource"))
                 .map(e => [e.name, e.decodedBodySize])"""
        )
        assert all(url.startswith(live_url) for url, _n in loaded), loaded
        assert any(url.endswith("/static/style.css") and n > 0 for url, n in loaded), loaded
        assert sum(n for _url, n in loaded) < PAGE_BUDGET, (path, loaded)

    open_id, closed_id, agency_id = seeded["open"], seeded["closed"], seeded["agency"]
    for language in ("vi", "en"):
        for path in (
            "/",
            "/archive",
            "/receipts",
            "/receipts?code=ZZZZ-ZZZZ",
            f"/consultations/{open_id}",
            f"/consultations/{closed_id}",
            f"/consultations/{agency_id}",
            f"/consultations/{open_id}/comment",
            f"/consultations/{open_id}/comment?article=3",
            f"/consultations/{closed_id}/comment",  # the closed page
        ):
            context, page = fresh(language)
            page.goto(f"{live_url}{path}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            weigh(page, path)
            check_page(page)
            context.close()

        # The steps a form leads to: errors, preview, receipt.
        context, page = fresh(language)
        page.goto(f"{live_url}/consultations/{open_id}/comment")
        page.get_by_role("button", name=re.compile("Preview|Xem trước")).click()
        expect(page.locator("#body-error")).to_be_visible()
        check_page(page)
        page.locator("#body").fill(f"Ý kiến kiểm tra trợ năng ({language}).")
        page.locator("#contact").fill("lan@example.vn")
        page.locator("#notify").check()
        page.get_by_role("button", name=re.compile("Preview|Xem trước")).click()
        expect(page.locator("#preview-body")).to_be_visible()
        check_page(page)
        page.get_by_role("button", name=re.compile("Send my opinion|Gửi góp ý")).click()
        expect(page.locator("#receipt-code")).to_be_visible()
        check_page(page)
        receipt = page.url
        context.close()
        context, page = fresh(language)
        page.goto(receipt)  # the receipt page opened later, from its QR code
        expect(page.locator("svg.qr-code")).to_be_visible()
        weigh(page, receipt)
        context.close()
