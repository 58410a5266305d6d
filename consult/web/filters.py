"""Jinja filters and template globals: Vietnam dates and deadlines, labels, safe line breaks.

Every instant is stored in UTC and shown in Vietnam time (``Asia/Ho_Chi_Minh``); dates are
written dd/mm/yyyy in both languages, as in official documents.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, url_for
from markupsafe import Markup, escape
from sqlmodel import col, select

from consult.i18n import _, current_language
from consult.models import Organization
from consult.web import common
from consult.workflow import calendar


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")


def vn_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy; an instant is first put in Vietnam time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_tz()).date()
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def vn_datetime(value: datetime | None) -> str:
    """``14:30 19/02/2024`` in Vietnam time."""
    if value is None:
        return ""
    local = value.astimezone(_tz())
    return f"{local.hour:02d}:{local.minute:02d} {vn_date(local.date())}"


def deadline(value: datetime | None) -> str:
    """The exclusive end of a period as the law speaks of it: ``24:00 ngày 19/02/2024``."""
    if value is None:
        return ""
    return calendar.format_deadline(value, _tz(), lang=current_language())


def days_left(closes_at: datetime | None) -> int:
    if closes_at is None:
        return 0
    return calendar.days_left(common.now(), closes_at, _tz())


def nl2br(value: Any) -> Markup:
    """Escape first, then turn line breaks into ``<br>``: user text never becomes HTML."""
    text = str(escape("" if value is None else value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Markup("<br>\n".join(text.split("\n")))


def channel_label(code: str | None) -> str:
    labels = {
        "online": _("Online"),
        "paper": _("On paper"),
        "box": _("Suggestion box"),
        "meeting": _("Meeting"),
        "questionnaire": _("Household questionnaire"),
        "front": _("Through the Front's village committee"),
        "email": _("E-mail"),
        "phone": _("Telephone"),
    }
    return labels.get(code or "", code or "")


def disposition_label(code: str | None) -> str:
    labels = {
        "accepted": _("Accepted"),
        "partly_accepted": _("Partly accepted"),
        "not_accepted": _("Not accepted (explained)"),
        "out_of_scope": _("Out of scope"),
        "duplicate": _("Duplicate"),
        "none": _("Not yet reviewed"),
    }
    return labels.get(code or "none", code or "")


def role_label(code: str | None) -> str:
    labels = {
        "drafter": _("Legal officer"),
        "reviewer": _("Fatherland Front committee"),
        "council": _("People's Council"),
        "signer": _("Chairman"),
        "clerk": _("Records office"),
        "admin": _("Administrator"),
        "system": _("Automatic schedule"),
    }
    return labels.get(code or "", code or "")


def audit_label(code: str | None) -> str:
    labels = {
        "start": _("Consultation created"),
        "enter_opinion": _("Offline opinion entered"),
        "review_comment": _("Disposition given"),
    }
    return labels.get(code or "", code or "")


def organization() -> Organization | None:
    """The organization shown in the header: the only one, or the staff member's first."""
    if "header_org" not in g:
        g.header_org = common.db().exec(select(Organization).order_by(col(Organization.id))).first()
    found: Organization | None = g.header_org
    return found


def switch_language_url(lang: str) -> str:
    target = request.full_path if request.query_string else request.path
    return url_for("public.set_language", lang=lang, next=target)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        vn_date=vn_date,
        vn_datetime=vn_datetime,
        deadline=deadline,
        days_left=days_left,
        nl2br=nl2br,
        channel=channel_label,
        disposition=disposition_label,
        role=role_label,
        audit_action=audit_label,
    )
    app.jinja_env.globals.update(
        current_language=current_language,
        header_organization=organization,
        switch_language_url=switch_language_url,
        now=common.now,
    )
