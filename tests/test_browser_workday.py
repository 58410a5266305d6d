"""The legal officer's and the Front's working day, in Debian's Chromium: a Word draft
uploaded, previewed with its numbering gap, fixed, saved, one article edited and the draft
posted; a citizen comments on clause 2 of article 3 and reads it on the form; a village
meeting entered with twelve opinions in one sheet, one of them wrong."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from consult.models import Comment, Organization
from consult.runtime import Runtime
from tests import browser as shared
from tests.browser import log_in
from tests.draft_docx import CLAUSE_3_2, NUMBERS, draft_docx
from tests.helpers import post_draft, start, take

pytestmark = pytest.mark.browser

PHONE = shared.PHONE
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_word_draft_is_uploaded_fixed_saved_edited_posted_and_commented_by_clause(
    browser: Browser, live_url: str, runtime: Runtime, commune: Organization
) -> None:
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    log_in(page, live_url, "tuphap", "/staff/consultations/new")
    page.locator("#workflow").select_option("qcdc-ubnd-xa")  # the commune's regulation
    page.get_by_label("Tên dự thảo quy chế").fill("Quy chế thực hiện dân chủ xã Đông Sơn")
    page.get_by_label("Tệp Word của dự thảo (.docx)").set_input_files(
        {"name": "du-thao.docx", "mimeType": DOCX, "buffer": draft_docx()}
    )
    page.get_by_role("button", name="Xem trước cấu trúc").click()

    # The preview: eight articles in two chapters, the gap named before anything is saved.
    preview = page.locator("#draft-preview")
    expect(preview).to_contain_text("8 điều")
    expect(preview).to_contain_text("2 chương")
    expect(page.locator('#draft-warnings li[data-code="numbering_gap"]')).to_contain_text(
        "thiếu Điều 5"
    )
    expect(preview).to_contain_text("Chương II. NỘI DUNG THỰC HIỆN DÂN CHỦ")
    box = page.get_by_label("Nội dung dự thảo")
    fixed = box.input_value()
    assert "Điều 6. Những nội dung Nhân dân bàn" in fixed
    for old, new in zip(NUMBERS, [str(n) for n in range(1, 9)], strict=True):
        fixed = fixed.replace(f"Điều {old}.", f"Điều {new}.")
    box.fill(fixed)
    page.get_by_role("button", name="Xem trước cấu trúc").click()
    expect(page.locator('#draft-warnings li[data-code="numbering_gap"]')).to_have_count(0)
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page).to_have_url(re.compile(r"/staff/consultations/\d+$"))
    consultation_id = int(page.url.rsplit("/", 1)[-1])
    expect(page.locator("#dieu-8")).to_be_attached()

    # One article edited: a new version of the working draft.
    page.locator("#dieu-4 summary").click()
    page.get_by_role("link", name="Sửa Điều 4").click()
    page.get_by_label("Nội dung của điều").fill(
        "1. Niêm yết tại trụ sở.\n2. Đăng trên cổng thông tin."
    )
    page.get_by_role("button", name="Lưu điều").click()
    expect(page).to_have_url(re.compile(rf"/staff/consultations/{consultation_id}#dieu-4$"))
    expect(page.locator("#dieu-4")).to_contain_text("Đăng trên cổng thông tin.")
    expect(page.locator("#delete-draft")).to_be_visible()

    # Posted: the Chairman has signed the plan; the legal officer posts the draft.
    take(runtime, consultation_id, "sign_plan", "chutich")
    page.goto(f"{live_url}/staff/consultations/{consultation_id}/actions/start_posting")
    page.get_by_role("button", name="Ban hành kế hoạch và niêm yết dự thảo").click()
    expect(page).to_have_url(re.compile(rf"/staff/consultations/{consultation_id}$"))
    expect(page.locator("#delete-draft")).to_have_count(0)
    expect(page.get_by_role("link", name="Sửa Điều 4")).to_have_count(0)
    desk.close()

    # A citizen on a phone comments on clause 2 of article 3 and reads it on the form.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = phone.new_page()
    page.goto(f"{live_url}/consultations/{consultation_id}")
    page.locator("#dieu-3-khoan-2").get_by_role("link", name=re.compile("Góp ý khoản 2")).click()
    expect(page).to_have_url(re.compile(r"/comment\?article=3&clause=2$"))
    page.wait_for_load_state()  # the form's script (deferred) follows the choices
    expect(page.get_by_label("Bạn góp ý cho điều nào?")).to_have_value("3")
    expect(page.get_by_label("Khoản nào của điều? (không bắt buộc)")).to_have_value("2")
    quoted = page.locator("#commented-text-body")
    expect(quoted).to_contain_text(CLAUSE_3_2)
    expect(quoted).to_contain_text("Dự toán ngân sách hằng năm")
    expect(quoted).not_to_contain_text("Chính sách, pháp luật")
    page.get_by_label("Khoản nào của điều? (không bắt buộc)").select_option("1")
    expect(quoted).to_contain_text("Chính sách, pháp luật")
    page.get_by_label("Khoản nào của điều? (không bắt buộc)").select_option("2")
    expect(quoted).to_contain_text(CLAUSE_3_2)
    page.get_by_label("Nội dung góp ý").fill("Đề nghị công khai thêm trên loa truyền thanh.")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page).to_have_url(re.compile(r"/receipts/[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    expect(page.locator("body")).to_contain_text("khoản 2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()
    with Session(runtime.db) as session:
        [opinion] = session.exec(select(Comment).where(Comment.consultation_id == consultation_id))
        assert opinion.clause == "2"


def test_a_village_meeting_is_entered_in_one_sheet_of_twelve_opinions(
    browser: Browser, live_url: str, runtime: Runtime, commune: Organization
) -> None:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    path = f"/staff/consultations/{consultation_id}"
    log_in(page, live_url, "mttq", path)
    page.get_by_role("link", name="Nhập hội nghị và các ý kiến").click()
    page.get_by_label("Thôn, tổ dân phố", exact=True).select_option("Thôn Đồng Bông")
    expect(page.get_by_label("Ngày họp")).to_have_value("01/03/2024")
    page.get_by_label("Địa điểm").fill("Nhà văn hóa thôn Đồng Bông")
    page.get_by_label("Số người dự họp").fill("54")
    for n in range(1, 13):
        page.get_by_label(f"Dòng {n}: Điều").select_option(str(1 + n % 3))
        page.get_by_label(f"Dòng {n}: Ý kiến").fill(f"Ý kiến số {n} tại cuộc họp thôn.")
    page.get_by_label("Dòng 7: Khoản").fill("9")  # article 2 has no clauses
    send = page.get_by_role("button", name="Lưu cuộc họp và các ý kiến")
    send.click()

    def kept() -> list[Comment]:
        with Session(runtime.db) as session:
            query = select(Comment).where(Comment.consultation_id == consultation_id)
            return list(session.exec(query))

    expect(page.locator("#row-7-error")).to_contain_text("Khoản")
    expect(page.locator("#row-7-error")).to_contain_text("Điều 2 không chia khoản")
    expect(page.locator("tr.row-kept")).to_have_count(11)
    expect(page.get_by_label("Dòng 7: Ý kiến")).to_have_value("Ý kiến số 7 tại cuộc họp thôn.")
    rows = kept()
    assert len(rows) == 11
    assert {(c.channel, c.locality, c.received_at) for c in rows} == {
        ("meeting", "Thôn Đồng Bông", runtime.now())
    }

    send.click()  # the same sheet again: nothing twice
    expect(page.locator("#row-7-error")).to_be_visible()
    assert len(kept()) == 11
    page.get_by_label("Dòng 7: Khoản").fill("")
    send.click()
    expect(page.locator("tr.row-kept")).to_have_count(12)
    assert len(kept()) == 12
    send.click()
    expect(page.locator("tr.row-kept")).to_have_count(12)
    assert len(kept()) == 12
    desk.close()
