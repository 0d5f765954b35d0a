"""Membership client calls about standing (follower, contributor, core) and its lock."""

from __future__ import annotations

from typing import Any

from contracts.membership.standing import StandingRead, StandingRecomputeRead, StandingRulesRead
from gateway.clients.base import ServiceClient, route


def _body(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


class StandingCalls(ServiceClient):
    async def member_standing(self, community_id: str, member_id: str) -> StandingRead:
        return await self._request(
            "GET",
            route(
                "/v1/communities/{community_id}/members/{member_id}/standing",
                community_id=community_id,
                member_id=member_id,
            ),
            StandingRead,
        )

    async def standing_rules(self, community_id: str) -> StandingRulesRead:
        return await self._request(
            "GET", route("/v1/communities/{community_id}/standing/rules", community_id=community_id), StandingRulesRead
        )

    async def set_standing_rules(
        self, community_id: str, rules: dict[str, Any], *, acting_member_id: str | None
    ) -> StandingRulesRead:
        body = _body(**rules, acting_member_id=acting_member_id)
        return await self._request(
            "PUT",
            route("/v1/communities/{community_id}/standing/rules", community_id=community_id),
            StandingRulesRead,
            json=body,
        )

    async def recompute_standing(self, community_id: str, *, acting_member_id: str | None) -> StandingRecomputeRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/standing/recompute", community_id=community_id),
            StandingRecomputeRead,
            json=_body(acting_member_id=acting_member_id),
        )

    async def lock_standing(
        self,
        community_id: str,
        member_id: str,
        *,
        standing: str | None,
        reason: str | None,
        acting_member_id: str | None,
    ) -> StandingRead:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/members/{member_id}/standing/lock",
                community_id=community_id,
                member_id=member_id,
            ),
            StandingRead,
            json=_body(standing=standing, reason=reason, acting_member_id=acting_member_id),
        )

    async def unlock_standing(
        self, community_id: str, member_id: str, *, reason: str | None, acting_member_id: str | None
    ) -> StandingRead:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/members/{member_id}/standing/unlock",
                community_id=community_id,
                member_id=member_id,
            ),
            StandingRead,
            json=_body(reason=reason, acting_member_id=acting_member_id),
        )
