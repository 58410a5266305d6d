"""Translation for code that runs both inside and outside a request.

Inside a request, messages follow the user's language (Flask-Babel); in the scheduler and
the command line they stay in the source language. Message ids use ``%(name)s`` placeholders.
"""

from __future__ import annotations

from typing import Any


def _(msgid: str, **variables: Any) -> str:
    from flask import has_request_context

    if has_request_context():
        from flask_babel import gettext

        return gettext(msgid, **variables)
    return msgid % variables if variables else msgid


def lazy(msgid: str) -> Any:
    from flask_babel import lazy_gettext

    return lazy_gettext(msgid)


def current_language() -> str:
    from flask import has_request_context

    if has_request_context():
        from flask_babel import get_locale

        locale = get_locale()
        return locale.language if locale else "vi"
    return "vi"


def ensure_catalogs(translations: Any) -> list[str]:
    """Compile each ``messages.po`` whose ``.mo`` is missing or older (a checkout installed
    without ``make``), so the interface is never English for want of a compiled catalog.
    A folder that cannot be written is left as it is. Returns the languages compiled."""
    from pathlib import Path

    compiled: list[str] = []
    for po in sorted(Path(translations).glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        language = po.parent.parent.name
        with po.open("rb") as source:
            catalog = read_po(source, locale=language)
        try:
            with mo.open("wb") as target:
                write_mo(target, catalog)
        except OSError:
            continue
        compiled.append(language)
    return compiled
