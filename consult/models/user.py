"""Staff accounts, their roles per organization and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from consult.models.base import instant


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=80)
    full_name: str = Field(default="", max_length=120)
    position: str = Field(default="", max_length=120)
    """Job title as signed: "Chủ tịch", "Công chức Tư pháp - Hộ tịch"."""
    email: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=256)
    is_active: bool = True
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Part of every web session's id: moving it on (logout, a password change,
    deactivation) ends every session of the account, copied cookies included."""
    created_at: datetime = instant()


class Membership(SQLModel, table=True):
    """One role of one user in one organization."""

    __table_args__ = (UniqueConstraint("user_id", "organization_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    role: str = Field(max_length=20)
    """One of :data:`consult.permissions.ROLES`."""


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = instant()
    expires_at: datetime = instant()
