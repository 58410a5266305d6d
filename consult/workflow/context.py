"""What a guard or an effect sees when an action is taken."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from consult.actor import Actor
from consult.calendar import LegalCalendar
from consult.models import Consultation, Document, Organization, Window
from consult.workflow.definition import Action, Definition


@dataclass
class ActionContext:
    session: Session
    definition: Definition
    action: Action
    consultation: Consultation
    organization: Organization
    actor: Actor
    payload: dict[str, Any]
    now: datetime
    calendar: LegalCalendar
    documents: list[Document] = field(default_factory=list)
    """Documents this action recorded (filled before the effects run)."""
    notes: dict[str, Any] = field(default_factory=dict)
    """What effects want kept in the action's audit entry."""
    _windows: list[Window] | None = field(default=None, repr=False)

    @property
    def consultation_id(self) -> int:
        assert self.consultation.id is not None
        return self.consultation.id

    @property
    def today(self) -> date:
        return self.calendar.local_date(self.now)

    def windows(self) -> list[Window]:
        """The consultation's windows, read once per action (the engine appends new ones)."""
        if self._windows is None:
            query = select(Window).where(Window.consultation_id == self.consultation.id)
            self._windows = list(self.session.exec(query))
        return self._windows
