"""The citizens' comment form: what a preview checks and what sending does, in one call each,
so the portal's view only parses the form and renders the answer.

Sending stores the opinion through the one intake (:func:`consult.services.intake.submit`)
and, when the citizen asked to be told by e-mail, remembers that wish with it, in the same
unit of work: the receipt is given only once both are stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from consult.models import Consultation
from consult.services import intake
from consult.services.notifications import receipt_notices


def check(
    session: Session,
    consultation: Consultation,
    data: intake.CommentInput,
    now: datetime,
    *,
    notify: bool,
) -> None:
    """Every rule the opinion must pass, storing nothing (the preview step)."""
    intake.check_open(session, consultation, now)
    intake.validate(data)
    if notify:
        receipt_notices.email_address(data.contact)


def send(
    session: Session,
    consultation: Consultation,
    data: intake.CommentInput,
    now: datetime,
    *,
    notify_language: str | None,
) -> intake.Stored:
    """Store the opinion (and the e-mail wish). The caller's unit of work commits."""
    assert consultation.id is not None
    check(session, consultation, data, now, notify=notify_language is not None)
    stored = intake.submit(session, consultation.id, data, now)
    if notify_language is not None:
        receipt_notices.subscribe(session, stored, data.contact, now, language=notify_language)
    return stored
