"""The append-only audit log: who did what, when, chained by SHA-256."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from consult.models.base import instant, json_column


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = instant(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(max_length=120)
    """Username, ``system`` for the scheduler, or ``citizen``."""
    organization_id: int | None = Field(default=None, foreign_key="organization.id")
    consultation_id: int | None = Field(default=None, foreign_key="consultation.id", index=True)
    action: str = Field(max_length=60)
    detail: dict[str, Any] = json_column(default_factory=dict)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
