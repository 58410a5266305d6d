"""The Fatherland Front's review workbench (staff) and the published synthesis (citizens).

Staff, under ``/staff/review``: the review table with counts, filters, search, sorting and
bulk dispositions; duplicates and campaigns; one opinion with its scans and the articles it
changed; the drafter's revision and the comparison of versions; the synthesis report (page,
DOCX, generate → approve → publish); exports. Citizens: the published report and the
publication export, without personal data (Law 10/2022 Art. 9(2)).

Views parse, call a service, render; the rules (roles, stages) live in the services.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField, TextAreaField

from consult import permissions, scope
from consult.calendar import dmy
from consult.documents import synthesis as synthesis_docx
from consult.errors import ConsultError, NotFound
from consult.i18n import _, lazy
from consult.models import Comment, Consultation
from consult.models.comment import CHANNELS, DISPOSITIONS
from consult.permissions import Can
from consult.services import (
    campaigns,
    comments,
    consultations,
    exports,
    organizations,
    revisions,
    scans,
    synthesis,
)
from consult.services import review as workbench
from consult.web import common
from consult.web.forms import parse_articles

bp = Blueprint("review", __name__, url_prefix="/staff/review")
public_bp = Blueprint("synthesis_public", __name__)

PER_PAGE = 50
FILTER_ARGS = ("article", "locality", "channel", "disposition", "anonymous", "group", "q", "sort")


class CsrfForm(FlaskForm):
    """Only the CSRF token: for the buttons that post a step."""


class ScanForm(FlaskForm):
    scan = FileField(lazy("Scan or photo (PDF, JPEG or PNG)"))


class ReviseForm(FlaskForm):
    articles = TextAreaField(lazy("Revised text of the draft"), render_kw={"rows": 24})
    note = StringField(lazy("What changed (note)"), render_kw={"maxlength": "500"})


class OpinionForm(FlaskForm):
    disposition = StringField()
    reason = TextAreaField(lazy("Explanation (giải trình)"), render_kw={"rows": 3})
    response = TextAreaField(lazy("Response to the citizen (published)"), render_kw={"rows": 3})
    group = StringField(lazy("Group"), render_kw={"maxlength": "64"})
    articles = StringField(lazy("Articles it changed (numbers, e.g. 3, 5)"))
    next = HiddenField()


bp.before_request(common.require_staff)
_writing = common.start_writing


def _consultation(consultation_id: int, capability: Can = Can.READ_STAFF_FILE) -> Consultation:
    return consultations.for_staff(scope.db(), consultation_id, scope.current_actor(), capability)


def _uploads() -> Path:
    return scope.runtime().settings.instance_dir / "uploads"


def _filter(source: Any) -> comments.CommentFilter:
    def arg(name: str) -> str | None:
        value = (source.get(name) or "").strip()
        return value or None

    anonymous = arg("anonymous")
    return comments.CommentFilter(
        disposition=arg("disposition"),
        article=arg("article"),
        locality=arg("locality"),
        channel=arg("channel"),
        q=arg("q"),
        anonymous=True if anonymous == "yes" else False if anonymous == "no" else None,
        group=arg("group"),
    )


def _back(consultation_id: int, source: Any) -> str:
    query = {k: source.get(k) for k in (*FILTER_ARGS, "page") if source.get(k)}
    base = url_for("review.table", consultation_id=consultation_id)
    return f"{base}?{urlencode(query)}" if query else base


def _flash_error(exc: ConsultError) -> None:
    details = " ".join(str(m) for m in exc.fields.values())
    flash(f"{exc.message} {details}".strip(), "error")


# --- the review table ----------------------------------------------------------------------


@bp.route("/<int:consultation_id>")
def table(consultation_id: int) -> str:
    session, actor, engine = scope.db(), scope.current_actor(), scope.runtime().engine
    item = _consultation(consultation_id)
    stage = engine.definition_of(session, item).stage(item.state)
    flt = _filter(request.args)
    sort = request.args.get("sort") or "received"
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = comments.search(
        session, consultation_id, flt, page=page, per_page=PER_PAGE, sort=sort
    )
    articles = consultations.articles(session, consultation_id)
    report = synthesis.current(session, consultation_id)
    can_review = (
        permissions.allows_on(actor, Can.REVIEW_OPINIONS, item)
        and stage.review
        and (report is None or report.status == "draft")
    )
    return render_template(
        "review/table.html",
        consultation=item,
        stage=stage,
        rows=rows,
        total=total,
        filter=flt,
        sort=sort,
        sorts=list(comments.SORTS),
        anonymous=request.args.get("anonymous", ""),
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        articles=articles,
        article_numbers={a.id: a.number for a in articles},
        localities=organizations.locality_names(session, item.organization_id),
        channels=CHANNELS,
        dispositions=DISPOSITIONS,
        glance=workbench.glance(session, consultation_id),
        changed=workbench.changed_articles(session, [r.id for r in rows if r.id is not None]),
        can_review=can_review,
        can_enter=permissions.allows_on(actor, Can.ENTER_OPINIONS, item),
        can_revise=permissions.allows_on(actor, Can.REVISE_DRAFT, item),
        bulk=CsrfForm(),
        report=report,
    )


@bp.route("/<int:consultation_id>/bulk", methods=["POST"])
def bulk(consultation_id: int) -> Response:
    session = _writing()
    now, actor, engine = scope.now(), scope.current_actor(), scope.runtime().engine
    _consultation(consultation_id)
    form = CsrfForm()
    shown = {k: request.form.get(f"f_{k}", "") for k in (*FILTER_ARGS, "page")}
    back = _back(consultation_id, shown)
    if not form.validate_on_submit():
        flash(_("The form had expired; reload the page and try again."), "error")
        return redirect(back)
    if request.form.get("scope") == "all":
        ids = workbench.matching_ids(session, consultation_id, _filter(shown))
    else:
        ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    try:
        if request.form.get("do") == "group":
            count = campaigns.mark(
                session, engine, consultation_id, ids, request.form.get("group", ""), actor, now
            )
            message = _("%(n)s opinion(s) put in the group.", n=count)
        else:
            group = request.form.get("group", "").strip()
            count = workbench.dispose(
                session,
                engine,
                consultation_id,
                ids,
                actor,
                now,
                disposition=request.form.get("disposition", ""),
                reason=request.form.get("reason", ""),
                response=request.form.get("response", ""),
                group=group or None,
                articles=request.form.get("articles", "").replace(";", ",").split(","),
            )
            message = _("Disposition saved for %(n)s opinion(s).", n=count)
        common.commit()
    except ConsultError as exc:
        common.abandon(exc)
        _flash_error(exc)
    else:
        flash(message, "success")
    return redirect(back)


# --- duplicates and campaigns -------------------------------------------------------------


@bp.route("/<int:consultation_id>/duplicates", methods=["GET", "POST"])
def duplicates(consultation_id: int) -> Any:
    session = _writing() if request.method == "POST" else scope.db()
    now, actor, engine = scope.now(), scope.current_actor(), scope.runtime().engine
    item = _consultation(consultation_id)
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
        key = request.form.get("key", "")
        try:
            count = campaigns.mark(session, engine, consultation_id, ids, key, actor, now)
            common.commit()
        except ConsultError as exc:
            common.abandon(exc)
            _flash_error(exc)
            return redirect(url_for("review.duplicates", consultation_id=consultation_id))
        flash(_("%(n)s opinion(s) put in the group %(key)s.", n=count, key=key), "success")
        return redirect(url_for("review.table", consultation_id=consultation_id, group=key))
    found = campaigns.clusters(session, consultation_id)
    common.commit()  # the fingerprints computed on the way are kept
    return render_template("review/duplicates.html", consultation=item, clusters=found, form=form)


# --- one opinion -----------------------------------------------------------------------------


@bp.route("/opinions/<int:comment_id>", methods=["GET", "POST"])
def opinion(comment_id: int) -> Any:
    session = _writing() if request.method == "POST" else scope.db()
    now, actor, engine = scope.now(), scope.current_actor(), scope.runtime().engine
    row = session.get(Comment, comment_id)
    if row is None:
        abort(404)
    item = _consultation(row.consultation_id)
    changed = workbench.changed_articles(session, [comment_id]).get(comment_id, [])
    form = OpinionForm(
        data={
            "disposition": row.disposition or "",
            "reason": row.reason,
            "response": row.response,
            "group": row.group_key,
            "articles": ", ".join(changed),
        }
    )
    status = 200
    if request.method == "POST" and request.form.get("form") == "disposition":
        if form.validate_on_submit():
            try:
                workbench.dispose(
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
                )
                common.commit()
            except ConsultError as exc:
                common.abandon(exc)
                _flash_error(exc)
                status = exc.status
            else:
                flash(
                    _("Disposition saved for opinion %(receipt)s.", receipt=row.receipt), "success"
                )
                return redirect(url_for("review.opinion", comment_id=comment_id))
        else:
            status = 400
    scan_form = ScanForm()
    if request.method == "POST" and request.form.get("form") == "scan":
        upload = request.files.get("scan")
        if not scan_form.validate_on_submit():
            status = 400
        elif upload is None or not upload.filename:
            scan_form.scan.errors = [_("Choose a file.")]
            status = 422
        else:
            with upload.stream:
                data = upload.read(scans.MAX_BYTES + 1)
            try:
                scans.attach(session, _uploads(), row, data, upload.filename, actor, now)
                common.commit()
            except ConsultError as exc:
                common.abandon(exc)
                scan_form.scan.errors = [str(exc.fields.get("scan", exc.message))]
                status = exc.status
            else:
                flash(_("The scan is attached."), "success")
                return redirect(url_for("review.opinion", comment_id=comment_id))
    articles = consultations.articles(session, row.consultation_id)
    return render_template(
        "review/opinion.html",
        consultation=item,
        comment=row,
        form=form,
        scan_form=scan_form,
        scans=scans.of_comment(session, comment_id),
        article_numbers={a.id: a.number for a in articles},
        dispositions=DISPOSITIONS,
        can_upload=permissions.allows_on(actor, Can.ATTACH_SCANS, item),
    ), status


@bp.route("/scans/<int:scan_id>")
def scan(scan_id: int) -> Response:
    path, media_type = scans.readable(scope.db(), _uploads(), scan_id, scope.current_actor())
    response = send_file(path, mimetype=media_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- draft versions --------------------------------------------------------------------------


def _draft_text(articles: list[consultations.ArticleView]) -> str:
    lines: list[str] = []
    chapter = ""
    for a in articles:
        if a.chapter and a.chapter != chapter:
            chapter = a.chapter
            lines.append(chapter)
        lines.append(f"Điều {a.number}. {a.title}")
        lines.append(a.text)
    return "\n".join(lines)


@bp.route("/<int:consultation_id>/revise", methods=["GET", "POST"])
def revise(consultation_id: int) -> Any:
    session = _writing() if request.method == "POST" else scope.db()
    now, actor = scope.now(), scope.current_actor()
    item = _consultation(consultation_id, Can.REVISE_DRAFT)
    form = ReviseForm()
    status = 200
    if request.method == "GET":
        form.articles.data = _draft_text(consultations.articles(session, consultation_id))
    elif form.validate_on_submit():
        try:
            items = parse_articles(form.articles.data or "")
            draft = revisions.revise(session, item, items, actor, now, note=form.note.data or "")
            number = draft.number
            common.commit()
        except ConsultError as exc:
            common.abandon(exc)
            form.articles.errors = [str(exc.fields.get("articles", exc.message))]
            status = exc.status
        else:
            flash(_("Draft version %(n)s saved.", n=number), "success")
            return redirect(url_for("review.compare", consultation_id=consultation_id, to=number))
    else:
        status = 400
    blocked = None
    try:
        revisions.check_can_revise(session, item, now)
    except ConsultError as exc:
        blocked = exc.message
    return render_template(
        "review/revise.html", consultation=item, form=form, blocked=blocked
    ), status


@bp.route("/<int:consultation_id>/compare")
def compare(consultation_id: int) -> str:
    session = scope.db()
    item = _consultation(consultation_id)
    all_versions = revisions.versions(session, consultation_id)
    if not all_versions:
        raise NotFound(_("The draft has no version yet."))
    new_number = (
        request.args.get("to", all_versions[-1].number, type=int) or all_versions[-1].number
    )
    old_number = request.args.get("from", 1, type=int) or 1
    new = revisions.version(session, consultation_id, new_number)
    old = revisions.version(session, consultation_id, old_number)
    return render_template(
        "review/compare.html",
        consultation=item,
        versions=all_versions,
        old=old,
        new=new,
        diffs=revisions.compare(session, consultation_id, old, new),
    )


# --- the synthesis report --------------------------------------------------------------------


@bp.route("/<int:consultation_id>/report")
def report(consultation_id: int) -> str:
    session, actor = scope.db(), scope.current_actor()
    item = _consultation(consultation_id)
    current = synthesis.current(session, consultation_id)
    stale = (
        current is not None
        and current.status == "draft"
        and (synthesis.digest(synthesis.compute(session, item)) != current.digest)
    )
    org = item.organization_id
    return render_template(
        "review/report.html",
        consultation=item,
        report=current,
        figures=current.figures if current else synthesis.compute(session, item),
        stale=stale,
        document=synthesis.document_of(session, current) if current else None,
        postings=synthesis.postings(session, consultation_id),
        form=CsrfForm(),
        can_generate=actor.has_role(org, *synthesis.GENERATE_ROLES),
        can_approve=actor.has_role(org, *synthesis.APPROVE_ROLES),
        can_publish=actor.has_role(org, *synthesis.PUBLISH_ROLES),
    )


@bp.route("/<int:consultation_id>/report/<step>", methods=["POST"])
def report_step(consultation_id: int, step: str) -> Response:
    session = _writing()
    now, actor, runtime = scope.now(), scope.current_actor(), scope.runtime()
    item = _consultation(consultation_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        if step == "generate":
            synthesis.generate(session, item, actor, now)
            message = _("The synthesis report is generated from the data.")
        elif step == "approve":
            approved = synthesis.approve(
                session, item, actor, now, runtime.calendar.local_date(now)
            )
            document = synthesis.document_of(session, approved)
            message = _("Report approved: %(symbol)s.", symbol=document.symbol if document else "")
        elif step == "publish":
            published = synthesis.publish(session, item, actor, now, runtime.calendar)
            message = _(
                "Report published; posted until %(day)s.",
                day=dmy(published.posting_ends_on),
            )
        else:
            abort(404)
        common.commit()
    except ConsultError as exc:
        common.abandon(exc)
        _flash_error(exc)
    else:
        flash(message, "success")
    return redirect(url_for("review.report", consultation_id=consultation_id))


def _docx_response(item: Consultation, figures: dict[str, Any]) -> Response:
    data = synthesis_docx.docx(scope.db(), item, figures, scope.now())
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"bao-cao-tong-hop-{item.id}.docx",
    )


@bp.route("/<int:consultation_id>/report.docx")
def report_docx(consultation_id: int) -> Response:
    session = scope.db()
    item = _consultation(consultation_id)
    current = synthesis.current(session, consultation_id)
    figures = current.figures if current else synthesis.compute(session, item)
    return _docx_response(item, figures)


# --- exports ---------------------------------------------------------------------------------

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _export(item: Consultation, fmt: str, *, public: bool) -> Response:
    if fmt not in exports.FORMATS:
        abort(404)
    out = io.BytesIO()
    assert item.id is not None
    exports.export(scope.db(), item.id, fmt, out, public=public, title=item.title)
    out.seek(0)
    return send_file(
        out,
        mimetype=MEDIA_TYPES[fmt],
        as_attachment=True,
        download_name=exports.filename(item.id, fmt, public=public, now=scope.now()),
    )


@bp.route("/<int:consultation_id>/export.<fmt>")
def export(consultation_id: int, fmt: str) -> Response:
    item = _consultation(consultation_id)
    return _export(item, fmt, public=request.args.get("public") == "1")


# --- for citizens: the published report ------------------------------------------------------


def _published(consultation_id: int) -> tuple[Consultation, Any]:
    session = scope.db()
    item = session.get(Consultation, consultation_id)
    if item is None or not consultations.is_public(item):
        abort(404)
    return item, synthesis.published(session, consultation_id)


@public_bp.route("/consultations/<int:consultation_id>/synthesis")
def public_report(consultation_id: int) -> str:
    item, current = _published(consultation_id)
    session = scope.db()
    return render_template(
        "review/public_report.html",
        consultation=item,
        report=current,
        figures=current.figures,
        document=synthesis.document_of(session, current),
        postings=synthesis.postings(session, consultation_id),
    )


@public_bp.route("/consultations/<int:consultation_id>/synthesis.docx")
def public_report_docx(consultation_id: int) -> Response:
    item, current = _published(consultation_id)
    return _docx_response(item, current.figures)


@public_bp.route("/consultations/<int:consultation_id>/responses.<fmt>")
def public_export(consultation_id: int, fmt: str) -> Response:
    item, _current = _published(consultation_id)
    return _export(item, fmt, public=True)


def published_synthesis(consultation_id: int) -> dict[str, Any] | None:
    """For the public consultation page: the published report and where it is posted."""
    session = scope.db()
    current = synthesis.current(session, consultation_id)
    if current is None or current.status != "published":
        return None
    return {
        "report": current,
        "document": synthesis.document_of(session, current),
        "places": [p.place for p in synthesis.postings(session, consultation_id)],
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.add_template_global(published_synthesis)
