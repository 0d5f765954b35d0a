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
    _value_: str  # what each enum_value below holds, for type checkers
    WARN = strawberry.enum_value("warn", description="A warning message to the member, in their groups.")
    MUTE = strawberry.enum_value("mute", description="Muted in their groups for durationHours (default 24).")
    DEMOTE = strawberry.enum_value("demote", description="Moved one tier down the ladder, if there is a lower one.")
    REMOVE = strawberry.enum_value("remove", description="Removed from the community and its groups; never the owner.")
    BAN = strawberry.enum_value(
        "ban", description="Removed and put on the ban list for every group and platform; never the owner."
    )


def action_of(value: str | None) -> ModerationAction | None:
    return ModerationAction(value) if value is not None else None


@strawberry.type(description="A recorded rule violation; it counts until it expires or is revoked.")
class Strike:
    id: strawberry.ID
    member_id: strawberry.ID
    rule: str = strawberry.field(description="The rule broken: a reference such as 3 or no-ads, or its text.")
    weight: int = strawberry.field(description="How many strikes this one counts for.")
    evidence: str | None = strawberry.field(description="What shows it: a message id, a link, ...")
    actor: str = strawberry.field(
        description="Who recorded it: member:<id>, key:<id>, or system (the spam heuristics)."
    )
    reason: str | None = strawberry.field(description="Why, in the moderator's words.")
    created_at: datetime
    expires_at: datetime = strawberry.field(description="When it stops counting towards the ladder.")
    revoked_at: datetime | None = strawberry.field(description="When it was taken back; null if it was not.")
    revoked_by: str | None = strawberry.field(description="Who took it back (member:<id> or key:<id>).")
    revoke_reason: str | None = strawberry.field(description="Why it was taken back.")

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


@strawberry.type(description="One step of the escalation ladder: at so many active strikes, this action.")
class LadderStep:
    at: int = strawberry.field(description="Active strikes at which this step applies.")
    action: ModerationAction = strawberry.field(description="What happens to the member.")
    duration_hours: int | None = strawberry.field(description="How long a mute lasts.")

    @classmethod
    def from_dto(cls, dto: LadderStepRead) -> LadderStep:
        return cls(at=dto.at, action=ModerationAction(dto.action), duration_hours=dto.duration_hours)


@strawberry.type(description="Thresholds of the spam heuristics on incoming messages.")
class SpamSettings:
    enabled: bool = strawberry.field(description="False: messages are not checked for spam.")
    newcomer_messages: int = strawberry.field(description="Fewer earlier messages than this make a newcomer.")
    newcomer_days: int = strawberry.field(description="Joined fewer days ago than this makes a newcomer.")
    keywords: list[str] = strawberry.field(description="Ad keywords a newcomer may not post.")
    flood_messages: int = strawberry.field(description="More messages than this within floodSeconds is a flood.")
    flood_seconds: int = strawberry.field(description="The window of the flood check, in seconds.")
    repeat_count: int = strawberry.field(description="The same text this many times within repeatSeconds.")
    repeat_seconds: int = strawberry.field(description="The window of the repeat check, in seconds.")

    @classmethod
    def from_dto(cls, dto: SpamSettingsRead) -> SpamSettings:
        return cls(**dto.model_dump())


@strawberry.type(description="The community's moderation settings: escalation ladder, strike lifetime, spam checks.")
class ModerationSettings:
    ladder: list[LadderStep] = strawberry.field(
        description="What happens at each count of active strikes, lowest first; by default warn, mute 24 h, demote, "
        "remove, ban at 1 to 5."
    )
    strike_lifetime_days: int = strawberry.field(
        description="How many days a strike counts unless revoked (default 30)."
    )
    spam: SpamSettings = strawberry.field(description="The spam heuristics' thresholds; each finding is a strike.")

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
    member_id: strawberry.ID | None = strawberry.field(
        description="The banned member; null for an account that belongs to nobody yet."
    )
    platform: str | None = strawberry.field(
        description="The banned account's platform (telegram, slack, discord, feishu, wecom, dingtalk or generic); "
        "null for an entry of a member as a whole."
    )
    platform_user_id: str | None = strawberry.field(
        description="The banned account's user id on that platform; null for an entry of a member as a whole."
    )
    actor: str = strawberry.field(description="Who banned: member:<id>, key:<id> or system.")
    reason: str | None = strawberry.field(description="Why, as given.")
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
    member_id: strawberry.ID | None = strawberry.field(
        description="The member it was done to; null for community-wide actions such as a settings change."
    )
    action: str = strawberry.field(
        description="strike_added, strike_revoked, warn, mute, demote, remove, ban, unban, ban_enforced, "
        "ladder_changed or settings_changed."
    )
    actor: str = strawberry.field(description="Who did it: member:<id>, key:<id>, platform or system.")
    reason: str | None = strawberry.field(description="Why, as given.")
    detail: JSON = strawberry.field(
        description='More about it, by action, e.g. {"strike_id": "...", "duration_hours": 24} for a mute.'
    )
    at: datetime = strawberry.field(description="When it happened.")

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
