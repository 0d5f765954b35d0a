"""Gamification client calls about badges, rewards, surprise rules and attention probes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, RootModel

from gateway.clients.base import ServiceClient, idempotency_header, route


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


class BadgeDTO(BaseModel):
    id: str
    name: str
    description: str
    image_url: str | None
    criteria: dict[str, Any]
    repeatable: bool
    enabled: bool
    created_at: datetime


class BadgeListDTO(RootModel[list[BadgeDTO]]):
    pass


class AwardDTO(BaseModel):
    id: str
    badge_id: str
    member_id: str
    award_key: str
    source: str
    reason: str | None
    awarded_at: datetime


class MemberBadgesDTO(BaseModel):
    member_id: str
    awards: list[AwardDTO]


class MemberBadgesBatchDTO(BaseModel):
    items: list[MemberBadgesDTO]


class RewardDTO(BaseModel):
    id: str
    name: str
    description: str
    image_url: str | None
    cost: int
    stock: int | None
    per_member_limit: int | None
    available_from: datetime | None
    available_until: datetime | None
    active: bool
    created_at: datetime


class RewardListDTO(RootModel[list[RewardDTO]]):
    pass


class RedemptionDTO(BaseModel):
    id: str
    reward_id: str
    member_id: str
    cost: int
    status: str
    entry_id: str
    refund_entry_id: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime


class RedeemedDTO(BaseModel):
    redemption: RedemptionDTO
    balance: int | None


class RedemptionPageDTO(BaseModel):
    items: list[RedemptionDTO]
    next_cursor: str | None


class SurpriseRuleDTO(BaseModel):
    id: str
    name: str
    events: list[str]
    probability: float
    bonus: int
    daily_budget: int
    enabled: bool
    created_at: datetime


class SurpriseRuleListDTO(RootModel[list[SurpriseRuleDTO]]):
    pass


class DrawDTO(BaseModel):
    id: str
    rule_id: str
    event_id: str
    member_id: str
    day: date
    seed: str
    digest: str
    value: float
    threshold: float
    bonus: int
    budget_left: int
    outcome: str
    entry_id: str | None
    drawn_at: datetime


class DrawPageDTO(BaseModel):
    items: list[DrawDTO]
    next_cursor: str | None


class DrawVerificationDTO(BaseModel):
    draw: DrawDTO
    digest: str
    value: float
    matches: bool


class ProbeGroupDTO(BaseModel):
    group_id: str
    members_present: int | None


class ProbeDTO(BaseModel):
    id: str
    keyword: str
    message: str
    points_per_claim: int | None
    max_claims: int
    claims: int
    status: str
    dropped_at: datetime
    expires_at: datetime
    groups: list[ProbeGroupDTO]


class ProbePageDTO(BaseModel):
    items: list[ProbeDTO]
    next_cursor: str | None


class ClaimDTO(BaseModel):
    id: str
    probe_id: str
    member_id: str
    group_id: str | None
    via: str
    latency_ms: int
    entry_id: str | None
    claimed_at: datetime


class GroupReportDTO(BaseModel):
    group_id: str
    members_present: int | None
    claims: int
    claim_ratio: float | None
    latency_p50_ms: int | None
    latency_p90_ms: int | None
    latency_max_ms: int | None


class ProbeReportDTO(BaseModel):
    probe: ProbeDTO
    claims: int
    unattributed_claims: int
    groups: list[GroupReportDTO]
    claim_list: list[ClaimDTO]


class BadgeCalls(ServiceClient):
    async def badges(self, community_id: str) -> list[BadgeDTO]:
        return (
            await self._request(
                "GET", route("/v1/communities/{community_id}/badges", community_id=community_id), BadgeListDTO
            )
        ).root

    async def create_badge(self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None) -> BadgeDTO:
        path = route("/v1/communities/{community_id}/badges", community_id=community_id)
        return await self._request("POST", path, BadgeDTO, json=body, headers=_key(idempotency_key))

    async def award_badge(
        self, community_id: str, badge_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> AwardDTO:
        path = route(
            "/v1/communities/{community_id}/badges/{badge_id}/awards", community_id=community_id, badge_id=badge_id
        )
        return await self._request("POST", path, AwardDTO, json=body, headers=_key(idempotency_key))

    async def member_badges(self, community_id: str, member_ids: Sequence[str]) -> dict[str, list[AwardDTO]]:
        batch = await self._request(
            "GET",
            route("/v1/communities/{community_id}/badges-of-members", community_id=community_id),
            MemberBadgesBatchDTO,
            params={"member_id": list(member_ids)},
        )
        return {item.member_id: item.awards for item in batch.items}


class RewardCalls(ServiceClient):
    async def rewards(self, community_id: str) -> list[RewardDTO]:
        return (
            await self._request(
                "GET", route("/v1/communities/{community_id}/rewards", community_id=community_id), RewardListDTO
            )
        ).root

    async def create_reward(self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None) -> RewardDTO:
        path = route("/v1/communities/{community_id}/rewards", community_id=community_id)
        return await self._request("POST", path, RewardDTO, json=body, headers=_key(idempotency_key))

    async def redeem(
        self, community_id: str, reward_id: str, member_id: str, *, idempotency_key: str | None
    ) -> RedeemedDTO:
        path = route(
            "/v1/communities/{community_id}/rewards/{reward_id}/redemptions",
            community_id=community_id,
            reward_id=reward_id,
        )
        return await self._request(
            "POST", path, RedeemedDTO, json={"member_id": member_id}, headers=_key(idempotency_key)
        )

    async def move_redemption(
        self, community_id: str, redemption_id: str, action: str, *, note: str | None
    ) -> RedemptionDTO:
        path = route(
            "/v1/communities/{community_id}/redemptions/{redemption_id}/{action}",
            community_id=community_id,
            redemption_id=redemption_id,
            action=action,
        )
        return await self._request("POST", path, RedemptionDTO, json={"note": note})

    async def redemptions(self, community_id: str, *, params: dict[str, Any]) -> RedemptionPageDTO:
        path = route("/v1/communities/{community_id}/redemptions", community_id=community_id)
        return await self._request("GET", path, RedemptionPageDTO, params=params)


class SurpriseCalls(ServiceClient):
    async def surprise_rules(self, community_id: str) -> list[SurpriseRuleDTO]:
        return (
            await self._request(
                "GET", route("/v1/communities/{community_id}/surprises", community_id=community_id), SurpriseRuleListDTO
            )
        ).root

    async def create_surprise_rule(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> SurpriseRuleDTO:
        path = route("/v1/communities/{community_id}/surprises", community_id=community_id)
        return await self._request("POST", path, SurpriseRuleDTO, json=body, headers=_key(idempotency_key))

    async def surprise_draws(self, community_id: str, *, params: dict[str, Any]) -> DrawPageDTO:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/surprises/draws", community_id=community_id),
            DrawPageDTO,
            params=params,
        )

    async def verify_draw(self, community_id: str, draw_id: str) -> DrawVerificationDTO:
        path = route(
            "/v1/communities/{community_id}/surprises/draws/{draw_id}/verification",
            community_id=community_id,
            draw_id=draw_id,
        )
        return await self._request("GET", path, DrawVerificationDTO)


class ProbeCalls(ServiceClient):
    async def drop_probe(self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None) -> ProbeDTO:
        path = route("/v1/communities/{community_id}/probes", community_id=community_id)
        return await self._request("POST", path, ProbeDTO, json=body, headers=_key(idempotency_key))

    async def claim_probe(
        self, community_id: str, probe_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> ClaimDTO:
        path = route(
            "/v1/communities/{community_id}/probes/{probe_id}/claims", community_id=community_id, probe_id=probe_id
        )
        return await self._request("POST", path, ClaimDTO, json=body, headers=_key(idempotency_key))

    async def close_probe(self, community_id: str, probe_id: str) -> ProbeDTO:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/probes/{probe_id}/close", community_id=community_id, probe_id=probe_id
            ),
            ProbeDTO,
        )

    async def probes(self, community_id: str, *, limit: int) -> ProbePageDTO:
        path = route("/v1/communities/{community_id}/probes", community_id=community_id)
        return await self._request("GET", path, ProbePageDTO, params={"limit": limit})

    async def probe_report(self, community_id: str, probe_id: str) -> ProbeReportDTO:
        path = route(
            "/v1/communities/{community_id}/probes/{probe_id}/report", community_id=community_id, probe_id=probe_id
        )
        return await self._request("GET", path, ProbeReportDTO)
