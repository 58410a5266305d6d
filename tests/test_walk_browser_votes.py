"""The two bundled definitions decided by a household vote, walked through the staff forms only
in Debian's Chromium: the village's hương ước (posted 30 days, adopted by the households, the
Chairman's recognition decision numbered and read back) and a community decision by
household vote (the notice, the answers, the count, the commune's recognition). The register is
imported and the paper answers typed in on the staff ballot page; the page shows the running
tally, the count's result and its documents, read back from the downloads. axe-core checks
every page visited (no serious or critical WCAG 2.1 A/AA violation).

Only the clock moves outside the browser: the test sets the app's clock to the day of each
step, and runs one scheduler pass where the posting period ends, as `consult scheduler` does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from consult import scheduler
from consult.documents import docx_reader
from consult.models import Document, Organization
from consult.runtime import Runtime
from tests.browser import AXE, Desk, stored
from tests.helpers import VILLAGE, VOTE_COUNT, Clock, vn_utc

pytestmark = pytest.mark.browser

ARTICLES = (
    "Điều 1. Giữ gìn vệ sinh môi trường\nMỗi hộ gia đình thu gom rác đúng nơi quy định.\n"
    "Điều 2. Việc cưới, việc tang\nTổ chức gọn nhẹ, tiết kiệm, không phô trương."
)
REGISTER = "\n".join(
    ["Mã hộ,Chủ hộ,Thôn,Địa chỉ"]
    + [f"DB{n:03d},Chủ hộ số {n},{VILLAGE},Xóm {n % 4 + 1}" for n in range(1, 6)]
)
COUNT: dict[str, str | bool] = {
    "team": "\n".join(VOTE_COUNT["team"]),
    "witnesses": "\n".join(VOTE_COUNT["witnesses"]),
    "village_head": VOTE_COUNT["village_head"],
}


def _require_axe() -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/a11y` (make test does).")


def _stage(desk: Desk, username: str, consultation_id: int, title: str) -> None:
    """The consultation's page names its current stage as the definition titles it."""
    page = desk.go(username, f"/staff/consultations/{consultation_id}")
    expect(page.locator(".tag-current")).to_have_text(title)


def _import_register(desk: Desk, consultation_id: int, tmp_path: Path) -> Page:
    """The legal officer uploads the register of 5 households on the vote's page."""
    page = desk.go("tuphap", f"/staff/consultations/{consultation_id}")
    page.locator("#ballot-link").click()
    expect(page).to_have_url(re.compile(rf"/staff/consultations/{consultation_id}/ballot$"))
    desk.check(page)
    register = tmp_path / "ho-gia-dinh.csv"
    register.write_bytes(("\ufeff" + REGISTER).encode("utf-8"))
    page.locator("#register").set_input_files(register)
    page.get_by_role("button", name="Nhập danh sách").click()
    expect(page.locator(".flash-success")).to_contain_text("5")
    expect(page.locator("#households-by-village")).to_contain_text(f"{VILLAGE}: 5")
    desk.check(page)
    return page


def _paper_answers(desk: Desk, consultation_id: int, answers: dict[str, str], day: str) -> Page:
    """The Front's reviewer types in the households' paper answers (option label by code)."""
    page = desk.go("mttq", f"/staff/consultations/{consultation_id}/ballot")
    for code, label in answers.items():
        form = page.locator("#paper-answer")
        form.locator("#household").fill(code)
        form.locator("#option").select_option(label=label)
        form.locator("#channel").select_option("paper")
        form.locator("#answered_on").fill(day)
        form.locator("button[type=submit]").click()
        expect(page.locator(".flash-success")).to_contain_text(code)
        desk.check(page)
    return page


def _tally(page: Page, expected: dict[str, int]) -> None:
    for code, households in expected.items():
        row = page.locator(f".ballot-option[data-option={code}]").last
        expect(row.locator("td").first).to_have_text(str(households))


def _download(page: Page, link: str) -> str:
    """The text of the DOCX behind the link named ``link``."""
    with page.expect_download() as started:
        page.get_by_role("link", name=link).click()
    return docx_reader.text(Path(started.value.path()).read_bytes())


