"""Scans and photos of paper opinions: checked by their first bytes and size, stored under
``instance/uploads/``, served to staff only (they may show names and signatures)."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.errors import Invalid, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import Comment, CommentScan, Consultation
from consult.permissions import Can
from consult.services.intake import Stored

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """The media type and extension the file's first bytes prove, or ``None``."""
    for magic, media_type, extension in SIGNATURES:
        if head.startswith(magic):
            return media_type, extension
    return None


def folder_for(uploads: Path, consultation_id: int) -> Path:
    return uploads / f"consultation-{consultation_id}"


def attach(
    session: Session,
    uploads: Path,
    comment: Comment | Stored,
    data: bytes,
    original_name: str,
    actor: Actor,
    now: datetime,
) -> CommentScan:
    """Keep ``data`` as a scan of ``comment``. The caller commits; on a rollback the file
    stays behind unreferenced, which is harmless."""
    consultation = session.get(Consultation, comment.consultation_id)
    assert consultation is not None and comment.id is not None
    permissions.require_on(actor, Can.ATTACH_SCANS, consultation)
    if not data:
        message = _("The file is empty.")
        raise Invalid(message, fields={"scan": message})
    if len(data) > MAX_BYTES:
        message = _(
            "The file is too large (%(size)s MB); at most %(max)s MB.",
            size=f"{len(data) / 1048576:.1f}",
            max=MAX_BYTES // 1048576,
        )
        raise Invalid(message, fields={"scan": message})
    kind = sniff(data[:16])
    if kind is None:
        message = _("Only PDF, JPEG or PNG files are accepted.")
        raise Invalid(message, fields={"scan": message})
    media_type, extension = kind
    folder = folder_for(uploads, consultation.id or 0)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{comment.id}-{secrets.token_hex(8)}.{extension}"
    (folder / stored_name).write_bytes(data)
    scan = CommentScan(
        comment_id=comment.id,
        stored_name=stored_name,
        original_name=Path(original_name or "").name[:200],
        media_type=media_type,
        size=len(data),
        uploaded_by_id=actor.user_id,
        uploaded_at=now,
    )
    session.add(scan)
    session.flush()
    audit.record(
        session,
        now=now,
        actor=actor,
        action="attach_scan",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={"receipt": comment.receipt, "media_type": media_type, "size": len(data)},
    )
    return scan


def of_comment(session: Session, comment_id: int) -> list[CommentScan]:
    query = select(CommentScan).where(CommentScan.comment_id == comment_id)
    return list(session.exec(query.order_by(col(CommentScan.id))))


def readable(session: Session, uploads: Path, scan_id: int, actor: Actor) -> tuple[Path, str]:
    """The file of a scan and its media type, for staff who may read the opinions."""
    scan = session.get(CommentScan, scan_id)
    if scan is None:
        raise NotFound(_("Scan %(id)s does not exist.", id=scan_id))
    comment = session.get(Comment, scan.comment_id)
    assert comment is not None
    consultation = session.get(Consultation, comment.consultation_id)
    assert consultation is not None
    permissions.require_on(actor, Can.READ_PERSONAL_DATA, consultation)
    path = folder_for(uploads, comment.consultation_id) / scan.stored_name
    if not path.is_file():
        raise NotFound(_("The scanned file is missing from the uploads folder."))
    return path, scan.media_type
