"""Typed client of the gamification service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, RootModel

from gateway.clients.base import ServiceClient, idempotency_header, route
from gateway.clients.certificate import CertificateCalls
from gateway.clients.challenges import ChallengeCalls
from gateway.clients.deposit import DepositCalls
from gateway.clients.rewards import BadgeCalls, ProbeCalls, RewardCalls, SurpriseCalls
from gateway.clients.sandbox_clock import DueWorkCalls


class LevelDTO(BaseModel):
    id: str
    rank: int
    name: str
    threshold: int
    chat_role: str | None = None


class CommunityLevelsDTO(BaseModel):
    community_id: str
    levels: list[LevelDTO]


class CommunityLevelsBatchDTO(BaseModel):
    items: list[CommunityLevelsDTO]


class LevelCalls(ServiceClient):
    async def levels_by_community(self, community_ids: Sequence[str]) -> dict[str, list[LevelDTO]]:
        batch = await self._request(
            "GET", "/v1/levels", CommunityLevelsBatchDTO, params={"community_id": list(community_ids)}
        )
        return {item.community_id: item.levels for item in batch.items}

    async def replace_levels(self, community_id: str, levels: list[dict[str, Any]]) -> list[LevelDTO]:
        path = route("/v1/communities/{community_id}/levels", community_id=community_id)
        scheme = await self._request("PUT", path, CommunityLevelsDTO, json={"levels": levels})
        return scheme.levels


class BalanceDTO(BaseModel):
    member_id: str
    balance: int
    lifetime: int
    level_rank: int
    tier_id: str | None = None


class BalanceBatchDTO(BaseModel):
    items: list[BalanceDTO]


class RankedDTO(BaseModel):
    member_id: str
    score: int
    rank: int


class MemberRanksDTO(BaseModel):
    member_id: str
    ranks: dict[str, RankedDTO]


class MemberRanksBatchDTO(BaseModel):
    items: list[MemberRanksDTO]


class LeaderboardDTO(BaseModel):
    window: str
    period: str
    top: list[RankedDTO]
    me: RankedDTO | None = None
    around: list[RankedDTO] = []


class EntryDTO(BaseModel):
    id: str
    member_id: str
    kind: str
    points: int
    reason: str
    source: str
    rule_version_id: str | None
    corrects_entry_id: str | None
    occurred_at: datetime


class EntryPageDTO(BaseModel):
    items: list[EntryDTO]
    next_cursor: str | None


class PostedDTO(BaseModel):
    entry: EntryDTO
    balance: int
    lifetime: int


class RuleDTO(BaseModel):
    id: str
    rule_id: str
    version: int
    name: str
    event: str
    points: int
    daily_cap: int | None
    cooldown_seconds: int
    conditions: dict[str, Any]
    tier_multipliers: dict[str, float]
    enabled: bool


class RuleCreateDTO(BaseModel):
    name: str
    event: str
    points: int
    daily_cap: int | None = None
    cooldown_seconds: int = 0
    conditions: dict[str, Any] = {}
    tier_multipliers: dict[str, float] = {}
    enabled: bool = True


class PointSettingsDTO(BaseModel):
    timezone: str
    decay_after_days: int | None
    decay_percent: int | None
    decayed_on: date | None


class RuleListDTO(RootModel[list[RuleDTO]]):
    pass


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


class PointsCalls(ServiceClient):
    async def balances(self, community_id: str, member_ids: Sequence[str]) -> dict[str, BalanceDTO]:
        batch = await self._request(
            "GET",
            route("/v1/communities/{community_id}/points/balances", community_id=community_id),
            BalanceBatchDTO,
            params={"member_id": list(member_ids)},
        )
        return {item.member_id: item for item in batch.items}

    async def member_ranks(self, community_id: str, member_ids: Sequence[str]) -> dict[str, dict[str, RankedDTO]]:
        batch = await self._request(
            "GET",
            route("/v1/communities/{community_id}/leaderboards", community_id=community_id),
            MemberRanksBatchDTO,
            params={"member_id": list(member_ids)},
        )
        return {item.member_id: item.ranks for item in batch.items}

    async def leaderboard(
        self, community_id: str, window: str, *, limit: int, member_id: str | None, radius: int
    ) -> LeaderboardDTO:
        params: dict[str, Any] = {"limit": limit, "radius": radius}
        if member_id is not None:
            params["member_id"] = member_id
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/leaderboards/{window}", community_id=community_id, window=window),
            LeaderboardDTO,
            params=params,
        )

    async def entries(self, community_id: str, member_id: str, *, limit: int) -> EntryPageDTO:
        return await self._request(
            "GET",
            route(
                "/v1/communities/{community_id}/members/{member_id}/points/entries",
                community_id=community_id,
                member_id=member_id,
            ),
            EntryPageDTO,
            params={"limit": limit},
        )

    async def post_points(
        self, community_id: str, action: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> PostedDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/points/{action}", community_id=community_id, action=action),
            PostedDTO,
            json=body,
            headers=_key(idempotency_key),
        )

    async def rules(self, community_id: str) -> list[RuleDTO]:
        return (
            await self._request(
                "GET", route("/v1/communities/{community_id}/rules", community_id=community_id), RuleListDTO
            )
        ).root

    async def create_rule(self, community_id: str, data: RuleCreateDTO, *, idempotency_key: str | None) -> RuleDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/rules", community_id=community_id),
            RuleDTO,
            json=data.model_dump(),
            headers=_key(idempotency_key),
        )

    async def change_rule(self, community_id: str, rule_id: str, changes: dict[str, Any]) -> RuleDTO:
        """A new version of the rule with ``changes`` (only the keys given)."""
        return await self._request(
            "PATCH",
            route("/v1/communities/{community_id}/rules/{rule_id}", community_id=community_id, rule_id=rule_id),
            RuleDTO,
            json=changes,
        )

    async def correct_points(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> PostedDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/points/corrections", community_id=community_id),
            PostedDTO,
            json=body,
            headers=_key(idempotency_key),
        )

    async def point_settings(self, community_id: str) -> PointSettingsDTO:
        return await self._request(
            "GET", route("/v1/communities/{community_id}/points/settings", community_id=community_id), PointSettingsDTO
        )

    async def change_point_settings(self, community_id: str, changes: dict[str, Any]) -> PointSettingsDTO:
        """Only the keys given change; decay is both of its keys or neither."""
        return await self._request(
            "PUT",
            route("/v1/communities/{community_id}/points/settings", community_id=community_id),
            PointSettingsDTO,
            json=changes,
        )


class GamificationClient(
    LevelCalls,
    PointsCalls,
    BadgeCalls,
    RewardCalls,
    SurpriseCalls,
    ProbeCalls,
    DepositCalls,
    CertificateCalls,
    ChallengeCalls,
    DueWorkCalls,
):
    service = "gamification"
