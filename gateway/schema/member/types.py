"""GraphQL types of members, memberships and what happens to them, built from the membership service's answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.membership.activity import ActivityDayRead
from contracts.membership.identity import LinkCodeRead
from contracts.membership.member import IdentityRead, MemberRead, MembershipRead, TransitionRead
from gateway.schema.challenge.types import ChallengeEnrollment, member_enrollments
from gateway.schema.context import Context
from gateway.schema.relay import Connection


@strawberry.enum(description="Where a membership stands in its lifecycle.")
class MemberStatus(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    APPLIED = strawberry.enum_value("applied", description="Applied through a gate; waiting for a reviewer.")
    PENDING_PAYMENT = strawberry.enum_value(
        "pending_payment", description="Through the gate but for the payment; waiting for it to be recorded."
    )
    PROBATION = strawberry.enum_value(
        "probation", description="Inside on a trial tier, promoted to the gate's tier once its condition holds."
    )
    ACTIVE = strawberry.enum_value("active", description="Inside: holds a seat of the tier and its benefits.")
    EXPIRED = strawberry.enum_value(
        "expired", description="The tier's period ran out with nowhere to fall back to; may renew or rejoin."
    )
    LEFT = strawberry.enum_value("left", description="Left of their own accord; may come back through a gate.")
    REMOVED = strawberry.enum_value(
        "removed", description="Removed (by an admin, a purge or escalating strikes); may come back through a gate."
    )
    BANNED = strawberry.enum_value(
        "banned", description="Removed and kept out; lifting the ban makes them removed, free to rejoin."
    )


@strawberry.enum(description="A member's role in the community; owner and admins are separate people.")
class MemberRole(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    OWNER = strawberry.enum_value(
        "owner", description="The one owner: every right, including assigning admins and transferring ownership."
    )
    ADMIN = strawberry.enum_value(
        "admin",
        description="Runs the community: settings, groups, tiers, gates, removals, bans, purges, imports, renewals; "
        "assigns moderators.",
    )
    MODERATOR = strawberry.enum_value(
        "moderator", description="Reviews applications, records strikes, warnings and mutes, reads the audit log."
    )
    MEMBER = strawberry.enum_value("member", description="No rights beyond being a member.")


@strawberry.type(description="A platform account that resolves to this member.")
class Identity:
    platform: str = strawberry.field(
        description="The platform of the account: telegram, slack, discord, feishu, wecom, dingtalk or generic."
    )
    platform_user_id: str = strawberry.field(description="The account's user id on that platform.")
    display_name: str | None = strawberry.field(description="The name the account shows on the platform, if known.")

    @classmethod
    def from_dto(cls, dto: IdentityRead) -> Identity:
        return cls(platform=dto.platform, platform_user_id=dto.platform_user_id, display_name=dto.display_name)


@strawberry.type(description="A member's place in the community: tier, role, status, standing, dates.")
class Membership:
    id: strawberry.ID
    community_id: strawberry.Private[str]
    tier_id: strawberry.ID | None = strawberry.field(description="The tier held (or applied for); null for none.")
    role: MemberRole = strawberry.field(description="The member's role in the community.")
    status: MemberStatus = strawberry.field(description="Where the membership stands in its lifecycle.")
    source: str = strawberry.field(
        description="How they came in: join, invitation, referral, admin, import, chat (first seen in a group) or "
        "purge_return."
    )
    referrer_member_id: strawberry.ID | None = strawberry.field(
        description="The member whose referral code brought them in; null if none."
    )
    joined_at: datetime | None = strawberry.field(
        description="When they last came inside (probation or active); null if never."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the tier's period runs out; null for a lifetime tier or no tier."
    )
    last_active_at: datetime | None = strawberry.field(
        description="When they last did something that counts as activity; null if never."
    )
    standing: str = strawberry.field(description="follower, contributor or core: derived from activity, not bought.")
    standing_locked: bool = strawberry.field(
        description="True while an admin has frozen the standing: recomputes leave it as it is."
    )

    @classmethod
    def from_dto(cls, dto: MembershipRead, *, community_id: str) -> Membership:
        return cls(
            id=strawberry.ID(dto.id),
            community_id=community_id,
            tier_id=strawberry.ID(dto.tier_id) if dto.tier_id else None,
            role=MemberRole(dto.role),
            status=MemberStatus(dto.status),
            source=dto.source,
            referrer_member_id=strawberry.ID(dto.referrer_member_id) if dto.referrer_member_id else None,
            joined_at=dto.joined_at,
            expires_at=dto.expires_at,
            last_active_at=dto.last_active_at,
            standing=dto.standing,
            standing_locked=dto.standing_locked,
        )

    @strawberry.field(description="The member who referred this one, if any.")
    async def referrer(self, info: Info[Context, None]) -> Member | None:
        if self.referrer_member_id is None:
            return None
        return await load_member(info, self.community_id, str(self.referrer_member_id))


@strawberry.type(description="One logged change of status, tier, role or expiry, with who made it and why.")
class Transition:
    id: strawberry.ID
    kind: str = strawberry.field(description="status, tier, role, renewal, standing or standing_lock.")
    from_value: str | None = strawberry.field(
        description="The value before (a status, tier id, role, expiry time or standing); null if there was none."
    )
    to_value: str | None = strawberry.field(
        description="The value after (a renewal's is the new expiry time; a lock's is locked:<standing> or unlocked)."
    )
    actor: str = strawberry.field(
        description="Who made it: member:<id>, key:<id>, platform or system (Guildhall's own jobs)."
    )
    reason: str | None = strawberry.field(description="Why, as the actor gave it or the system recorded it.")
    at: datetime = strawberry.field(description="When it happened.")

    @classmethod
    def from_dto(cls, dto: TransitionRead) -> Transition:
        return cls(
            id=strawberry.ID(dto.id),
            kind=dto.kind,
            from_value=dto.from_value,
            to_value=dto.to_value,
            actor=dto.actor,
            reason=dto.reason,
            at=dto.at,
        )


@strawberry.type(description="What a member did on one day of the community (in its time zone).")
class ActivityDay:
    day: date = strawberry.field(description="The day, in the community's time zone.")
    messages: int = strawberry.field(description="Messages they sent in the community's groups that day.")
    characters: int = strawberry.field(description="Characters in those messages, all together.")
    reactions: int = strawberry.field(description="Reactions added to messages that day.")
    checkins: int = strawberry.field(description="Challenge check-ins recorded that day.")
    participations: int = strawberry.field(
        description="Check-ins, makeup check-ins, probe claims, redemptions, ...: each counts as activity."
    )
    last_at: datetime = strawberry.field(description="When the member was last active that day.")

    @classmethod
    def from_dto(cls, dto: ActivityDayRead) -> ActivityDay:
        return cls(
            day=dto.day,
            messages=dto.messages,
            characters=dto.characters,
            reactions=dto.reactions,
            checkins=dto.checkins,
            participations=dto.participations,
            last_at=dto.last_at,
        )


@strawberry.type(description="A code that links another platform account to a member; valid ten minutes, once.")
class LinkCode:
    code: str = strawberry.field(description="The code to present from the other account (`redeemLinkCode`).")
    member_id: strawberry.ID = strawberry.field(description="The member the code links accounts to.")
    expires_at: datetime = strawberry.field(description="When the code stops working, ten minutes after it was made.")

    @classmethod
    def from_dto(cls, dto: LinkCodeRead) -> LinkCode:
        return cls(code=dto.code, member_id=strawberry.ID(dto.member_id), expires_at=dto.expires_at)


@strawberry.type(description="A person inside one community, with their platform accounts and membership.")
class Member:
    id: strawberry.ID
    community_id: strawberry.ID
    display_name: str = strawberry.field(description="The name shown for the member in this community.")
    external_ref: str | None = strawberry.field(
        description="Your own id for this person (e.g. your user id), as given when they were added; null if none."
    )
    attributes: JSON = strawberry.field(description="Profile attributes that gates filter on.")
    created_at: datetime
    membership: Membership | None = strawberry.field(
        description="Their membership: tier, role, status, standing; null if they have none."
    )
    identities: list[Identity] = strawberry.field(description="The platform accounts known to be this member.")

    @classmethod
    def from_dto(cls, dto: MemberRead) -> Member:
        attributes: Any = dto.attributes
        return cls(
            id=strawberry.ID(dto.id),
            community_id=strawberry.ID(dto.community_id),
            display_name=dto.display_name,
            external_ref=dto.external_ref,
            attributes=attributes,
            created_at=dto.created_at,
            membership=Membership.from_dto(dto.membership, community_id=dto.community_id) if dto.membership else None,
            identities=[Identity.from_dto(i) for i in dto.identities],
        )

    @strawberry.field(description="The log of every change to this membership, oldest first.")
    async def transitions(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Transition]:
        page = await info.context.membership.transitions(
            str(self.community_id), str(self.id), limit=first, cursor=after
        )
        transitions = [Transition.from_dto(row) for row in page.items]
        return Connection.of(transitions, next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="Activity per day, oldest first; days are the community's.")
    async def activity(
        self,
        info: Info[Context, None],
        since: Annotated[
            date | None, strawberry.argument(description="The first day to include; left out, from the first.")
        ] = None,
        until: Annotated[
            date | None, strawberry.argument(description="The last day to include; left out, up to the latest.")
        ] = None,
    ) -> list[ActivityDay]:
        days = await info.context.membership.activity(str(self.community_id), str(self.id), since=since, until=until)
        return [ActivityDay.from_dto(day) for day in days]

    @strawberry.field(description="The member's challenge enrollments: status, days done, streaks; batched.")
    async def challenge_enrollments(self, info: Info[Context, None]) -> list[ChallengeEnrollment]:
        return await member_enrollments(info, str(self.community_id), str(self.id))


async def load_member(info: Info[Context, None], community_id: str, member_id: str) -> Member | None:
    dto = await info.context.loaders.member.load((community_id, member_id))
    return Member.from_dto(dto) if dto is not None else None