def test_a_huong_uoc_goes_from_draft_to_its_recognition_decision_through_staff_forms(
    browser: Browser,
    live_url: str,
    runtime: Runtime,
    commune: Organization,
    clock: Clock,
    tmp_path: Path,
) -> None:
    _require_axe()
    desk = Desk(browser, live_url, "huong-uoc-thon")
    title = "Hương ước thôn Đồng Bông"

    # The village's drafting team (the legal officer's desk): the draft, the register, posted.
    cid = desk.draft("tuphap", "huong-uoc-thon", title, ARTICLES)
    _stage(desk, "tuphap", cid, "Dự thảo")
    _import_register(desk, cid, tmp_path)
    desk.step("tuphap", cid, "start_posting")
    _stage(desk, "tuphap", cid, "Đang lấy ý kiến cộng đồng")

    # Day 30 is Sun 31/03: the posting runs to the end of Mon 01/04; the scheduler closes it.
    clock.set(vn_utc(2024, 4, 2, 8))
    scheduler.tick(runtime)
    _stage(desk, "tuphap", cid, "Chờ biểu quyết thông qua")

    # The ballot opened for the village; 3 of its 5 households agree on paper, 1 disagrees.
    desk.step("tuphap", cid, "open_ballot", {"village": VILLAGE})
    _stage(desk, "tuphap", cid, "Đang biểu quyết")
    page = _paper_answers(
        desk,
        cid,
        {"DB001": "Đồng ý", "DB002": "Đồng ý", "DB003": "Đồng ý", "DB004": "Không đồng ý"},
        "02/04/2024",
    )
    expect(page.locator(".ballot-result .tag")).to_have_text("Đang biểu quyết: kết quả tạm thời")
    _tally(page, {"agree": 3, "disagree": 1})

    # The count team records the adoption: 3 of 5 households, 60 % > 50 %.
    desk.step("mttq", cid, "record_adoption", COUNT)
    _stage(desk, "mttq", cid, "Đã thông qua, chờ gửi UBND xã")
    page = desk.go("mttq", f"/staff/consultations/{cid}/ballot")
    expect(page.locator("#ket-qua-passed")).to_be_visible()
    _tally(page, {"agree": 3, "disagree": 1})
    minutes = _download(page, "Biên bản kiểm phiếu (DOCX)")
    assert "Đồng ý: 3 hộ (60,00 % tổng số hộ gia đình)" in minutes

    # The file reaches the commune; the Chairman signs the recognition decision.
    desk.step("tuphap", cid, "submit_to_commune")
    _stage(desk, "tuphap", cid, "UBND xã xem xét công nhận")
    desk.step("chutich", cid, "recognize")
    _stage(desk, "chutich", cid, "Đã công nhận, chờ công khai")
    with Session(runtime.db) as session:
        decision = session.exec(
            select(Document).where(Document.consultation_id == cid, Document.type == "QĐ")
        ).one()
    page = desk.go("vanthu", f"/staff/consultations/{cid}")
    expect(page.locator("body")).to_contain_text(decision.symbol)
    page = desk.go("tuphap", f"/staff/consultations/{cid}/ballot")
    recognition = _download(page, "Quyết định công nhận (DOCX)")
    assert f"Số: {decision.symbol}" in recognition
    assert f"Về việc công nhận {title}" in recognition

    # The clerk publishes it, the decision recorded as signed digitally (no scan uploaded): the
    # form says what is missing but stays open, since its own box lifts the block.
    page = desk.go("vanthu", f"/staff/consultations/{cid}/actions/publish")
    expect(page.locator(".alert-notice")).to_contain_text("ký số")
    page.locator("form.form button[type=submit]").click()  # the box left unticked: refused
    expect(page.locator(".flash-error, .alert-error").first).to_contain_text("ký số")
    assert stored(runtime, cid).state == "recognized"
    desk.step("vanthu", cid, "publish", {"signed_digitally": True})
    _stage(desk, "vanthu", cid, "Đang thực hiện")
    assert stored(runtime, cid).state == "in_force"

    # Anyone reads the vote's result on the hương ước's page: counts only.
    citizen = browser.new_context(locale="vi-VN")
    citizen.add_init_script(path=str(AXE))
    public = citizen.new_page()
    public.goto(f"{live_url}/consultations/{cid}/ballot")
    expect(public.locator("#ket-qua-passed")).to_be_visible()
    expect(public.locator("body")).not_to_contain_text("Chủ hộ số")
    desk.check(public)
    citizen.close()
    desk.close()


