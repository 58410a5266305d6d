"""What the browser tests share: Debian's Chromium (the ``browser`` and ``live_url`` fixtures in
conftest.py drive it with Playwright, the app served on a free port in a background thread),
axe-core and the staff login. No browser is downloaded; a missing Chromium fails the tests
(``apt-get install -y chromium``)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session

from consult.models import Consultation
from consult.runtime import Runtime
from tests.helpers import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}

AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core from npm, pinned in ``tests/a11y/package.json`` (``npm ci --prefix tests/a11y``)."""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = os.environ.get("CONSULT_SCREENSHOTS")
"""``CONSULT_SCREENSHOTS=docs/screenshots`` saves each page a walk visits (a plain run saves
none)."""
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page (injected
    with ``context.add_init_script(path=str(AXE))``)."""
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => ({id: v.id, impact: v.impact,
                          nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
        }""",
        AXE_TAGS,
    )
    return found


def log_in(
    page: Page, live_url: str, username: str, path: str = "/staff/", password: str = PASSWORD
) -> None:
    """Log in through the form, as staff do, and land on ``path``."""
    page.goto(f"{live_url}/login?next={path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


class Desk:
    """One browser context per staff member, axe loaded despite the CSP; every page visited
    is checked."""

    def __init__(self, browser: Browser, live_url: str, workflow: str) -> None:
        self.browser, self.url, self.workflow = browser, live_url, workflow
        self.contexts: dict[str, BrowserContext] = {}
        self.pages: dict[str, Page] = {}
        self.checked: list[str] = []

    def as_(self, username: str) -> Page:
        if username not in self.pages:
            context = self.browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="vi-VN"
            )
            context.add_init_script(path=str(AXE))
            page = context.new_page()
            page.goto(f"{self.url}/login")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page).to_have_url(re.compile(r"/staff/$"))
            self.contexts[username], self.pages[username] = context, page
            self.check(page)
        return self.pages[username]

    def go(self, username: str, path: str) -> Page:
        page = self.as_(username)
        page.goto(f"{self.url}{path}")
        self.check(page)
        return page

    def check(self, page: Page) -> None:
        """No serious or critical axe violation on the page (saved when ``SHOTS`` is set)."""
        page.wait_for_load_state()
        assert axe_violations(page) == [], page.url
        self.checked.append(page.url)
        if SHOTS:
            name = f"walk-{self.workflow}-{len(self.checked):02d}.png"
            page.screenshot(path=str(Path(SHOTS) / name), full_page=True)

    def step(
        self,
        username: str,
        consultation_id: int,
        action: str,
        fill: dict[str, str | bool] | None = None,
    ) -> Page:
        """Open the step's form (generated from the definition), type ``fill`` into the inputs
        it names (by id; lists one item a line; True ticks a box) and send it, the other fields
        as shown."""
        page = self.go(username, f"/staff/consultations/{consultation_id}/actions/{action}")
        blocked = page.locator(".alert-warning")  # "Not possible yet." with the engine's reason
        assert blocked.count() == 0, f"{action}: {blocked.inner_text()}"
        for name, value in (fill or {}).items():
            if isinstance(value, bool):
                page.locator(f"#{name}").set_checked(value)
            else:
                page.locator(f"#{name}").fill(value)
        page.locator("form.form button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/staff/consultations/{consultation_id}$"))
        expect(page.locator(".flash-success")).to_be_visible()
        self.check(page)
        return page

    def draft(self, username: str, workflow: str, title: str, articles: str) -> int:
        """A new draft of ``workflow`` typed in, previewed then saved: its consultation id."""
        page = self.go(username, "/staff/consultations/new")
        page.locator("#workflow").select_option(workflow)
        page.locator("#title").fill(title)
        page.locator("#articles").fill(articles)
        page.get_by_role("button", name="Xem trước cấu trúc").click()
        expect(page.locator("#draft-preview")).to_contain_text(f"{articles.count('Điều ')} điều")
        self.check(page)
        page.get_by_role("button", name="Lưu dự thảo").click()
        expect(page).to_have_url(re.compile(r"/staff/consultations/\d+$"))
        expect(page.locator(".tag-current")).to_have_text(re.compile(r"\S"))
        self.check(page)
        return int(page.url.rsplit("/", 1)[-1])

    def upload_signed_copy(self, username: str, consultation_id: int, symbol: str) -> None:
        """The signed copy of document ``symbol`` uploaded on the consultation's documents."""
        page = self.go(username, f"/staff/documents/consultations/{consultation_id}")
        row = page.locator("tr", has_text=symbol)
        row.locator("summary").click()
        row.locator("input[type=file]").set_input_files(
            {"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        row.get_by_role("button", name="Tải lên").click()
        expect(page.locator(".flash-success")).to_be_visible()
        self.check(page)

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


def stored(runtime: Runtime, consultation_id: int) -> Consultation:
    """The consultation as the database holds it (its state, its workflow)."""
    with Session(runtime.db) as session:
        found = session.get(Consultation, consultation_id)
        assert found is not None
        return found
