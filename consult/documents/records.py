"""Entering documents in the register from the staff pages and the API, with an audit entry:
a number for a procedure document the workflow does not record (posting minutes, notice,
synthesis report, submission), or any document signed on paper outside consult.

Only the records office (văn thư) writes the register; the workflow's own documents are
numbered by its actions.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from consult import permissions, vocabulary
from consult.actor import Actor
from consult.documents import kinds
from consult.documents.facts import people
from consult.errors import Invalid, NotAllowedNow
from consult.i18n import _
from consult.ledger import audit, register
from consult.models import Consultation, Document, Organization
from consult.permissions import Can
from consult.services.consultations import documents as consultation_documents

TYPE_CODES = vocabulary.DOC_TYPES
"""Type codes of Decree 30/2020 Appendix III offered for hand entry; "" is a letter (công văn)."""


def require_clerk(actor: Actor, organization_id: int) -> None:
    permissions.require(actor, Can.KEEP_REGISTER, organization_id)


def _audit(session: Session, actor: Actor, now: datetime, document: Document) -> None:
    audit.record(
        session,
        now=now,
        actor=actor,
        action="register_document",
        organization_id=document.organization_id,
        consultation_id=document.consultation_id,
        detail={
            "documents": [document.symbol],
            "issued_on": document.issued_on.isoformat(),
            "by_hand": document.recorded_by_hand,
            "kind": document.kind,
        },
    )


def record_by_hand(
    session: Session,
    organization: Organization,
    actor: Actor,
    now: datetime,
    *,
    doc_type: str,
    issued_on: date,
    subject: str,
    number: int | None = None,
    signer_name: str = "",
    signer_title: str = "",
) -> Document:
    """A document outside the consultations: the next number, or the one it was signed with."""
    assert organization.id is not None
    require_clerk(actor, organization.id)
    if doc_type not in TYPE_CODES:
        message = _("Unknown type code %(code)s.", code=doc_type)
        raise Invalid(message, fields={"type": message})
    if not subject.strip():
        message = _("Required: fill it in.")
        raise Invalid(
            _("Some fields are not valid: %(names)s.", names="subject"), fields={"subject": message}
        )
    document = register.record(
        session,
        organization,
        doc_type=doc_type,
        issued_on=issued_on,
        subject=subject.strip(),
        now=now,
        number=number,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
    )
    _audit(session, actor, now, document)
    return document


def number_kind(
    session: Session,
    consultation: Consultation,
    kind_key: str,
    actor: Actor,
    now: datetime,
    *,
    issued_on: date,
    number: int | None = None,
) -> Document:
    """Number one of the consultation's procedure documents that the workflow does not record."""
    require_clerk(actor, consultation.organization_id)
    kind = kinds.get(kind_key)
    if kind is None:
        raise Invalid(_("Unknown document kind %(kind)s.", kind=kind_key))
    if kind.action:
        raise NotAllowedNow(_("This document is numbered by the workflow step that issues it."))
    assert consultation.id is not None
    for existing in consultation_documents(session, consultation.id, published_only=False):
        if kinds.kind_of(existing) is kind:
            raise NotAllowedNow(
                _("This document already has its number: %(symbol)s.", symbol=existing.symbol)
            )
    organization = session.get(Organization, consultation.organization_id)
    assert organization is not None
    signer = people(session, organization).get(
        "committee" if kind.signed_by == "committee" else "legal_officer"
    )
    document = register.record(
        session,
        organization,
        doc_type=kind.type,
        issued_on=issued_on,
        subject=kinds.subject_for(kind, consultation.title),
        now=now,
        number=number,
        consultation_id=consultation.id,
        signer_name=signer.name if signer else "",
        signer_title=signer.position if signer else "",
        kind=kind.key,
    )
    _audit(session, actor, now, document)
    return document
