"""What the browser tests share: Debian's Chromium (the ``browser`` and ``live_url`` fixtures in
conftest.py drive it with Playwright, the app served on a free port in a background thread),
axe-core and the staff login. No browser is downloaded; a missing Chromium fails the tests
(``apt-get install -y chromium``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

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
