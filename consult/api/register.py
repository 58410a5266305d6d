"""The outgoing-document register and signed copies in the API: list a year's numbers,
enter a document (the next number or one signed on paper), check a number before using it,
and read one document with its signed copy's SHA-256.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from marshmallow import Schema, fields

from consult import permissions, scope
from consult.api.auth import staff_only
from consult.api.base import bp, refusals
from consult.api.schemas import In, calendar_year, whole_number
from consult.documents import kinds, records, signed
from consult.errors import Forbidden, NotFound
from consult.i18n import _
from consult.ledger import register
from consult.models import Document, Organization, SignedCopy
from consult.permissions import Can

# --- schemas ----------------------------------------------------------------------------------


class RegisterQuery(In):
    year = calendar_year(load_default=None, metadata={"description": "Default: this year"})
    org = fields.String(load_default=None, metadata={"description": "Organization code"})


class RegisterEntryIn(In):
    type = fields.String(
        required=True,
        metadata={
            "enum": list(records.TYPE_CODES),
            "example": "KH",
            "description": "'' for a letter",
        },
    )
    number = whole_number(
        load_default=None,
        allow_none=True,
        metadata={"description": "The number it was signed with; leave out for the next one"},
    )
    issued_on = fields.Date(load_default=None, metadata={"description": "Default: today"})
    subject = fields.String(required=True)
    signer_name = fields.String(load_default="")
    signer_title = fields.String(load_default="")
    org = fields.String(load_default=None)


class RegisterCheckQuery(In):
    type = fields.String(load_default="")
    number = whole_number(required=True)
    issued_on = fields.Date(load_default=None)
    org = fields.String(load_default=None)


class SignedCopyOut(Schema):
    sha256 = fields.String()
    size = fields.Integer()
    uploaded_at = fields.DateTime()
    url = fields.String(allow_none=True)


class RegisterEntryOut(Schema):
    id = fields.Integer()
    type = fields.String()
    number = fields.Integer()
    symbol = fields.String(metadata={"example": "156/QĐ-UBND"})
    issued_on = fields.Date()
    subject = fields.String()
    signer_name = fields.String()
    signer_title = fields.String()
    kind = fields.String(allow_none=True, metadata={"description": "plan, decision…"})
    consultation_id = fields.Integer(allow_none=True)
    recorded_by_hand = fields.Boolean()
    published_on = fields.Date(allow_none=True)
    signed_copy = fields.Nested(SignedCopyOut, allow_none=True)


class RegisterOut(Schema):
    organization = fields.String(metadata={"example": "UBND"})
    year = fields.Integer()
    scheme = fields.String(metadata={"enum": list(register.SCHEMES)})
    items = fields.List(fields.Nested(RegisterEntryOut))


class RegisterCheckOut(Schema):
    available = fields.Boolean()
    symbol = fields.String()
    year = fields.Integer()
    message = fields.String()
    taken_by = fields.Nested(RegisterEntryOut, allow_none=True)


# --- helpers ----------------------------------------------------------------------------------


def _organization(code: str | None) -> Organization:
    """The caller's organization (``org`` picks one when they hold roles in several)."""
    actor, session = scope.current_actor(), scope.db()
    for organization_id in sorted(actor.roles_by_org):
        organization = session.get(Organization, organization_id)
        if (
            organization is not None
            and (not code or organization.code == code)
            and permissions.allows(actor, Can.READ_STAFF_FILE, organization_id)
        ):
            return organization
    raise Forbidden(_("Your role does not give access to this register."))


def _today() -> date:
    return scope.runtime().calendar.local_date(scope.now())


def _copy(copy: SignedCopy | None, item: Document, public: bool) -> dict[str, Any] | None:
    if copy is None:
        return None
    endpoint = "public_documents.public_signed_pdf" if public else "documents.signed_pdf"
    return {
        "sha256": copy.sha256,
        "size": copy.size,
        "uploaded_at": copy.uploaded_at,
        "url": url_for(endpoint, document_id=item.id),
    }


def entry(item: Document, copy: SignedCopy | None = None, public: bool = False) -> dict[str, Any]:
    kind = kinds.kind_of(item)
    return {
        "id": item.id,
        "type": item.type,
        "number": item.number,
        "symbol": item.symbol,
        "issued_on": item.issued_on,
        "subject": item.subject,
        "signer_name": item.signer_name,
        "signer_title": item.signer_title,
        "kind": kind.key if kind else None,
        "consultation_id": item.consultation_id,
        "recorded_by_hand": item.recorded_by_hand,
        "published_on": item.published_on,
        "signed_copy": _copy(copy, item, public),
    }


# --- routes -----------------------------------------------------------------------------------


REGISTER_ENTRY_OUT = RegisterEntryOut()


@bp.route("/register", tags=["register"])
@staff_only
@bp.arguments(RegisterQuery(), location="query")
@bp.response(200, RegisterOut())
@refusals(403, 422)
def register_list(query: dict[str, Any]) -> dict[str, Any]:
    """The outgoing-document register of one year (sổ đăng ký văn bản đi)"""
    organization = _organization(query["org"])
    assert organization.id is not None
    year = query["year"] or _today().year
    session = scope.db()
    items = register.entries(session, organization.id, year)
    copies = signed.current_for(session, [d.id for d in items if d.id])
    return {
        "organization": organization.code,
        "year": year,
        "scheme": organization.register_scheme,
        "items": [entry(d, copies.get(d.id or 0)) for d in items],
    }


@bp.route("/register", methods=["POST"], tags=["register"])
@staff_only
@bp.arguments(RegisterEntryIn())
@bp.response(201, REGISTER_ENTRY_OUT)
@refusals(400, 403, 422)
def register_create(data: dict[str, Any]) -> dict[str, Any]:
    """Enter a document in the register: the next number, or the one signed on paper

    Records office (clerk) only. A number and symbol already given this year is refused with
    422, fields.number naming the document that holds it.
    """
    with scope.writing() as session:
        organization = _organization(data["org"])
        created = records.record_by_hand(
            session,
            organization,
            scope.current_actor(),
            scope.now(),
            doc_type=data["type"],
            issued_on=data["issued_on"] or _today(),
            subject=data["subject"],
            number=data["number"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
        )
    return entry(created)


@bp.route("/register/check", tags=["register"])
@staff_only
@bp.arguments(RegisterCheckQuery(), location="query")
@bp.response(200, RegisterCheckOut())
@refusals(403, 422)
def register_check(query: dict[str, Any]) -> dict[str, Any]:
    """Whether a number is free in the year of a date (warns before a duplicate)"""
    organization = _organization(query["org"])
    year = (query["issued_on"] or _today()).year
    doc_type, number = query["type"], query["number"]
    taken = register.taken_by(scope.db(), organization, doc_type, number, year)
    return {
        "available": taken is None,
        "symbol": register.format_symbol(number, doc_type, organization.code),
        "year": year,
        "message": register.duplicate_message(taken) if taken else "",
        "taken_by": entry(taken) if taken else None,
    }


@bp.route("/documents/<int:id>", tags=["register"])
@bp.response(200, REGISTER_ENTRY_OUT)
@refusals(404)
def document_detail(id: int) -> dict[str, Any]:
    """One document with its signed copy (SHA-256): published ones for anyone"""
    session, actor = scope.db(), scope.current_actor()
    item = session.get(Document, id)
    staff = item is not None and permissions.allows_on(actor, Can.READ_STAFF_FILE, item)
    if item is None or not (staff or signed.is_public(session, item)):
        raise NotFound(_("Document %(id)s does not exist.", id=id))
    return entry(item, signed.current(session, id), not staff)
