"""The moderation audit trail: every strike, warning, mute, demotion, removal, ban and settings change."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.ids import new_id
from services.membership.domain.actor import Actor
from services.membership.models.moderation import ModerationAudit
from services.membership.repo.moderation import AuditRepository


class AuditAction(StrEnum):
    STRIKE_ADDED = "strike_added"
    STRIKE_REVOKED = "strike_revoked"
    WARN = "warn"
    MUTE = "mute"
    DEMOTE = "demote"
    REMOVE = "remove"
    BAN = "ban"
    UNBAN = "unban"
    BAN_ENFORCED = "ban_enforced"
    LADDER_CHANGED = "ladder_changed"
    SETTINGS_CHANGED = "settings_changed"


def record(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str | None,
    action: AuditAction,
    actor: Actor,
    at: datetime,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> ModerationAudit:
    entry = ModerationAudit(
        id=new_id("maud"),
        community_id=community_id,
        member_id=member_id,
        action=action,
        actor=actor.label,
        reason=reason[:500] if reason else None,
        detail=detail or {},
        at=at,
    )
    AuditRepository(session).add(entry)
    return entry
