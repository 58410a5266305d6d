"""Who is acting: a staff user with roles per organization, the scheduler, or a citizen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from consult import permissions


@dataclass(frozen=True)
class Actor:
    username: str
    user_id: int | None = None
    full_name: str = ""
    title: str = ""
    roles_by_org: Mapping[int, frozenset[str]] = field(default_factory=dict)
    is_system: bool = False

    def roles_in(self, organization_id: int) -> frozenset[str]:
        if self.is_system:
            return frozenset({permissions.SYSTEM})
        return self.roles_by_org.get(organization_id, frozenset())

    def has_role(self, organization_id: int, *roles: str) -> bool:
        return bool(self.roles_in(organization_id) & set(roles))

    @property
    def all_roles(self) -> frozenset[str]:
        return frozenset().union(*self.roles_by_org.values()) if self.roles_by_org else frozenset()

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


SYSTEM = Actor(username="system", full_name="Hệ thống (lịch tự động)", is_system=True)
CITIZEN = Actor(username="citizen", full_name="Người dân")