def test_a_household_vote_goes_from_notice_to_the_communes_recognition_through_staff_forms(
    browser: Browser,
    live_url: str,
    runtime: Runtime,
    commune: Organization,
    clock: Clock,
    tmp_path: Path,
) -> None:
    _require_axe()
    desk = Desk(browser, live_url, "bieu-quyet-ho-gia-dinh")
    title = "Đóng góp làm đường bê tông thôn Đồng Bông"
    matter = "Điều 1. Mức đóng góp\nMỗi hộ gia đình đóng góp 500.000 đồng để làm đường bê tông."

    # The village head and the Front prepare the matter; the register is imported.
    cid = desk.draft("tuphap", "bieu-quyet-ho-gia-dinh", title, matter)
    _stage(desk, "tuphap", cid, "Chuẩn bị")
    _import_register(desk, cid, tmp_path)

    # The notice on Fri 01/03 for a vote from Mon 04/03 (at least 2 days ahead).
    desk.step("tuphap", cid, "give_notice", {"village": VILLAGE, "vote_on": "2024-03-04"})
    _stage(desk, "tuphap", cid, "Đang biểu quyết")

    # On the day the answers come in on paper; one household answers online on its phone.
    clock.set(vn_utc(2024, 3, 4, 8))
    page = _paper_answers(
        desk, cid, {"DB001": "Đồng ý", "DB002": "Đồng ý", "DB003": "Ý kiến khác"}, "04/03/2024"
    )
    _tally(page, {"agree": 2, "disagree": 0, "other": 1})
    household = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    household.add_init_script(path=str(AXE))
    phone = household.new_page()
    phone.goto(f"{live_url}/consultations/{cid}/ballot")
    desk.check(phone)
    phone.locator("#household").fill("DB004")
    phone.locator("#voter_name").fill("Chủ hộ số 4")
    phone.locator("#option").select_option(label="Đồng ý")
    phone.locator("form button[type=submit]").last.click()
    expect(phone.locator("#ballot-receipt")).to_contain_text("DB004")
    desk.check(phone)

    # The count: 3 of the 5 households agree (60 %): the matter is decided.
    clock.set(vn_utc(2024, 3, 5, 17))
    desk.step("mttq", cid, "record_adoption", {**COUNT, "counted_on": "2024-03-05"})
    _stage(desk, "mttq", cid, "Đã quyết định, chờ gửi UBND xã")
    page = desk.go("mttq", f"/staff/consultations/{cid}/ballot")
    expect(page.locator("#ket-qua-passed")).to_be_visible()
    _tally(page, {"agree": 3, "disagree": 0, "other": 1})
    minutes = _download(page, "Biên bản kiểm phiếu (DOCX)")
    assert f"Tổng số hộ gia đình của {VILLAGE}: 5 hộ" in minutes
    assert "Đồng ý: 3 hộ (60,00 % tổng số hộ gia đình)" in minutes
    decided = _download(page, "Văn bản quyết định của cộng đồng (DOCX)")
    assert title in decided

    # The decision reaches the commune within 5 working days; the Chairman recognises it.
    clock.set(vn_utc(2024, 3, 7, 9))
    desk.step("tuphap", cid, "submit_to_commune")
    _stage(desk, "tuphap", cid, "UBND xã xem xét công nhận")
    desk.step("chutich", cid, "recognize", {"note": "Kết quả biểu quyết hợp lệ."})
    _stage(desk, "chutich", cid, "Đã công nhận")
    assert stored(runtime, cid).state == "recognized"

    # The household sees the result, counts only.
    phone.goto(f"{live_url}/consultations/{cid}/ballot")
    expect(phone.locator("#ket-qua-passed")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text("Chủ hộ số")
    desk.check(phone)
    household.close()
    desk.close()
