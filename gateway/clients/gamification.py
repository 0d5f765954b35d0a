"""Typed client of the gamification service: answers parse into its contract (``contracts/gamification/``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from contracts.gamification.leaderboard import LeaderboardRead, MemberRanksBatch, RankedRead, Window
from contracts.gamification.ledger import BalanceBatch, BalanceRead, EntryPage, PointSettingsRead, PostedRead
from contracts.gamification.level import CommunityLevels, CommunityLevelsBatch, LevelRead
from contracts.gamification.rule import RuleCreate, RuleRead
from gateway.clients.base import ServiceClient, idempotency_header, route
from gateway.clients.certificate import CertificateCalls
from gateway.clients.challenges import ChallengeCalls
from gateway.clients.deposit import DepositCalls
from gateway.clients.rewards import BadgeCalls, ProbeCalls, RewardCalls, SurpriseCalls
from gateway.clients.sandbox_clock import DueWorkCalls

# The routes that post a plain grant or spend: ``/points/grants`` and ``/points/spends``.
PointsAction = Literal["grants", "spends"]


class LevelCalls(ServiceClient):
    async def levels_by_community(self, community_ids: Sequence[str]) -> dict[str, list[LevelRead]]:
        batch = await self._request(
            "GET", "/v1/levels", CommunityLevelsBatch, params={"community_id": list(community_ids)}
        )
        return {item.community_id: item.levels for item in batch.items}

    async def replace_levels(self, community_id: str, levels: list[dict[str, Any]]) -> list[LevelRead]:
        path = route("/v1/communities/{community_id}/levels", community_id=community_id)
        scheme = await self._request("PUT", path, CommunityLevels, json={"levels": levels})
        return scheme.levels


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


class PointsCalls(ServiceClient):
    async def balances(self, community_id: str, member_ids: Sequence[str]) -> dict[str, BalanceRead]:
        batch = await self._request(
            "GET",
            route("/v1/communities/{community_id}/points/balances", community_id=community_id),
            BalanceBatch,
            params={"member_id": list(member_ids)},
        )
        return {item.member_id: item for item in batch.items}

    async def member_ranks(self, community_id: str, member_ids: Sequence[str]) -> dict[str, dict[Window, RankedRead]]:
        batch = await self._request(
            "GET",
            route("/v1/communities/{community_id}/leaderboards", community_id=community_id),
            MemberRanksBatch,
            params={"member_id": list(member_ids)},
        )
        return {item.member_id: item.ranks for item in batch.items}

    async def leaderboard(
        self, community_id: str, window: Window, *, limit: int, member_id: str | None, radius: int
    ) -> LeaderboardRead:
        params: dict[str, Any] = {"limit": limit, "radius": radius}
        if member_id is not None:
            params["member_id"] = member_id
        return await self._request(
            "GET",
            route(
                "/v1/communities/{community_id}/leaderboards/{window}", community_id=community_id, window=window.value
            ),
            LeaderboardRead,
            params=params,
        )

    async def entries(self, community_id: str, member_id: str, *, limit: int) -> EntryPage:
        return await self._request(
            "GET",
            route(
                "/v1/communities/{community_id}/members/{member_id}/points/entries",
                community_id=community_id,
                member_id=member_id,
            ),
            EntryPage,
            params={"limit": limit},
        )

    async def post_points(
        self, community_id: str, action: PointsAction, body: dict[str, Any], *, idempotency_key: str | None
    ) -> PostedRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/points/{action}", community_id=community_id, action=action),
            PostedRead,
            json=body,
            headers=_key(idempotency_key),
        )

    async def rules(self, community_id: str) -> list[RuleRead]:
        return await self._request_list(
            "GET", route("/v1/communities/{community_id}/rules", community_id=community_id), RuleRead
        )

    async def create_rule(self, community_id: str, data: RuleCreate, *, idempotency_key: str | None) -> RuleRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/rules", community_id=community_id),
            RuleRead,
            json=data,
            headers=_key(idempotency_key),
        )

    async def change_rule(self, community_id: str, rule_id: str, changes: dict[str, Any]) -> RuleRead:
        """A new version of the rule with ``changes`` (only the keys given)."""
        return await self._request(
            "PATCH",
            route("/v1/communities/{community_id}/rules/{rule_id}", community_id=community_id, rule_id=rule_id),
            RuleRead,
            json=changes,
        )

    async def correct_points(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> PostedRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/points/corrections", community_id=community_id),
            PostedRead,
            json=body,
            headers=_key(idempotency_key),
        )

    async def point_settings(self, community_id: str) -> PointSettingsRead:
        return await self._request(
            "GET", route("/v1/communities/{community_id}/points/settings", community_id=community_id), PointSettingsRead
        )

    async def change_point_settings(self, community_id: str, changes: dict[str, Any]) -> PointSettingsRead:
        """Only the keys given change; decay is both of its keys or neither."""
        return await self._request(
            "PUT",
            route("/v1/communities/{community_id}/points/settings", community_id=community_id),
            PointSettingsRead,
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
