"""Signed copies: the records office uploads the signed and stamped scan (PDF) of a document.

The newest copy is the document's published version: the public page offers it for download
with its SHA-256, which is recorded and shown so anyone can check the file. Files are kept
under the instance folder (``instance/uploads/documents/<sha256>.pdf``), named by their hash,
so the same scan uploaded twice is stored once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from consult.actor import Actor
from consult.calendar import local_date
from consult.documents.records import require_clerk
from consult.errors import Invalid
from consult.i18n import _
from consult.ledger import audit
from consult.models import Consultation, Document, SignedCopy

PDF_MAGIC = b"%PDF-"
MAX_BYTES = 15 * 1024 * 1024
"""A scanned commune document of a few pages is well under this."""
UPLOADS = Path("uploads") / "documents"


def check_pdf(data: bytes) -> None:
    """A PDF by its content, not its name: it starts with ``%PDF-``."""
    if not data:
        message = _("The file is empty.")
        raise Invalid(message, fields={"file": message})
    if len(data) > MAX_BYTES:
        message = _(
            "The file is too large (%(size)s MB); at most %(max)s MB.",
            size=round(len(data) / 1024 / 1024, 1),
            max=MAX_BYTES // 1024 // 1024,
        )
        raise Invalid(message, fields={"file": message})
    if not data.startswith(PDF_MAGIC):
        message = _("The file is not a PDF: scan the signed document to PDF and upload that.")
        raise Invalid(message, fields={"file": message})


def _write(directory: Path, name: str, data: bytes) -> None:
    """Write atomically: a reader never sees half a file."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    if target.exists():
        return
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def store(
    session: Session,
    document: Document,
    data: bytes,
    *,
    original_name: str,
    actor: Actor,
    now: datetime,
    instance_dir: Path,
    publish: bool = True,
) -> SignedCopy:
    require_clerk(actor, document.organization_id)
    if not data and not original_name:
        message = _("Choose the PDF file to upload.")
        raise Invalid(message, fields={"file": message})
    check_pdf(data)
    digest = hashlib.sha256(data).hexdigest()
    relative = UPLOADS / f"{digest}.pdf"
    _write(instance_dir / UPLOADS, relative.name, data)
    copy = SignedCopy(
        document_id=document.id or 0,
        file_path=relative.as_posix(),
        sha256=digest,
        size=len(data),
        original_name=Path(original_name or "").name[:200],
        uploaded_at=now,
        uploaded_by_id=actor.user_id,
    )
    session.add(copy)
    if publish and document.published_on is None:
        document.published_on = local_date(now)
        session.add(document)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="upload_signed_copy",
        organization_id=document.organization_id,
        consultation_id=document.consultation_id,
        detail={"documents": [document.symbol], "sha256": digest, "size": len(data)},
    )
    session.flush()
    return copy


def current(session: Session, document_id: int) -> SignedCopy | None:
    """The newest signed copy of a document: its published version."""
    query = select(SignedCopy).where(SignedCopy.document_id == document_id)
    return session.exec(query.order_by(col(SignedCopy.id).desc())).first()


def current_for(session: Session, document_ids: list[int]) -> dict[int, SignedCopy]:
    if not document_ids:
        return {}
    query = select(SignedCopy).where(col(SignedCopy.document_id).in_(document_ids))
    found: dict[int, SignedCopy] = {}
    for copy in session.exec(query.order_by(col(SignedCopy.id))):
        found[copy.document_id] = copy
    return found


def path_of(copy: SignedCopy, instance_dir: Path) -> Path:
    return instance_dir / copy.file_path


def is_public(session: Session, document: Document) -> bool:
    """Published, and of a consultation the public can see (or of none)."""
    if document.published_on is None:
        return False
    if document.consultation_id is None:
        return True
    consultation = session.get(Consultation, document.consultation_id)
    return consultation is not None and consultation.state != "draft"
