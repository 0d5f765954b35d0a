"""GraphQL types of moderation, built from the membership service's answers."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from contracts.membership.moderation import (
    AuditRead,
    BanRead,
    LadderStepRead,
    SettingsRead,
    SpamSettingsRead,
    StrikeRead,
)
from gateway.schema.relay import Connection


@strawberry.enum(description="A step of the escalation ladder.")
class ModerationAction(Enum):
    WARN = "warn"
    MUTE = "mute"
    DEMOTE = "demote"
    REMOVE = "remove"
    BAN = "ban"


def action_of(value: str | None) -> ModerationAction | None:
    return ModerationAction(value) if value is not None else None


@strawberry.type(description="A recorded rule violation; it counts until it expires or is revoked.")
class Strike:
    id: strawberry.ID
    member_id: strawberry.ID
    rule: str
    weight: int = strawberry.field(description="How many strikes this one counts for.")
    evidence: str | None
    actor: str
    reason: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None

    @classmethod
    def from_dto(cls, dto: StrikeRead) -> Strike:
        return cls(
            id=strawberry.ID(dto.id),
            member_id=strawberry.ID(dto.member_id),
            rule=dto.rule,
            weight=dto.weight,
            evidence=dto.evidence,
            actor=dto.actor,
            reason=dto.reason,
            created_at=dto.created_at,
            expires_at=dto.expires_at,
            revoked_at=dto.revoked_at,
            revoked_by=dto.revoked_by,
            revoke_reason=dto.revoke_reason,
        )


@strawberry.type(name="StrikeConnection", description="A member's strikes, a page at a time, and their weight now.")
class StrikeConnection(Connection[Strike]):
    active_strikes: int = strawberry.field(description="Unexpired, unrevoked strikes now, counted by weight.")


@strawberry.type
class LadderStep:
    at: int = strawberry.field(description="Active strikes at which this step applies.")
    action: ModerationAction
    duration_hours: int | None = strawberry.field(description="How long a mute lasts.")

    @classmethod
    def from_dto(cls, dto: LadderStepRead) -> LadderStep:
        return cls(at=dto.at, action=ModerationAction(dto.action), duration_hours=dto.duration_hours)


@strawberry.type(description="Thresholds of the spam heuristics on incoming messages.")
class SpamSettings:
    enabled: bool
    newcomer_messages: int = strawberry.field(description="Fewer earlier messages than this make a newcomer.")
    newcomer_days: int = strawberry.field(description="Joined fewer days ago than this makes a newcomer.")
    keywords: list[str] = strawberry.field(description="Ad keywords a newcomer may not post.")
    flood_messages: int = strawberry.field(description="More messages than this within floodSeconds is a flood.")
    flood_seconds: int
    repeat_count: int = strawberry.field(description="The same text this many times within repeatSeconds.")
    repeat_seconds: int

    @classmethod
    def from_dto(cls, dto: SpamSettingsRead) -> SpamSettings:
        return cls(**dto.model_dump())


@strawberry.type
class ModerationSettings:
    ladder: list[LadderStep]
    strike_lifetime_days: int
    spam: SpamSettings

    @classmethod
    def from_dto(cls, dto: SettingsRead) -> ModerationSettings:
        return cls(
            ladder=[LadderStep.from_dto(step) for step in dto.ladder],
            strike_lifetime_days=dto.strike_lifetime_days,
            spam=SpamSettings.from_dto(dto.spam),
        )


@strawberry.type(description="An entry of the ban list: a member, one of their accounts, or an account of nobody.")
class Ban:
    id: strawberry.ID
    member_id: strawberry.ID | None
    platform: str | None
    platform_user_id: str | None
    actor: str
    reason: str | None
    created_at: datetime

    @classmethod
    def from_dto(cls, dto: BanRead) -> Ban:
        return cls(
            id=strawberry.ID(dto.id),
            member_id=strawberry.ID(dto.member_id) if dto.member_id else None,
            platform=dto.platform,
            platform_user_id=dto.platform_user_id,
            actor=dto.actor,
            reason=dto.reason,
            created_at=dto.created_at,
        )


@strawberry.type(description="One moderation action: who did what to whom, why and when.")
class ModerationAuditEntry:
    id: strawberry.ID
    member_id: strawberry.ID | None
    action: str
    actor: str
    reason: str | None
    detail: JSON
    at: datetime

    @classmethod
    def from_dto(cls, dto: AuditRead) -> ModerationAuditEntry:
        return cls(
            id=strawberry.ID(dto.id),
            member_id=strawberry.ID(dto.member_id) if dto.member_id else None,
            action=dto.action,
            actor=dto.actor,
            reason=dto.reason,
            detail=JSON(dto.detail),
            at=dto.at,
        )


@strawberry.type(name="ModerationAuditConnection", description="Moderation actions, a page at a time.")
class ModerationAuditConnection(Connection[ModerationAuditEntry]):
    """Named for the audit, as it was before connections were generic: its edges are ``ModerationAuditEntryEdge``."""
