"""A real commune from a fresh database, in Debian's Chromium: `consult init-db`, `consult
setup`, then the administrator creates the four staff accounts, two villages with their
posting places and next year's holidays in the browser, and the drafter starts a consultation
whose posting places default to those entered. axe-core checks every administration page;
their screenshots go to docs/screenshots/."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from consult import create_app
from consult.cli import main
from tests.browser import AXE, axe_violations, log_in
from tests.helpers import NOTICE_2025, SETUP_TAN_LAP, Clock, cli_env

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("CONSULT_SCREENSHOTS", tempfile.gettempdir()))
"""Where the pages' screenshots go: ``CONSULT_SCREENSHOTS=docs/screenshots`` refreshes the docs'
(a plain run keeps the working tree clean)."""
ADMIN_PASSWORD = "quan-tri-tan-lap"
STAFF_PASSWORD = "can-bo-tan-lap"
STAFF = [
    ("tuphap_tl", "Nguyễn Văn Pháp", "drafter"),
    ("mttq_tl", "Trần Thị Mặt", "reviewer"),
    ("chutich_tl", "Lê Văn Chủ", "signer"),
    ("vanthu_tl", "Phạm Thị Thư", "clerk"),
]
PLACES = [
    ("Trụ sở Ủy ban nhân dân xã Tân Lập", ""),
    ("Nhà văn hóa thôn Tân Thành", "Thôn Tân Thành"),
    ("Nhà văn hóa thôn Lập Thắng", "Thôn Lập Thắng"),
]


@pytest.fixture
def app(tmp_path: Path, clock: Clock, workflows_dir: Path) -> Iterator[Flask]:
    """A fresh database prepared by the two commands, nothing else."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    env = cli_env(url, tmp_path / "instance", clock)
    run = CliRunner()
    assert run.invoke(main, ["init-db"], env=env).exit_code == 0
    done = run.invoke(
        main,
        SETUP_TAN_LAP,
        env=env,
        input=ADMIN_PASSWORD + "\n",
    )
    assert done.exit_code == 0, done.output
    app = create_app(
        {
            "database_url": url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "off",
            "clock": clock,
            "TESTING": True,
        }
    )
    yield app
    app.extensions["consult"].db.dispose()


def checked(page: Page, name: str) -> None:
    """No serious or critical axe violation; a screenshot for the docs."""
    assert axe_violations(page) == [], page.url
    page.screenshot(path=str(SHOTS / f"admin-{name}.png"), full_page=True)


def test_a_new_commune_is_set_up_in_the_browser_and_starts_a_consultation(
    browser: Browser, live_url: str
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/a11y` (make test does).")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.add_init_script(path=str(AXE))  # axe despite the CSP (no inline script)
    page = context.new_page()
    log_in(page, live_url, "quantri", password=ADMIN_PASSWORD)
    page.get_by_role("link", name="Quản trị").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quản trị")
    expect(page.locator("body")).to_contain_text("Ủy ban nhân dân xã Tân Lập")
    checked(page, "index")

    # The four staff accounts.
    page.get_by_role("link", name="Tài khoản", exact=True).first.click()
    for username, full_name, role in STAFF:
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Họ và tên").fill(full_name)
        page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
        page.get_by_label(re.compile(rf"\({role}\)$")).check()
        page.get_by_role("button", name="Tạo tài khoản").click()
        expect(page.locator(".flash-success")).to_contain_text(username)
    rows = page.locator("#accounts tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#accounts")).to_contain_text("Nguyễn Văn Pháp")
    checked(page, "users")
    page.get_by_role("link", name="tuphap_tl").click()
    expect(page.get_by_label(re.compile(r"\(drafter\)$"))).to_be_checked()
    checked(page, "user")

    # Two villages and their posting places.
    page.get_by_role("link", name="Thôn, tổ dân phố và địa điểm niêm yết").first.click()
    for village in ("Thôn Tân Thành", "Thôn Lập Thắng"):
        page.get_by_label("Tên thôn, tổ dân phố").fill(village)
        page.get_by_role("button", name="Thêm thôn, tổ dân phố").click()
        expect(page.locator("#village-list")).to_contain_text(village)
    for place, village in PLACES:
        page.get_by_label("Tên địa điểm niêm yết").fill(place)
        if village:
            page.get_by_label("Thôn, tổ dân phố (không bắt buộc)").select_option(village)
        page.get_by_role("button", name="Thêm địa điểm niêm yết").click()
        expect(page.locator("#place-list")).to_contain_text(place)
    checked(page, "places")

    # Next year's holidays (the clock is on 01/03/2024).
    page.get_by_role("link", name="Ngày nghỉ lễ").first.click()
    expect(page.get_by_label("Năm", exact=True)).to_have_value("2025")
    page.get_by_label("Căn cứ (thông báo và số hiệu)").fill("Thông báo 6150/TB-BLĐTBXH")
    page.get_by_label(re.compile("^Ngày nghỉ, mỗi dòng")).fill(NOTICE_2025)
    page.get_by_label(re.compile("^Ngày làm bù")).fill("26/04/2025 Làm bù cho thứ Sáu 02/5")
    page.get_by_role("button", name="Nhập lịch nghỉ lễ").click()
    expect(page.locator(".flash-success")).to_contain_text("2025")
    expect(page.locator("#days-off")).to_contain_text("02/05/2025 — Nghỉ bù")
    checked(page, "holidays")
    page.get_by_role("link", name="Định nghĩa quy trình").first.click()
    checked(page, "workflows")
    page.locator("#definitions a[href$='/qcdc-ubnd-xa']").click()
    expect(page.locator("#workflow-diagram svg")).to_be_visible()
    checked(page, "workflow")
    page.get_by_role("button", name="Đăng xuất").click()

    # The drafter starts a consultation: its posting places are those entered.
    log_in(page, live_url, "tuphap_tl", password=STAFF_PASSWORD)
    page.get_by_role("link", name=re.compile("Đợt lấy ý kiến mới|Tạo đợt")).first.click()
    for place, _village in PLACES:
        expect(page.locator("#default-places")).to_contain_text(place)
    page.locator("#workflow").select_option("qcdc-ubnd-xa")  # the commune's procedure
    page.get_by_label("Tên dự thảo quy chế").fill("Quy chế thực hiện dân chủ xã Tân Lập")
    page.get_by_label("Nội dung dự thảo", exact=True).fill(
        "Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định việc thực hiện dân chủ ở xã.\n"
        "Điều 2. Đối tượng áp dụng\nCông dân cư trú trên địa bàn xã."
    )
    page.get_by_role("button", name="Xem trước cấu trúc").click()  # the structure, then save
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(".flash-success")).to_contain_text("2")
    consultation_url = page.url
    page.goto(consultation_url.rstrip("/") + "/actions/start_posting")
    places = page.get_by_label("Nơi niêm yết", exact=True)
    expect(places).to_have_value("\n".join(p for p, _v in PLACES))
    context.close()
