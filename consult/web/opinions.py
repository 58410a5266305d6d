"""One opinion in the review workbench: its page with the scans of the paper it came on, its
disposition (tiếp thu, giải trình) and the scans themselves (routes of the review blueprint).

``POST /staff/comments/<id>/review`` is where every single disposition is sent, from the
opinion's page and from a row of the review table.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField, TextAreaField

from consult import permissions, scope
from consult.errors import Forbidden
from consult.i18n import _, lazy
from consult.models import Comment
from consult.models.comment import DISPOSITIONS
from consult.permissions import Can
from consult.services import answers, consultations, scans, users
from consult.services import review as reviewing
from consult.web.auth import safe_next
from consult.web.common import Refused, perform
from consult.web.review import bp, consultation, may


class ScanForm(FlaskForm):
    scan = FileField(lazy("Scan or photo (PDF, JPEG or PNG)"))


class OpinionForm(FlaskForm):
    disposition = StringField()
    reason = TextAreaField(lazy("Explanation (giải trình)"), render_kw={"rows": 3})
    response = TextAreaField(lazy("Response to the citizen (published)"), render_kw={"rows": 3})
    group = StringField(lazy("Group"), render_kw={"maxlength": "64"})
    articles = StringField(lazy("Articles it changed (numbers, e.g. 3, 5)"))
    unchanged_reason = TextAreaField(
        lazy("Why these articles stay unchanged (only if the text is not revised)"),
        render_kw={"rows": 2},
    )
    next = HiddenField()


class ProposalForm(FlaskForm):
    disposition = StringField()
    note = TextAreaField(
        lazy("Suggested response or explanation (for the legal officer)"), render_kw={"rows": 3}
    )
    next = HiddenField()


def _opinion(comment_id: int) -> Comment:
    row = scope.db().get(Comment, comment_id)
    if row is None:
        abort(404)
    return row


def _page(
    row: Comment,
    form: OpinionForm,
    scan_form: ScanForm,
    status: int,
    proposal_form: ProposalForm | None = None,
) -> Any:
    session, actor = scope.db(), scope.current_actor()
    item = consultation(row.consultation_id)
    assert row.id is not None
    articles = consultations.articles(session, row.consultation_id)
    return render_template(
        "review/opinion.html",
        consultation=item,
        comment=row,
        form=form,
        scan_form=scan_form,
        scans=scans.of_comment(session, row.id),
        article_numbers={a.id: a.number for a in articles},
        dispositions=DISPOSITIONS,
        can_upload=permissions.allows_on(actor, Can.ATTACH_SCANS, item),
        can_review=may(item),
        can_propose=may(item, "propose"),
        proposal_form=proposal_form
        or ProposalForm(
            data={"disposition": row.proposed_disposition or "", "note": row.proposal_note}
        ),
        proposer=users.display_name(session, row.proposed_by_id),
    ), status


def _form_for(row: Comment) -> OpinionForm:
    assert row.id is not None
    changed = reviewing.changed_articles(scope.db(), [row.id]).get(row.id, [])
    return OpinionForm(
        data={
            "disposition": row.disposition or "",
            "reason": row.reason,
            "response": row.response,
            "group": row.group_key,
            "articles": ", ".join(changed),
        }
    )


@bp.route("/review/opinions/<int:comment_id>", methods=["GET", "POST"])
def opinion(comment_id: int) -> Any:
    """The opinion's page; a POST attaches a scan of the paper it came on."""
    row = _opinion(comment_id)
    consultation(row.consultation_id)
    scan_form = ScanForm()
    if request.method == "GET":
        return _page(row, _form_for(row), scan_form, 200)
    upload = request.files.get("scan")
    if upload is None or not upload.filename:
        scan_form.scan.errors = [_("Choose a file.")]
        return _page(row, _form_for(row), scan_form, 422)
    with upload.stream:
        data, name = upload.read(scans.MAX_BYTES + 1), upload.filename
    uploads, actor, now = scope.runtime().settings.uploads_dir, scope.current_actor(), scope.now()
    done = perform(
        lambda session: scans.attach(session, uploads, row, data, name, actor, now),
        form=scan_form,
    )
    if isinstance(done, Refused):
        return _page(row, _form_for(row), scan_form, done.status)
    flash(_("The scan is attached."), "success")
    return redirect(url_for("review.opinion", comment_id=comment_id))


@bp.route("/comments/<int:comment_id>/review", methods=["GET", "POST"])
def answer(comment_id: int) -> Any:
    """One opinion's disposition, reason, response, group and the articles it changed."""
    row = _opinion(comment_id)
    item = consultation(row.consultation_id)
    engine = scope.runtime().engine
    refusal = engine.review_refusal(scope.db(), item, scope.current_actor())
    if isinstance(refusal, Forbidden):
        raise refusal
    if request.method == "GET":  # the older review page: the opinion's page replaces it
        return redirect(url_for("review.opinion", comment_id=comment_id))
    form = OpinionForm()
    actor, now = scope.current_actor(), scope.now()
    done = perform(
        lambda session: answers.dispose(
            session,
            engine,
            row.consultation_id,
            [comment_id],
            actor,
            now,
            disposition=form.disposition.data or "",
            reason=form.reason.data or "",
            response=form.response.data or "",
            group=form.group.data or "",
            articles=(form.articles.data or "").replace(";", ",").split(","),
            unchanged_reason=form.unchanged_reason.data or "",
        ),
        form=form,
    )
    if isinstance(done, Refused):
        return _page(row, form, ScanForm(formdata=None), done.status)
    flash(_("Disposition saved for opinion %(receipt)s.", receipt=row.receipt), "success")
    back = url_for("review.table", consultation_id=item.id)
    return redirect(safe_next(form.next.data, back) + f"#y-kien-{comment_id}")


@bp.route("/comments/<int:comment_id>/propose", methods=["POST"])
def propose(comment_id: int) -> Any:
    """Propose a disposition for the role that disposes (the Front's part, Art. 28)."""
    row = _opinion(comment_id)
    item = consultation(row.consultation_id)
    form = ProposalForm()
    engine, actor, now = scope.runtime().engine, scope.current_actor(), scope.now()
    done = perform(
        lambda session: answers.propose(
            session,
            engine,
            row.consultation_id,
            [comment_id],
            actor,
            now,
            disposition=form.disposition.data or "",
            note=form.note.data or "",
        ),
        form=form,
    )
    if isinstance(done, Refused):
        return _page(row, _form_for(row), ScanForm(formdata=None), done.status, form)
    flash(_("Disposition proposed for opinion %(receipt)s.", receipt=row.receipt), "success")
    back = url_for("review.table", consultation_id=item.id)
    return redirect(safe_next(form.next.data, back) + f"#y-kien-{comment_id}")


@bp.route("/review/scans/<int:scan_id>")
def scan(scan_id: int) -> Response:
    uploads = scope.runtime().settings.uploads_dir
    path, media_type = scans.readable(scope.db(), uploads, scan_id, scope.current_actor())
    response = send_file(path, mimetype=media_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
