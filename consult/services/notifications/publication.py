"""When an issued decision must be published (Law 10/2022 Art. 12(3)).

Used by the queue (the ``publish_due`` and ``publish_overdue`` notices) and by the staff
dashboard (the deadline and the overdue flag).
"""

from __future__ import annotations

from datetime import datetime

from consult.calendar import LegalCalendar
from consult.clock import ensure_utc
from consult.models import Document

PUBLISHED_TYPES = ("QĐ",)
"""The document types that must be published."""
PUBLICATION_WORKING_DAYS = 5
"""A decision is published within 5 working days after it is issued (Law 10/2022 Art. 12(3))."""


def publication_deadline(calendar: LegalCalendar, document: Document) -> datetime:
    """24:00 of the 5th working day after the decision is issued (Art. 12(3)), as UTC.

    Raises :class:`CalendarNotCovered` when the holiday data does not cover those days."""
    return calendar.working_days_end(document.issued_on, PUBLICATION_WORKING_DAYS)


def is_publication_overdue(calendar: LegalCalendar, document: Document, now: datetime) -> bool:
    """A decision still unpublished once its publication deadline has passed."""
    if document.type not in PUBLISHED_TYPES or document.published_on is not None:
        return False
    return ensure_utc(now) >= publication_deadline(calendar, document)
