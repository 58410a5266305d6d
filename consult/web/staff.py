"""The staff desk (login required): the dashboard and a consultation's file.

The forms for the workflow's steps are in :mod:`consult.web.steps`, the entry of opinions
received offline in :mod:`consult.web.entry`, notices in :mod:`consult.web.notices`, the
review of opinions in the workbench (:mod:`consult.web.review`).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from consult import permissions, scope
from consult.permissions import Can
from consult.services import consultations, drafts, notifications, overview, province
from consult.web import common

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(common.require_staff)


@bp.route("/")
def dashboard() -> str:
    session, actor = scope.db(), scope.current_actor()
    groups, counts = overview.dashboard(session, scope.runtime().engine, actor, scope.now())
    return render_template(
        "staff/dashboard.html",
        notices=notifications.unread(session, actor.user_id) if actor.user_id else [],
        groups=groups,
        counts=counts,
        can_draft=bool(permissions.organizations_where(actor, Can.START_CONSULTATION)),
        can_administer=bool(permissions.organizations_where(actor, Can.ADMINISTER)),
        oversees=province.oversees(session, actor),
        actor=actor,
    )


@bp.route("/consultations/<int:consultation_id>")
def consultation(consultation_id: int) -> str:
    session, actor = scope.db(), scope.current_actor()
    found = overview.consultation_file(
        session, scope.runtime().engine, consultation_id, actor, scope.now()
    )
    page: dict[str, Any] = {f.name: getattr(found, f.name) for f in fields(found)}
    editable = permissions.allows_on(
        actor, Can.EDIT_DRAFT, found.consultation
    ) and not drafts.posted_refusal(session, found.consultation)
    return render_template(
        "staff/consultation.html",
        **page,
        chapters=consultations.chapters(found.articles),
        window_titles=found.window_titles,
        action_titles=found.action_titles,
        article_numbers=found.article_numbers,
        editable=editable,
        delete_form=FlaskForm() if editable else None,
        has_vote=bool(scope.runtime().engine.definition_of(session, found.consultation).ballots),
    )


@bp.route("/consultations/<int:consultation_id>/comments")
def comment_list(consultation_id: int) -> Response:
    """The older list of opinions: the review workbench replaces it."""
    query: dict[str, Any] = dict(request.args)
    return redirect(url_for("review.table", consultation_id=consultation_id, **query))
