"""Who performs a change, as the transition log and the audit trail record it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.membership.domain.role import Permission, Role, can

ActorKind = Literal["member", "key", "platform", "system"]


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str | None = None
    # For a member acting through an integrator: the role they hold in the community.
    role: Role | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}" if self.id else self.kind

    def may(self, permission: Permission) -> bool:
        """API keys and Guildhall itself act for the community; members only within their role."""
        if self.kind != "member":
            return True
        return self.role is not None and can(self.role, permission)


SYSTEM_ACTOR = Actor(kind="system")
