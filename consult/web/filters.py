"""Jinja filters and template globals: Vietnam dates and deadlines, labels, safe line breaks.

Every instant is stored in UTC and shown in Vietnam time (``Asia/Ho_Chi_Minh``); dates are
written dd/mm/yyyy in both languages, as in official documents.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, g, request, url_for
from flask_babel import get_translations
from markupsafe import Markup, escape
from sqlmodel import Session, col, select

from consult import calendar, permissions, scope, vocabulary
from consult.documents.facts import group_numbers
from consult.i18n import _, current_language
from consult.models import Organization, Window
from consult.permissions import Can
from consult.services import calendar_updates, draft_text


def deadline(value: datetime | None) -> str:
    """The exclusive end of a period as the law speaks of it: ``24:00 ngày 19/02/2024``."""
    if value is None:
        return ""
    return calendar.format_deadline(value, lang=current_language())


def days_left(closes_at: datetime | None) -> int:
    if closes_at is None:
        return 0
    return calendar.days_left(scope.now(), closes_at)


def provisional(window: Window | None) -> str:
    """Beside a window's deadline counted on a year whose holidays are not announced yet:
    that it may move (empty otherwise)."""
    if window is None:
        return ""
    return calendar_updates.window_note(scope.runtime().calendar, window) or ""


def publicity(field: str) -> Markup:
    """The mark beside an opinion's field on a staff form: shown to citizens, or not."""
    if vocabulary.is_public(field):
        return Markup('<span class="tag tag-public" data-public="1">{}</span>').format(_("public"))
    return Markup('<span class="tag tag-internal" data-public="0">{}</span>').format(_("internal"))


def nl2br(value: Any) -> Markup:
    """Escape first, then turn line breaks into ``<br>``: user text never becomes HTML."""
    text = str(escape("" if value is None else value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Markup("<br>\n".join(text.split("\n")))


# The labels live in consult.vocabulary; these names stay for the views that import them here.
channel_label = vocabulary.channel_label
disposition_label = vocabulary.disposition_label
audit_label = vocabulary.audit_label


def organization() -> Organization | None:
    """The organization shown in the header: the staff member's, else the only one."""
    if "header_org" not in g:
        session = scope.db()
        mine = permissions.organizations_where(scope.current_actor(), Can.READ_STAFF_FILE)
        g.header_org = session.get(Organization, mine[0]) if mine else only_organization(session)
    found: Organization | None = g.header_org
    return found


def only_organization(session: Session) -> Organization | None:
    """The public pages' header: the installation's commune, none when there are several."""
    only = list(session.exec(select(Organization).order_by(col(Organization.id)).limit(2)))
    return only[0] if len(only) == 1 else None


def show_organization(public: Organization | None) -> None:
    """The header's organization read already (:func:`only_organization`), for a request
    by someone who is not staff: the header needs no query of its own."""
    if "header_org" not in g and not permissions.organizations_where(
        scope.current_actor(), Can.READ_STAFF_FILE
    ):
        g.header_org = public


def superior_today(org: Organization) -> str:
    """The organization's superior body today: none once it has ceased (a former district)."""
    return org.superior_on(calendar.local_date(scope.now()))


def iso_dmy(value: str) -> str:
    """dd/mm/yyyy of a YYYY-MM-DD string (a year's days as stored)."""
    return calendar.dmy(date.fromisoformat(value))


def switch_language_url(lang: str) -> str:
    target = request.full_path if request.query_string else request.path
    return url_for("public.set_language", lang=lang, next=target)


def _catalog() -> Any:
    """The request's translations, looked up once per request (Flask-Babel's own lookup walks
    the app context, the domain and the locale on every message: ~35 times a page)."""
    found = g.get("_consult_catalog")
    if found is None:
        found = g._consult_catalog = get_translations()
    return found


def init_app(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters.update(
        vn_date=calendar.dmy,
        vn_datetime=calendar.hm_dmy,
        vn_iso=iso_dmy,
        deadline=deadline,
        days_left=days_left,
        nl2br=nl2br,
        provisional=provisional,
        channel=channel_label,
        disposition=disposition_label,
        doc_type=vocabulary.doc_type_label,
        role=permissions.role_label,
        audit_action=audit_label,
        group_numbers=group_numbers,
        clauses=draft_text.clauses_of,
        article_lead=draft_text.lead_of,
    )
    app.jinja_env.globals.update(
        publicity=publicity,
        current_language=current_language,
        header_organization=organization,
        superior_today=superior_today,
        switch_language_url=switch_language_url,
        now=scope.now,
    )
