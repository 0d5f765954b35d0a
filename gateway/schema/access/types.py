"""GraphQL types of access: entitlement decisions, live codes and routed newcomers."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from contracts.membership.entitlement import EntitlementRead
from contracts.membership.live_code import LiveCodeRead, RoutingRead
from kit.qr import qr_png, qr_svg


@strawberry.type(description="May this member have this key? The answer, and why.")
class Entitlement:
    member_id: strawberry.ID
    key: str = strawberry.field(description="The key asked about, e.g. content:premium, group:<id> or standing:core.")
    allowed: bool = strawberry.field(description="Whether the member may have it now.")
    reason: str = strawberry.field(
        description="tier_benefit, group, role or standing when allowed; not_a_member, pending, expired, left, "
        "removed, banned, role_required, standing_too_low, no_tier or tier_lacks_benefit when not."
    )

    @classmethod
    def from_dto(cls, dto: EntitlementRead) -> Entitlement:
        return cls(member_id=strawberry.ID(dto.member_id), key=dto.key, allowed=dto.allowed, reason=dto.reason)


@strawberry.type(description="A group a live code may send newcomers to, and whom (attribute filter).")
class LiveCodeRoute:
    group_id: strawberry.ID = strawberry.field(description="The group newcomers may be sent to.")
    when: JSON = strawberry.field(
        description='Only newcomers whose attributes match all of these, e.g. {"region": "Shanghai"}; {} for anyone.'
    )


@strawberry.type(description="活码: one public join link that sends each newcomer to a group with room.")
class LiveCode:
    id: strawberry.ID
    code: str = strawberry.field(description="The public code in the join link.")
    name: str = strawberry.field(description="A name for people, e.g. the campaign it is printed on.")
    join_url: str = strawberry.field(description="The public link to print or share.")
    routes: list[LiveCodeRoute] = strawberry.field(
        description="The groups, in order of preference: a newcomer goes to the first that admits them and has room."
    )
    tier_id: strawberry.ID | None = strawberry.field(
        description="The tier newcomers are routed as (groups that take only other tiers are skipped); null: their own."
    )
    overflow_group_id: strawberry.ID | None = strawberry.field(
        description="Where newcomers go when every group is full; null: they are refused."
    )
    hold_minutes: int = strawberry.field(
        description="How long a routed newcomer's place in the group is held for them, in minutes."
    )
    active: bool = strawberry.field(description="False: the code is switched off and routes nobody.")
    created_at: datetime

    @classmethod
    def from_dto(cls, dto: LiveCodeRead) -> LiveCode:
        return cls(
            id=strawberry.ID(dto.id),
            code=dto.code,
            name=dto.name,
            join_url=dto.join_url,
            routes=[LiveCodeRoute(group_id=strawberry.ID(r.group_id), when=cast(JSON, r.when)) for r in dto.routes],
            tier_id=strawberry.ID(dto.tier_id) if dto.tier_id else None,
            overflow_group_id=strawberry.ID(dto.overflow_group_id) if dto.overflow_group_id else None,
            hold_minutes=dto.hold_minutes,
            active=dto.active,
            created_at=dto.created_at,
        )

    @strawberry.field(description="The QR code of the join link as an SVG document.")
    def qr_svg(
        self,
        scale: Annotated[int, strawberry.argument(description="Pixels per QR module, 1 to 40.")] = 4,
    ) -> str:
        return qr_svg(self.join_url, scale=max(1, min(scale, 40)))

    @strawberry.field(description="The QR code of the join link as a PNG data URL (data:image/png;base64,...).")
    def qr_png_data_url(
        self,
        scale: Annotated[int, strawberry.argument(description="Pixels per QR module, 1 to 40.")] = 8,
    ) -> str:
        png = qr_png(self.join_url, scale=max(1, min(scale, 40)))
        return "data:image/png;base64," + base64.b64encode(png).decode()


@strawberry.type(description="The chat a newcomer was sent to.")
class RoutedGroup:
    id: strawberry.ID
    name: str = strawberry.field(description="The group's name for people.")
    platform: str = strawberry.field(description="The platform the chat is on, e.g. wecom or telegram.")
    platform_chat_id: str = strawberry.field(description="The chat's own id on the platform.")
    join_url: str | None = strawberry.field(
        description="The group's own invite link, to send the newcomer on to; null if the group has none."
    )


@strawberry.type(description="A newcomer sent to a group; their place is held until heldUntil.")
class LiveCodeRouting:
    id: strawberry.ID
    live_code_id: strawberry.ID = strawberry.field(description="The live code they opened.")
    status: str = strawberry.field(description="pending until they join the group, then joined.")
    overflow: bool = strawberry.field(description="Every preferred group was full: this is the overflow group.")
    member_id: strawberry.ID | None
    newcomer_ref: str | None = strawberry.field(description="Your reference for a newcomer not yet a member.")
    held_until: datetime = strawberry.field(description="Until then their place in the group counts against its room.")
    group: RoutedGroup = strawberry.field(description="The group they were sent to.")

    @classmethod
    def from_dto(cls, dto: RoutingRead) -> LiveCodeRouting:
        group = dto.group
        return cls(
            id=strawberry.ID(dto.id),
            live_code_id=strawberry.ID(dto.live_code_id),
            status=dto.status,
            overflow=dto.overflow,
            member_id=strawberry.ID(dto.member_id) if dto.member_id else None,
            newcomer_ref=dto.newcomer_ref,
            held_until=dto.held_until,
            group=RoutedGroup(
                id=strawberry.ID(group.id),
                name=group.name,
                platform=group.platform,
                platform_chat_id=group.platform_chat_id,
                join_url=group.join_url,
            ),
        )
