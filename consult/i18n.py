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
