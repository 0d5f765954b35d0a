"""GraphQL types of members, memberships and what happens to them, built from the membership service's answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.membership.activity import ActivityDayRead
from contracts.membership.identity import LinkCodeRead
from contracts.membership.member import IdentityRead, MemberRead, MembershipRead, TransitionRead
from gateway.clients import ServiceProblem
from gateway.schema.challenge.types import ChallengeEnrollment, member_enrollments
from gateway.schema.context import Context
from gateway.schema.errors import graphql_error_from
from gateway.schema.relay import Connection


@strawberry.enum(description="Where a membership stands in its lifecycle.")
class MemberStatus(Enum):
    APPLIED = "applied"
    PENDING_PAYMENT = "pending_payment"
    PROBATION = "probation"
    ACTIVE = "active"
    EXPIRED = "expired"
    LEFT = "left"
    REMOVED = "removed"
    BANNED = "banned"


@strawberry.enum(description="A member's role in the community; owner and admins are separate people.")
class MemberRole(Enum):
    OWNER = "owner"
    ADMIN = "admin"
    MODERATOR = "moderator"
    MEMBER = "member"


@strawberry.type(description="A platform account that resolves to this member.")
class Identity:
    platform: str
    platform_user_id: str
    display_name: str | None

    @classmethod
    def from_dto(cls, dto: IdentityRead) -> Identity:
        return cls(platform=dto.platform, platform_user_id=dto.platform_user_id, display_name=dto.display_name)


@strawberry.type(description="A member's place in the community: tier, role, status, standing, dates.")
class Membership:
    id: strawberry.ID
    community_id: strawberry.Private[str]
    tier_id: strawberry.ID | None
    role: MemberRole
    status: MemberStatus
    source: str
    referrer_member_id: strawberry.ID | None
    joined_at: datetime | None
    expires_at: datetime | None
    last_active_at: datetime | None
    standing: str
    standing_locked: bool

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
    kind: str = strawberry.field(description="status | tier | role | renewal")
    from_value: str | None
    to_value: str | None
    actor: str
    reason: str | None
    at: datetime

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
    day: date
    messages: int
    characters: int
    reactions: int
    checkins: int
    participations: int = strawberry.field(
        description="Check-ins, makeup check-ins, probe claims, redemptions, ...: each counts as activity."
    )
    last_at: datetime

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
    code: str
    member_id: strawberry.ID
    expires_at: datetime

    @classmethod
    def from_dto(cls, dto: LinkCodeRead) -> LinkCode:
        return cls(code=dto.code, member_id=strawberry.ID(dto.member_id), expires_at=dto.expires_at)


@strawberry.type(description="A person inside one community, with their platform accounts and membership.")
class Member:
    id: strawberry.ID
    community_id: strawberry.ID
    display_name: str
    external_ref: str | None
    attributes: JSON = strawberry.field(description="Profile attributes that gates filter on.")
    created_at: datetime
    membership: Membership | None
    identities: list[Identity]

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
        try:
            page = await info.context.membership.transitions(
                str(self.community_id), str(self.id), limit=first, cursor=after
            )
        except ServiceProblem as problem:
            raise graphql_error_from(problem) from None
        transitions = [Transition.from_dto(row) for row in page.items]
        return Connection.of(transitions, next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="Activity per day, oldest first; days are the community's.")
    async def activity(
        self, info: Info[Context, None], since: date | None = None, until: date | None = None
    ) -> list[ActivityDay]:
        try:
            days = await info.context.membership.activity(
                str(self.community_id), str(self.id), since=since, until=until
            )
        except ServiceProblem as problem:
            raise graphql_error_from(problem) from None
        return [ActivityDay.from_dto(day) for day in days]

    @strawberry.field(description="The member's challenge enrollments: status, days done, streaks; batched.")
    async def challenge_enrollments(self, info: Info[Context, None]) -> list[ChallengeEnrollment]:
        return await member_enrollments(info, str(self.community_id), str(self.id))


async def load_member(info: Info[Context, None], community_id: str, member_id: str) -> Member | None:
    try:
        dto = await info.context.loaders.member.load((community_id, member_id))
    except ServiceProblem as problem:
        raise graphql_error_from(problem) from None
    return Member.from_dto(dto) if dto is not None else None
