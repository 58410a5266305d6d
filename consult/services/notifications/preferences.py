"""The kinds of notice and what each user chooses to receive.

Per user and kind, e-mail and in-app are each on or off; both are on without a row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from consult.db import upsert
from consult.errors import Invalid
from consult.i18n import _
from consult.models import NotificationPreference
from consult.vocabulary import N_

KINDS = (
    "reminder_3d",
    "reminder_1d",
    "window_closed",
    "publish_due",
    "publish_overdue",
    "report_to_council",
)
KIND_TITLES = {
    "reminder_3d": N_("Reminder 3 days before a comment window closes"),
    "reminder_1d": N_("Reminder on the last day of a comment window"),
    "window_closed": N_("A comment window has closed: synthesis to do"),
    "publish_due": N_("A decision to publish within 5 working days"),
    "publish_overdue": N_("A decision not published in time"),
    "report_to_council": N_("Report the consultation to the People's Council"),
}
"""English message ids (marked for the catalog) for a preferences page: show them with
``consult.i18n._``."""


@dataclass(frozen=True)
class Preference:
    kind: str
    email: bool = True
    in_app: bool = True


def preferences(session: Session, user_id: int) -> list[Preference]:
    """The user's choice for every kind, in :data:`KINDS` order (defaults: both on)."""
    stored = {
        p.kind: Preference(p.kind, p.email, p.in_app)
        for p in session.execute(
            select(NotificationPreference).where(col(NotificationPreference.user_id) == user_id)
        ).scalars()
    }
    return [stored.get(kind, Preference(kind)) for kind in KINDS]


def set_preference(
    session: Session, user_id: int, kind: str, *, email: bool, in_app: bool
) -> Preference:
    """Store the user's choice for one kind; :class:`Invalid` on an unknown kind."""
    if kind not in KINDS:
        message = _("Unknown kind of notice: %(kind)s.", kind=kind)
        raise Invalid(message, fields={"kind": message})
    insert = upsert(session)
    session.execute(
        insert(NotificationPreference)
        .values(user_id=user_id, kind=kind, email=email, in_app=in_app)
        .on_conflict_do_update(
            index_elements=["user_id", "kind"], set_={"email": email, "in_app": in_app}
        )
    )
    return Preference(kind, email, in_app)
