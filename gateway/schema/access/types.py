"""GraphQL types of access: entitlement decisions, live codes and routed newcomers."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from contracts.membership.entitlement import EntitlementRead
from contracts.membership.live_code import LiveCodeRead, RoutingRead
from kit.qr import qr_png, qr_svg


@strawberry.type(description="May this member have this key? The answer, and why.")
class Entitlement:
    member_id: strawberry.ID
    key: str
    allowed: bool
    reason: str = strawberry.field(
        description="tier_benefit, group, role or standing when allowed; not_a_member, pending, expired, left, "
        "removed, banned, role_required, standing_too_low, no_tier or tier_lacks_benefit when not."
    )

    @classmethod
    def from_dto(cls, dto: EntitlementRead) -> Entitlement:
        return cls(member_id=strawberry.ID(dto.member_id), key=dto.key, allowed=dto.allowed, reason=dto.reason)


@strawberry.type(description="A group a live code may send newcomers to, and whom (attribute filter).")
class LiveCodeRoute:
    group_id: strawberry.ID
    when: JSON


@strawberry.type(description="活码: one public join link that sends each newcomer to a group with room.")
class LiveCode:
    id: strawberry.ID
    code: str
    name: str
    join_url: str = strawberry.field(description="The public link to print or share.")
    routes: list[LiveCodeRoute]
    tier_id: strawberry.ID | None
    overflow_group_id: strawberry.ID | None
    hold_minutes: int
    active: bool
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
    def qr_svg(self, scale: int = 4) -> str:
        return qr_svg(self.join_url, scale=max(1, min(scale, 40)))

    @strawberry.field(description="The QR code of the join link as a PNG data URL (data:image/png;base64,...).")
    def qr_png_data_url(self, scale: int = 8) -> str:
        png = qr_png(self.join_url, scale=max(1, min(scale, 40)))
        return "data:image/png;base64," + base64.b64encode(png).decode()


@strawberry.type(description="The chat a newcomer was sent to.")
class RoutedGroup:
    id: strawberry.ID
    name: str
    platform: str
    platform_chat_id: str
    join_url: str | None


@strawberry.type(description="A newcomer sent to a group; their place is held until heldUntil.")
class LiveCodeRouting:
    id: strawberry.ID
    live_code_id: strawberry.ID
    status: str
    overflow: bool = strawberry.field(description="Every preferred group was full: this is the overflow group.")
    member_id: strawberry.ID | None
    newcomer_ref: str | None
    held_until: datetime
    group: RoutedGroup

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
