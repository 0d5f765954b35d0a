"""Gamification client calls about badges, rewards, surprise rules and attention probes; answers parse into the
service's contract (``contracts/gamification/``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from contracts.gamification.badge import AwardRead, BadgeRead, MemberBadgesBatch
from contracts.gamification.probe import ClaimRead, ProbePage, ProbeRead, ProbeReportRead
from contracts.gamification.reward import RedeemedRead, RedemptionCreate, RedemptionPage, RedemptionRead, RewardRead
from contracts.gamification.surprise import DrawPage, DrawVerification, SurpriseRuleRead
from gateway.clients.base import ServiceClient, idempotency_header, route, wire

# The routes that move a requested redemption on: ``/redemptions/{id}/fulfil`` and ``/redemptions/{id}/cancel``.
RedemptionAction = Literal["fulfil", "cancel"]


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


class BadgeCalls(ServiceClient):
    async def badges(self, community_id: str) -> list[BadgeRead]:
        return await self._request_list(
            "GET", route("/v1/communities/{community_id}/badges", community_id=community_id), BadgeRead
        )

    async def create_badge(self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None) -> BadgeRead:
        path = route("/v1/communities/{community_id}/badges", community_id=community_id)
        return await self._request("POST", path, BadgeRead, json=body, headers=_key(idempotency_key))

    async def award_badge(
        self, community_id: str, badge_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> AwardRead:
        path = route(
            "/v1/communities/{community_id}/badges/{badge_id}/awards", community_id=community_id, badge_id=badge_id
        )
        return await self._request("POST", path, AwardRead, json=body, headers=_key(idempotency_key))

    async def member_badges(self, community_id: str, member_ids: Sequence[str]) -> dict[str, list[AwardRead]]:
        batch = await self._request(
            "GET",
            route("/v1/communities/{community_id}/badges-of-members", community_id=community_id),
            MemberBadgesBatch,
            params={"member_id": list(member_ids)},
        )
        return {item.member_id: item.awards for item in batch.items}


class RewardCalls(ServiceClient):
    async def rewards(self, community_id: str) -> list[RewardRead]:
        return await self._request_list(
            "GET", route("/v1/communities/{community_id}/rewards", community_id=community_id), RewardRead
        )

    async def create_reward(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> RewardRead:
        path = route("/v1/communities/{community_id}/rewards", community_id=community_id)
        return await self._request("POST", path, RewardRead, json=body, headers=_key(idempotency_key))

    async def redeem(
        self, community_id: str, reward_id: str, member_id: str, *, idempotency_key: str | None
    ) -> RedeemedRead:
        path = route(
            "/v1/communities/{community_id}/rewards/{reward_id}/redemptions",
            community_id=community_id,
            reward_id=reward_id,
        )
        return await self._request(
            "POST", path, RedeemedRead, json=wire(RedemptionCreate, member_id=member_id), headers=_key(idempotency_key)
        )

    async def move_redemption(
        self, community_id: str, redemption_id: str, action: RedemptionAction, *, note: str | None
    ) -> RedemptionRead:
        path = route(
            "/v1/communities/{community_id}/redemptions/{redemption_id}/{action}",
            community_id=community_id,
            redemption_id=redemption_id,
            action=action,
        )
        return await self._request("POST", path, RedemptionRead, json={"note": note})

    async def redemptions(self, community_id: str, *, params: dict[str, Any]) -> RedemptionPage:
        path = route("/v1/communities/{community_id}/redemptions", community_id=community_id)
        return await self._request("GET", path, RedemptionPage, params=params)


class SurpriseCalls(ServiceClient):
    async def surprise_rules(self, community_id: str) -> list[SurpriseRuleRead]:
        return await self._request_list(
            "GET", route("/v1/communities/{community_id}/surprises", community_id=community_id), SurpriseRuleRead
        )

    async def create_surprise_rule(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> SurpriseRuleRead:
        path = route("/v1/communities/{community_id}/surprises", community_id=community_id)
        return await self._request("POST", path, SurpriseRuleRead, json=body, headers=_key(idempotency_key))

    async def surprise_draws(self, community_id: str, *, params: dict[str, Any]) -> DrawPage:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/surprises/draws", community_id=community_id),
            DrawPage,
            params=params,
        )

    async def verify_draw(self, community_id: str, draw_id: str) -> DrawVerification:
        path = route(
            "/v1/communities/{community_id}/surprises/draws/{draw_id}/verification",
            community_id=community_id,
            draw_id=draw_id,
        )
        return await self._request("GET", path, DrawVerification)


class ProbeCalls(ServiceClient):
    async def drop_probe(self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None) -> ProbeRead:
        path = route("/v1/communities/{community_id}/probes", community_id=community_id)
        return await self._request("POST", path, ProbeRead, json=body, headers=_key(idempotency_key))

    async def claim_probe(
        self, community_id: str, probe_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> ClaimRead:
        path = route(
            "/v1/communities/{community_id}/probes/{probe_id}/claims", community_id=community_id, probe_id=probe_id
        )
        return await self._request("POST", path, ClaimRead, json=body, headers=_key(idempotency_key))

    async def close_probe(self, community_id: str, probe_id: str) -> ProbeRead:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/probes/{probe_id}/close", community_id=community_id, probe_id=probe_id
            ),
            ProbeRead,
        )

    async def probes(self, community_id: str, *, limit: int, before: str | None = None) -> ProbePage:
        """Newest first; ``before`` is the id of the last probe already read."""
        params: dict[str, Any] = {"limit": limit} if before is None else {"limit": limit, "before": before}
        path = route("/v1/communities/{community_id}/probes", community_id=community_id)
        return await self._request("GET", path, ProbePage, params=params)

    async def probe_report(self, community_id: str, probe_id: str) -> ProbeReportRead:
        path = route(
            "/v1/communities/{community_id}/probes/{probe_id}/report", community_id=community_id, probe_id=probe_id
        )
        return await self._request("GET", path, ProbeReportRead)
