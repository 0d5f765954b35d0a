"""Writes that name a member for another service go there only once membership knows the member.

Gamification keeps points, check-ins and rewards by member id and takes the gateway's word for it; the gateway
asks membership, the owner of members, first: an id of nobody is ``member_not_found`` (or
``community_not_found``) instead of points for no one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from gateway.schema.context import Context

T = TypeVar("T")


async def for_known_member(context: Context, community_id: str, member_id: str, call: Callable[[], Awaitable[T]]) -> T:
    await context.membership.get_member(community_id, member_id)  # raises ServiceProblem 404 for nobody
    return await call()
