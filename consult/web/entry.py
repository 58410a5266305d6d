"""Entering opinions received offline (routes of the staff blueprint)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from consult import scope
from consult.errors import ConsultError
from consult.i18n import _
from consult.permissions import Can
from consult.services import consultations, entry, intake, organizations, scans
from consult.web.common import Refused, perform, show_errors
from consult.web.filters import channel_label
from consult.web.forms import OFFLINE_CHANNELS, OTHER_LOCALITY, OfflineOpinionForm
from consult.web.staff import bp


def _form(consultation_id: int, organization_id: int) -> OfflineOpinionForm:
    session = scope.db()
    form = OfflineOpinionForm()
    form.article.choices = [("", _("The draft as a whole"))] + [
        (a.number, _("Article %(number)s. %(title)s", number=a.number, title=a.title))
        for a in consultations.articles(session, consultation_id)
    ]
    form.locality.choices = (
        [("", _("Not stated"))]
        + [(n, n) for n in organizations.locality_names(session, organization_id)]
        + [(OTHER_LOCALITY, _("Other (write below)"))]
    )
    form.channel.choices = [(c, channel_label(c)) for c in OFFLINE_CHANNELS]
    return form


def _scan() -> entry.Scan | None:
    upload = request.files.get("scan")
    if upload is None or not upload.filename:
        return None
    with upload.stream:
        return entry.Scan(upload.read(scans.MAX_BYTES + 1), upload.filename)


@bp.route("/consultations/<int:consultation_id>/opinions/new", methods=["GET", "POST"])
def enter_opinion(consultation_id: int) -> Any:
    runtime, now, actor = scope.runtime(), scope.now(), scope.current_actor()
    item = consultations.for_staff(scope.db(), consultation_id, actor, Can.ENTER_OPINIONS)
    form = _form(consultation_id, item.organization_id)
    status = 200
    if request.method == "GET":
        form.received_on.data = runtime.calendar.local_date(now).isoformat()
        form.represents.data = "1"
        form.channel.data = "paper"
    elif not form.validate_on_submit():
        status = 422
    else:
        try:
            data = intake.CommentInput(
                body=form.body.data or "",
                author_name=form.author_name.data or "",
                locality=form.locality_value(),
                contact=form.contact.data or "",
                article=form.article.data or None,
                channel=form.channel.data or "",
                represents=entry.people_count(form.represents.data or ""),
                received_at=entry.received_at(runtime.calendar, form.received_on.data or "", now),
            )
        except ConsultError as exc:
            show_errors(form, exc, {})
            status = exc.status
        else:
            scan, uploads = _scan(), runtime.settings.uploads_dir
            done = perform(
                lambda s: entry.enter(
                    s, consultation_id, data, actor, now, scan=scan, uploads=uploads
                ),
                form=form,
            )
            if not isinstance(done, Refused):
                flash(
                    _(
                        "Opinion entered with receipt %(receipt)s. You can enter the next one.",
                        receipt=done.receipt,
                    ),
                    "success",
                )
                return redirect(url_for("staff.enter_opinion", consultation_id=consultation_id))
            status = done.status
    return render_template(
        "staff/opinion.html",
        consultation=item,
        form=form,
        other=OTHER_LOCALITY,
        window=intake.comment_window(scope.db(), consultation_id),
    ), status
