"""The synthesis report in the review workbench (generated from the data, approved, published:
the steps of the definition's ``synthesis_report`` track, taken through the engine), the
exports of opinions, and, for citizens, the published report and its export without personal
data (Law 10/2022 Art. 9(2))."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import IO, Any

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
from werkzeug.wrappers import Response

from consult import scope
from consult.calendar import dmy
from consult.documents import synthesis as synthesis_docx
from consult.documents.render import DOCX_MIME
from consult.i18n import _
from consult.models import Consultation
from consult.services import consultations, exports, synthesis
from consult.web.common import Refused, perform
from consult.web.review import CsrfForm, bp, consultation
from consult.workflow.engine import ActionOption

public_bp = Blueprint("synthesis_public", __name__)

STEPS = {
    "generate": "generate_synthesis",
    "approve": "approve_synthesis",
    "publish": "publish_synthesis",
}
"""The report page's buttons and the track steps they take."""
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _steps(item: Consultation) -> dict[str, ActionOption]:
    """The report's steps the member may take now (each allowed or blocked, with why)."""
    options = scope.runtime().engine.options(scope.db(), item, scope.current_actor(), scope.now())
    by_action = {option.action.name: option for option in options}
    return {step: by_action[name] for step, name in STEPS.items() if name in by_action}


@bp.route("/review/<int:consultation_id>/report")
def report(consultation_id: int) -> str:
    session = scope.db()
    item = consultation(consultation_id)
    current = synthesis.current(session, consultation_id)
    return render_template(
        "review/report.html",
        consultation=item,
        report=current,
        figures=current.figures if current else synthesis.compute(session, item),
        stale=synthesis.is_stale(session, item, current),
        document=synthesis.document_of(session, current) if current else None,
        postings=synthesis.postings(session, consultation_id),
        form=CsrfForm(),
        steps=_steps(item),
    )


@bp.route("/review/<int:consultation_id>/report/<step>", methods=["POST"])
def report_step(consultation_id: int, step: str) -> Response:
    if step not in STEPS:
        abort(404)
    consultation(consultation_id)
    engine, actor, now = scope.runtime().engine, scope.current_actor(), scope.now()
    done = perform(lambda s: engine.take(s, consultation_id, STEPS[step], actor, {}, now))
    if not isinstance(done, Refused):
        current = synthesis.current(scope.db(), consultation_id)
        messages = {
            "generate": _("The synthesis report is generated from the data."),
            "approve": _(
                "Report approved: %(symbol)s.",
                symbol=", ".join(d.symbol for d in done.documents),
            ),
            "publish": _(
                "Report published; posted until %(day)s.",
                day=dmy(current.posting_ends_on if current else None),
            ),
        }
        flash(messages[step], "success")
    return redirect(url_for("review.report", consultation_id=consultation_id))


def _docx_response(item: Consultation, figures: dict[str, Any]) -> Response:
    data = synthesis_docx.docx(scope.db(), item, figures, scope.now())
    return send_file(
        io.BytesIO(data),
        mimetype=DOCX_MIME,
        as_attachment=True,
        download_name=f"bao-cao-tong-hop-{item.id}.docx",
    )


@bp.route("/review/<int:consultation_id>/report.docx")
def report_docx(consultation_id: int) -> Response:
    session = scope.db()
    item = consultation(consultation_id)
    current = synthesis.current(session, consultation_id)
    figures = current.figures if current else synthesis.compute(session, item)
    return _docx_response(item, figures)


def _export(item: Consultation, fmt: str, *, public: bool) -> Response:
    """The export as a download that never sits in memory: CSV and JSON streamed as they are
    read, XLSX written to a temporary file first (a ZIP is finished at its end), then sent."""
    if fmt not in exports.FORMATS:
        abort(404)
    assert item.id is not None
    name = exports.filename(item.id, fmt, public=public, now=scope.now())
    if fmt == "xlsx":
        out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by _sent, once sent)
        exports.write_xlsx(scope.db(), item.id, out, public=public, title=item.title)
        body: Iterator[bytes] = _sent(out)
    else:
        chunks, cid = exports.csv_chunks if fmt == "csv" else exports.json_chunks, item.id
        body = scope.streamed(lambda session: chunks(session, cid, public=public))
    return Response(
        body,
        mimetype=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


def _sent(out: IO[bytes]) -> Iterator[bytes]:
    """A file's content in pieces, from its start; the file is closed at the end."""
    with out:
        out.seek(0)
        while piece := out.read(1 << 16):
            yield piece


@bp.route("/review/<int:consultation_id>/export.<fmt>")
def export(consultation_id: int, fmt: str) -> Response:
    return _export(consultation(consultation_id), fmt, public=request.args.get("public") == "1")


# --- for citizens: the published report ------------------------------------------------------


def _published(consultation_id: int) -> tuple[Consultation, synthesis.Report]:
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
    """The review blueprint (its routes in this module and its neighbours) and the public one."""
    from consult.web import drafts, opinions  # noqa: F401  (their routes are on the blueprint)

    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.add_template_global(published_synthesis)
