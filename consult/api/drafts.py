"""The draft before posting: ``POST /drafts/parse`` (a Word file or text → the structure and
its warnings, nothing stored), ``PATCH`` and ``DELETE /consultations/{id}`` while the draft
was never posted (409 after)."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from consult import permissions, scope
from consult.api.auth import staff_only
from consult.api.base import bp, refusals
from consult.api.draft_schemas import (
    ConsultationPatchIn,
    DraftTextIn,
    ParsedDraftOut,
    article_inputs,
    parsed_out,
)
from consult.api.errors import BadRequest
from consult.api.routes import _consultation_response
from consult.api.schemas import StaffConsultationOut
from consult.errors import Forbidden, Invalid
from consult.i18n import _
from consult.permissions import Can
from consult.services import consultations, draft_text, drafts

PARSE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        "application/json": {"schema": DraftTextIn},
    },
}


@bp.route("/drafts/parse", methods=["POST"], tags=["consultations"])
@staff_only
@bp.doc(requestBody=PARSE_BODY)
@bp.response(200, ParsedDraftOut())
@refusals(400, 403, 422)
def parse_draft() -> dict[str, Any]:
    """The structure of a draft (chapters, articles, clauses, points) and its warnings

    Send a Word file as multipart `file`, or JSON `{"text"}`. Nothing is stored: show the
    structure and warnings, then POST /consultations with the articles.
    """
    if not permissions.organizations_where(scope.current_actor(), Can.START_CONSULTATION):
        raise Forbidden(str(permissions.REFUSALS[Can.START_CONSULTATION]))
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            message = _("Send the Word file (.docx) in the field “file”.")
            raise Invalid(message, fields={"file": message})
        parsed = draft_text.parse_docx(upload.read(), field_name="file")
    else:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest(_('Send a Word file as multipart “file”, or JSON {"text": …}.'))
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            message = _("Required: fill it in.")
            raise Invalid(message, fields={"text": message})
        unknown = sorted(set(body) - {"text"})
        if unknown:
            message = _("Unknown field: remove it.")
            raise Invalid(message, fields={name: message for name in unknown})
        parsed = draft_text.parse_text(text, field_name="text")
    return parsed_out(parsed)


@bp.route("/consultations/<int:id>", methods=["PATCH"], tags=["consultations"])
@staff_only
@bp.arguments(ConsultationPatchIn())
@bp.response(200, StaffConsultationOut)
@refusals(400, 403, 404, 409, 422)
def consultation_patch(data: dict[str, Any], id: int) -> Response:
    """Edit a draft never posted: title, summary, preamble, articles (legal officer)

    `articles` replaces the whole list (added, removed, reordered) as a new version of the
    working draft; 409 once the draft is posted.
    """
    actor, now = scope.current_actor(), scope.now()
    with scope.writing() as session:
        item = consultations.for_staff(session, id, actor, Can.EDIT_DRAFT)
        drafts.update(
            session,
            item,
            actor=actor,
            now=now,
            title=data.get("title"),
            summary=data.get("summary"),
            preamble=data.get("preamble"),
            articles=article_inputs(data["articles"]) if "articles" in data else None,
        )
    return _consultation_response(item)


@bp.route("/consultations/<int:id>", methods=["DELETE"], tags=["consultations"])
@staff_only
@bp.response(204)
@refusals(403, 404, 409)
def consultation_delete(id: int) -> tuple[str, int]:
    """Delete a draft never posted (legal officer; audited); 409 once posted"""
    actor, now = scope.current_actor(), scope.now()
    with scope.writing() as session:
        item = consultations.for_staff(session, id, actor, Can.EDIT_DRAFT)
        drafts.delete(session, item, actor, now)
    return "", 204
