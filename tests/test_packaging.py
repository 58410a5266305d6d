"""A complete Vietnamese interface, also when consult is installed without ``make``: the built
package carries its templates, workflows, migrations and compiled catalogs; a checkout whose
catalogs were never compiled compiles them on start; the notification settings page, like
every staff page, shows no English message in Vietnamese."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
import sys
import zipfile
from html import unescape
from pathlib import Path

from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from consult.config import ROOT
from consult.i18n import ensure_catalogs
from consult.models import Organization
from tests.helpers import login


def test_the_built_package_carries_the_compiled_catalogs_and_its_data(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = tmp_path.glob("consult-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for needed in (
            "consult/_data/translations/vi/LC_MESSAGES/messages.mo",
            "consult/_data/templates/base.html",
            "consult/_data/templates/staff/notification_settings.html",
            "consult/_data/static/app.js",
            "consult/_data/workflows/qcdc-ubnd-xa.yaml",
            "consult/_data/config/consult.toml",
            "consult/_data/migrations/env.py",
        ):
            assert needed in names, needed
        assert not any("/.venv/" in n or "node_modules" in n for n in names)
        catalog = gettext.GNUTranslations(
            io.BytesIO(archive.read("consult/_data/translations/vi/LC_MESSAGES/messages.mo"))
        )
    assert catalog.gettext("Notification settings") != "Notification settings"
    assert catalog.gettext("Send my opinion") == "Gửi góp ý"


def test_catalogs_never_compiled_are_compiled_when_the_app_starts(tmp_path: Path) -> None:
    copy = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", copy, ignore=shutil.ignore_patterns("*.mo"))
    assert sorted(ensure_catalogs(copy)) == ["en", "vi"]
    with (copy / "vi/LC_MESSAGES/messages.mo").open("rb") as fh:
        assert gettext.GNUTranslations(fh).gettext("Send my opinion") == "Gửi góp ý"
    assert ensure_catalogs(copy) == []  # up to date: nothing to do


def _english_messages() -> set[str]:
    """The interface's English messages that Vietnamese writes differently (two words at
    least, placeholders left out), as they would show if a page were not translated."""
    with (ROOT / "translations/vi/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    found = set()
    for message in catalog:
        if not isinstance(message.id, str) or not message.id or "%(" in message.id:
            continue
        if len(message.id.split()) >= 2 and message.string and message.string != message.id:
            found.add(message.id)
    return found


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_notification_settings_page_is_in_vietnamese(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "mttq")
    for path in ("/staff/notifications", "/staff/"):
        page = client.get(path)
        assert page.status_code == 200
        text = _visible_text(page.get_data(as_text=True))
        english = sorted(m for m in _english_messages() if m in text)
        assert english == [], (path, english)
    settings = _visible_text(client.get("/staff/notifications").get_data(as_text=True))
    assert "Cài đặt thông báo" in settings or "thông báo" in settings.lower()
