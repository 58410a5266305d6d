"""Staff pages for official documents (``/staff/documents``) and the public download of
published ones and their signed copies.

A consultation's documents page lists the procedure's documents in order: each can be read
as HTML and downloaded as DOCX (numbered, or as an unnumbered draft), numbered by the records
office, and given its signed scan. The register itself is :mod:`consult.web.register`.
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue

from consult import permissions, scope
from consult.documents import docx_reader, kinds, records, render, signed
from consult.documents import facts as facts_module
from consult.errors import NotFound
from consult.i18n import _
from consult.models import Consultation, Document
from consult.permissions import Can
from consult.services import consultations
from consult.web import common
from consult.web.common import Refused, perform
from consult.web.document_forms import (
    NumberKindForm,
    SignedCopyForm,
    parse_day,
    parse_number,
)

bp = Blueprint("documents", __name__, url_prefix="/staff")
bp.before_request(common.require_staff)
public_bp = Blueprint("public_documents", __name__)


def _consultation(consultation_id: int) -> Consultation:
    return consultations.for_staff(scope.db(), consultation_id, scope.current_actor())


def _kind(key: str) -> kinds.Kind:
    kind = kinds.get(key)
    if kind is None:
        raise NotFound(_("Unknown document kind %(kind)s.", kind=key))
    return kind


# --- a consultation's documents --------------------------------------------------------------


@bp.route("/documents/consultations/<int:consultation_id>")
def consultation_documents(consultation_id: int) -> str:
    session, item = scope.db(), _consultation(consultation_id)
    facts = facts_module.gather(session, item)
    copies = signed.current_for(session, [d.id for d in facts.documents.values() if d.id])
    rows = []
    for kind in kinds.KINDS:
        document = facts.document(kind.key)
        rows.append(
            {
                "kind": kind,
                "document": document,
                "signed_copy": copies.get(document.id or 0) if document else None,
            }
        )
    number_form = NumberKindForm(formdata=None, data={"issued_on": scope.today().isoformat()})
    return render_template(
        "documents/consultation.html",
        consultation=item,
        rows=rows,
        clerk=permissions.allows_on(scope.current_actor(), Can.KEEP_REGISTER, item),
        number_form=number_form,
        upload_form=SignedCopyForm(formdata=None),
    )


def _generate(consultation_id: int, key: str) -> render.Generated:
    item, kind = _consultation(consultation_id), _kind(key)
    facts = facts_module.gather(scope.db(), item)
    return render.render_docx(facts, kind, scope.today())


@bp.route("/documents/consultations/<int:consultation_id>/<key>")
def view(consultation_id: int, key: str) -> str:
    generated = _generate(consultation_id, key)
    copy = signed.current(scope.db(), generated.document.id or 0) if generated.document else None
    return render_template(
        "documents/view.html",
        consultation=_consultation(consultation_id),
        generated=generated,
        blocks=docx_reader.blocks(generated.content),
        copy=copy,
    )


@bp.route("/documents/consultations/<int:consultation_id>/<key>/docx")
def download(consultation_id: int, key: str) -> ResponseReturnValue:
    generated = _generate(consultation_id, key)
    return send_file(
        io.BytesIO(generated.content),
        mimetype=render.DOCX_MIME,
        as_attachment=True,
        download_name=generated.filename,
    )


@bp.route("/documents/consultations/<int:consultation_id>/<key>/number", methods=["POST"])
def number(consultation_id: int, key: str) -> ResponseReturnValue:
    item = _consultation(consultation_id)
    form = NumberKindForm()
    back = url_for("documents.consultation_documents", consultation_id=consultation_id)
    actor, now = scope.current_actor(), scope.now()
    done = perform(
        lambda session: (
            records.number_kind(
                session,
                item,
                key,
                actor,
                now,
                issued_on=parse_day(form.issued_on.data),
                number=parse_number(form.number.data),
            ).symbol
        )
    )
    if not isinstance(done, Refused):
        flash(_("Recorded: %(symbols)s.", symbols=done), "success")
    return redirect(back)


# --- signed copies ---------------------------------------------------------------------------


def _document(document_id: int) -> Document:
    document = scope.db().get(Document, document_id)
    if document is None:
        abort(404)
    return document


@bp.route("/documents/<int:document_id>/signed", methods=["POST"])
def upload_signed(document_id: int) -> ResponseReturnValue:
    document = _document(document_id)
    form = SignedCopyForm()
    back = (
        url_for("documents.consultation_documents", consultation_id=document.consultation_id)
        if document.consultation_id
        else url_for("register.register_page", year=document.year)
    )
    upload = form.file.data
    data = upload.read(signed.MAX_BYTES + 1) if upload is not None else b""
    name = getattr(upload, "filename", "") or ""
    actor, now, instance = scope.current_actor(), scope.now(), scope.runtime().settings.instance_dir
    done = perform(
        lambda session: signed.store(
            session,
            document,
            data,
            original_name=name,
            actor=actor,
            now=now,
            instance_dir=instance,
            publish=bool(form.publish.data),
        )
    )
    if not isinstance(done, Refused):
        flash(
            _(
                "Signed copy of %(symbol)s saved; SHA-256 %(sha)s.",
                symbol=document.symbol,
                sha=done.sha256,
            ),
            "success",
        )
    return redirect(back)


def _send_copy(document: Document) -> ResponseReturnValue:
    copy = signed.current(scope.db(), document.id or 0)
    if copy is None:
        abort(404)
    path = signed.path_of(copy, scope.runtime().settings.instance_dir)
    if not path.exists():
        abort(404)
    name = render.fold_symbol(document.symbol) + ".pdf"
    # Scans are small (signed.MAX_BYTES): read them whole rather than hold a file open.
    response = send_file(
        io.BytesIO(path.read_bytes()), mimetype="application/pdf", download_name=name
    )
    response.headers["X-Content-SHA256"] = copy.sha256
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/documents/<int:document_id>/signed.pdf")
def signed_pdf(document_id: int) -> ResponseReturnValue:
    document = _document(document_id)
    permissions.require_on(scope.current_actor(), Can.READ_STAFF_FILE, document)
    return _send_copy(document)


@public_bp.route("/documents/<int:document_id>/signed.pdf")
def public_signed_pdf(document_id: int) -> ResponseReturnValue:
    """The published version of a document, for anyone."""
    document = _document(document_id)
    if not signed.is_public(scope.db(), document):
        abort(404)
    return _send_copy(document)


@public_bp.route("/documents/<int:document_id>/download")
def public_download(document_id: int) -> ResponseReturnValue:
    """A published document for anyone: its signed copy, or until one is uploaded the
    generated DOCX (unsigned)."""
    session = scope.db()
    document = _document(document_id)
    if not signed.is_public(session, document):
        abort(404)
    if signed.current(session, document_id) is not None:
        return _send_copy(document)
    kind = kinds.kind_of(document)
    consultation = (
        session.get(Consultation, document.consultation_id) if document.consultation_id else None
    )
    if kind is None or consultation is None:
        abort(404)
    generated = render.render_docx(facts_module.gather(session, consultation), kind, scope.today())
    return send_file(
        io.BytesIO(generated.content),
        mimetype=render.DOCX_MIME,
        as_attachment=True,
        download_name=generated.filename,
    )


def signed_copies_of(documents: list[Document]) -> list[dict[str, Any]]:
    """For the public consultation page: each published document's signed copy, if any."""
    session = scope.db()
    copies = signed.current_for(session, [d.id for d in documents if d.id])
    return [
        {"document": d, "signed_copy": copies[d.id]}
        for d in documents
        if d.id in copies and signed.is_public(session, d)
    ]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.jinja_env.globals["signed_copies_of"] = signed_copies_of
