"""``guildhall events dead|redrive <group>``: what a consumer group set aside, and putting it back."""

from __future__ import annotations

from gateway.dispatch.intake import GROUP as DISPATCH_GROUP
from guildhall.parts import SERVICES
from kit.events import deadletter
from kit.events.deadletter import DeadLetter
from kit.redis import create_redis
from kit.settings import KitSettings

# Every consumer group Guildhall runs: one per service, and the gateway's chat dispatcher intake.
GROUPS = (*SERVICES, DISPATCH_GROUP)


async def dead(group: str) -> list[DeadLetter]:
    redis = create_redis(KitSettings().redis_url)
    try:
        return await deadletter.dead_letters(redis, group)
    finally:
        await redis.aclose()


async def redrive(group: str, *, dry_run: bool) -> tuple[list[DeadLetter], int]:
    """The letters moved (or that would be) and how many stay (entries without an envelope)."""
    redis = create_redis(KitSettings().redis_url)
    try:
        moved = await deadletter.redrive(redis, group, dry_run=dry_run)
        left = await deadletter.depth(redis, group) - (len(moved) if dry_run else 0)
        return moved, left
    finally:
        await redis.aclose()


def line(letter: DeadLetter) -> str:
    return "\t".join(
        (
            letter.dead_id,
            letter.stream or "-",
            letter.entry_id or "-",
            letter.event_type or "-",
            letter.dead_at or "-",
            letter.reason,
        )
    )
