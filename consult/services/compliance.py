"""Compliance warnings: what the recorded history shows against the legal minimums.

The engine refuses a plan below a minimum; history entered by hand (a posting that really
lasted 20 days) is kept as it happened, and flagged here rather than hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from consult.calendar import dmy, local_date
from consult.i18n import _
from consult.models import AuditEvent, Consultation
from consult.services import consultations
from consult.workflow.definition import Definition


@dataclass(frozen=True)
class ComplianceWarning:
    code: str
    message: str


def warnings(
    session: Session, definition: Definition, consultation: Consultation
) -> list[ComplianceWarning]:
    assert consultation.id is not None
    found: list[ComplianceWarning] = []
    spec = definition.posting_window()
    if spec is not None and spec.minimum is not None and spec.minimum.unit == "d":
        short: dict[tuple[date, date], list[str]] = {}
        for posting in consultations.postings(session, consultation.id):
            if posting.what != "draft" or posting.ends_on is None:
                continue
            if (posting.ends_on - posting.starts_on).days < spec.minimum.amount:
                short.setdefault((posting.starts_on, posting.ends_on), []).append(posting.place)
        for (starts_on, ends_on), places in short.items():
            days = (ends_on - starts_on).days
            found.append(
                ComplianceWarning(
                    "posting_too_short",
                    _(
                        "The draft was posted for %(days)s days (%(start)s to %(end)s) at "
                        "%(places)s: less than the %(minimum)s consecutive days of %(basis)s.",
                        days=days,
                        start=dmy(starts_on),
                        end=dmy(ends_on),
                        places=", ".join(places),
                        minimum=spec.minimum.amount,
                        basis=spec.basis,
                    ),
                )
            )
    found.extend(_paper_postings(session, consultation))
    return found


def _paper_postings(session: Session, consultation: Consultation) -> list[ComplianceWarning]:
    """A posting recorded after the fact: on paper first, online from the day it was entered
    (the online window runs its whole minimum from then)."""
    found = []
    query = select(AuditEvent).where(
        AuditEvent.consultation_id == consultation.id, AuditEvent.action == "start_posting"
    )
    for event in session.exec(query):
        payload = event.detail.get("payload") or {}
        if not payload.get("paper_minutes"):
            continue
        online_from = event.detail.get("online_from") or local_date(event.at).isoformat()
        found.append(
            ComplianceWarning(
                "posted_on_paper_first",
                _(
                    "Posted on paper from %(start)s (minutes %(minutes)s; reason: %(reason)s) "
                    "and entered here on %(entered)s: online, opinions are received for the "
                    "whole minimum from %(online)s.",
                    start=dmy(date.fromisoformat(str(payload.get("posted_on")))),
                    minutes=payload.get("paper_minutes"),
                    reason=payload.get("backdate_reason") or "—",
                    entered=dmy(event.at),
                    online=dmy(date.fromisoformat(str(online_from))),
                ),
            )
        )
    return found
