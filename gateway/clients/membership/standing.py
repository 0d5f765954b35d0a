"""Membership client calls about standing (follower, contributor, core) and its lock."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient, route


class StandingCriterionDTO(BaseModel):
    metric: str
    minimum: int
    value: int


class StandingLevelDTO(BaseModel):
    level: str
    window_days: int
    met: bool
    held: bool
    criteria: list[StandingCriterionDTO]


class StandingDTO(BaseModel):
    member_id: str
    standing: str
    locked: bool
    below_since: date | None
    evaluated_at: datetime | None
    grace_days: int
    levels: list[StandingLevelDTO]


class StandingRulesDTO(BaseModel):
    contributor: dict[str, int]
    core: dict[str, int]
    grace_days: int


class StandingChangeDTO(BaseModel):
    member_id: str
    from_standing: str
    to_standing: str
    reason: str | None


class StandingRecomputeDTO(BaseModel):
    changes: list[StandingChangeDTO]


def _body(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


class StandingCalls(ServiceClient):
    async def member_standing(self, community_id: str, member_id: str) -> StandingDTO:
        return await self._request(
            "GET",
            route(
                "/v1/communities/{community_id}/members/{member_id}/standing",
                community_id=community_id,
                member_id=member_id,
            ),
            StandingDTO,
        )

    async def standing_rules(self, community_id: str) -> StandingRulesDTO:
        return await self._request(
            "GET", route("/v1/communities/{community_id}/standing/rules", community_id=community_id), StandingRulesDTO
        )

    async def set_standing_rules(
        self, community_id: str, rules: dict[str, Any], *, acting_member_id: str | None
    ) -> StandingRulesDTO:
        body = _body(**rules, acting_member_id=acting_member_id)
        return await self._request(
            "PUT",
            route("/v1/communities/{community_id}/standing/rules", community_id=community_id),
            StandingRulesDTO,
            json=body,
        )

    async def recompute_standing(self, community_id: str, *, acting_member_id: str | None) -> StandingRecomputeDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/standing/recompute", community_id=community_id),
            StandingRecomputeDTO,
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
    ) -> StandingDTO:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/members/{member_id}/standing/lock",
                community_id=community_id,
                member_id=member_id,
            ),
            StandingDTO,
            json=_body(standing=standing, reason=reason, acting_member_id=acting_member_id),
        )

    async def unlock_standing(
        self, community_id: str, member_id: str, *, reason: str | None, acting_member_id: str | None
    ) -> StandingDTO:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/members/{member_id}/standing/unlock",
                community_id=community_id,
                member_id=member_id,
            ),
            StandingDTO,
            json=_body(reason=reason, acting_member_id=acting_member_id),
        )
