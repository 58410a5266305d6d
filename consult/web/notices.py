"""A staff member's notices: marking them read, and choosing which ones arrive by e-mail or
on the dashboard (routes of the staff blueprint)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from consult import scope
from consult.i18n import _
from consult.services import notifications
from consult.web.auth import safe_next
from consult.web.common import Refused, perform
from consult.web.staff import bp


@bp.route("/notices/read", methods=["POST"])
def mark_notices_read() -> Any:
    """Mark some of the user's own notices read (the form sends their ids)."""
    actor = scope.current_actor()
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    if actor.user_id is not None:
        user_id = actor.user_id
        perform(lambda session: notifications.mark_read(session, user_id, ids, scope.now()))
    return redirect(safe_next(request.form.get("next"), url_for("staff.dashboard")))


@bp.route("/notifications", methods=["GET", "POST"])
def notification_settings() -> Any:
    """Each user chooses which notices they receive, by e-mail and on the dashboard."""
    actor = scope.current_actor()
    assert actor.user_id is not None
    user_id = actor.user_id
    if request.method == "POST":
        chosen = {
            kind: (
                request.form.get(f"{kind}-email") == "on",
                request.form.get(f"{kind}-in_app") == "on",
            )
            for kind in notifications.KINDS
        }

        def save(session: Any) -> None:
            for kind, (email, in_app) in chosen.items():
                notifications.set_preference(session, user_id, kind, email=email, in_app=in_app)

        if not isinstance(perform(save), Refused):
            flash(_("Your notification choices are saved."), "success")
        return redirect(url_for("staff.notification_settings"))
    return render_template(
        "staff/notification_settings.html",
        preferences=notifications.preferences(scope.db(), user_id),
        titles=notifications.KIND_TITLES,
    )
