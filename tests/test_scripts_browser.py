"""The two scripts of ``static/`` as people see them in Debian's Chromium: ``register.js`` warns
the legal officer and the clerk while they type a number the register has already given, and
``app.js`` on the citizens' form shows the "other place" input only when it is wanted and
offers the clauses of the article chosen, with its text.

Both are progressive enhancement (every form works without them); these tests are what would
notice that a script stopped working.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, col, select

from consult.models import Article, Comment, Document, Organization
from consult.runtime import Runtime
from consult.workflow.engine import ArticleInput
from tests.browser import PHONE, log_in
from tests.helpers import post_draft, start

pytestmark = pytest.mark.browser

PLAN_NUMBER = "Số kế hoạch (nếu Chủ tịch đã ký trên giấy)"


def test_the_action_form_warns_on_a_taken_plan_number_as_it_is_typed_and_not_on_a_free_one(
    browser: Browser, live_url: str, runtime: Runtime, commune: Organization
) -> None:
    first = start(runtime, commune, title="Quy chế dân chủ xã Đông Sơn")
    post_draft(runtime, first)  # the Chairman signs its plan: the register gives it a number
    with Session(runtime.db) as session:
        plan = session.exec(
            select(Document).where(Document.consultation_id == first, Document.type == "KH")
        ).one()
    assert plan.issued_on.isoformat() == "2024-03-01"
    second = start(runtime, commune, title="Quy chế công khai tài chính xã Đông Sơn")

    page = browser.new_page(locale="vi-VN")
    log_in(page, live_url, "tuphap", f"/staff/consultations/{second}/actions/start_posting")
    page.wait_for_load_state()  # register.js is deferred
    number = page.get_by_label(PLAN_NUMBER)
    warning = page.locator(".register-warning")  # the line register.js adds under the input
    expect(warning).to_be_hidden()

    number.fill(str(plan.number))
    expect(warning).to_be_visible()
    expect(warning).to_have_text(re.compile(rf"đã cấp cho văn bản {re.escape(plan.symbol)}"))
    expect(number).to_have_attribute("aria-invalid", "true")

    number.fill(str(plan.number + 1))  # the next number is free
    expect(warning).to_be_hidden()
    expect(number).not_to_have_attribute("aria-invalid", "true")

    # A free number dated before the taken lower one: the register would be out of order.
    page.get_by_label("Ngày ký kế hoạch").fill("2024-02-29")
    number.fill("")
    number.fill(str(plan.number + 1))
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"{plan.symbol}")
    expect(warning).to_contain_text("01/03/2024")
    page.close()


def test_the_register_page_warns_the_clerk_on_a_number_already_given(
    browser: Browser, live_url: str, runtime: Runtime, commune: Organization
) -> None:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    with Session(runtime.db) as session:
        plan = session.exec(select(Document).where(col(Document.type) == "KH")).one()

    page = browser.new_page(locale="vi-VN")
    log_in(page, live_url, "vanthu", "/staff/register?year=2024")
    page.wait_for_load_state()
    warning = page.locator("#number-warning")
    page.locator("#type").select_option("KH")
    page.locator("#issued_on").fill("2024-03-01")
    page.locator("#number").fill(str(plan.number))
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(plan.symbol)
    page.locator("#number").fill(str(plan.number + 1))
    expect(warning).to_be_hidden()
    page.close()


ARTICLES = [
    ArticleInput("1", "Phạm vi điều chỉnh", "Quy chế này quy định việc thực hiện dân chủ."),
    ArticleInput(
        "3",
        "Những nội dung công khai",
        "1. Dự toán, quyết toán ngân sách xã.\n2. Các khoản đóng góp của Nhân dân.",
    ),
]


def test_the_comment_form_offers_the_clauses_of_the_article_and_an_other_place_on_demand(
    browser: Browser, live_url: str, runtime: Runtime, commune: Organization
) -> None:
    consultation_id = start(runtime, commune, "qcdc-ubnd-xa", "Quy chế dân chủ", ARTICLES)
    post_draft(runtime, consultation_id)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = phone.new_page()
    page.goto(f"{live_url}/consultations/{consultation_id}/comment")
    page.wait_for_load_state()  # app.js is deferred

    article = page.get_by_label("Bạn góp ý cho điều nào?")
    clause = page.get_by_label("Khoản nào của điều? (không bắt buộc)")
    quoted = page.locator("#commented-text-body")
    expect(clause).to_be_hidden()  # no article chosen: no clauses to offer

    article.select_option("1")  # an article without clauses: its text, still no clause
    expect(quoted).to_have_text("Quy chế này quy định việc thực hiện dân chủ.")
    expect(clause).to_be_hidden()

    article.select_option("3")
    expect(clause).to_be_visible()
    expect(clause.locator("option")).to_have_text(["Cả điều", "Khoản 1", "Khoản 2"])
    expect(quoted).to_contain_text("Dự toán, quyết toán ngân sách xã.")  # the whole article
    clause.select_option("2")
    expect(quoted).to_have_text("2. Các khoản đóng góp của Nhân dân.")

    village = page.get_by_label("Thôn, tổ dân phố (không bắt buộc)")
    other = page.get_by_label("Nơi khác", exact=True)
    expect(other).to_be_hidden()
    village.select_option(label="Nơi khác (ghi ở dưới)")
    expect(other).to_be_visible()
    other.fill("Xóm Bến Đò")
    village.select_option(label="Thôn Đồng Bông")
    expect(other).to_be_hidden()
    village.select_option(label="Nơi khác (ghi ở dưới)")
    expect(other).to_have_value("Xóm Bến Đò")  # what was typed is kept

    page.get_by_label("Nội dung góp ý").fill("Đề nghị công khai các khoản đóng góp trên loa.")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page).to_have_url(re.compile(r"/receipts/[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    phone.close()
    with Session(runtime.db) as session:
        [opinion] = session.exec(select(Comment).where(Comment.consultation_id == consultation_id))
        article_3 = session.get(Article, opinion.article_id)
        assert article_3 is not None and article_3.number == "3"
    assert (opinion.clause, opinion.locality) == ("2", "Xóm Bến Đò")
