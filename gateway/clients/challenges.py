"""Gamification client calls about check-in challenges: challenges, enrollments, check-ins, missed days, appeals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.gamification.challenge import (
    AppealDecision,
    AppealReview,
    ChallengePage,
    ChallengeRead,
    CheckedInRead,
    CheckinPage,
    EnrollmentPage,
    EnrollmentRead,
    MemberEnrollmentsBatch,
    MissedDayPage,
    MissedDayRead,
)
from gateway.clients.base import ServiceClient, idempotency_header, route, wire


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


def _page(*, first: int, after: str | None, **filters: str | int | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": first, **{k: v for k, v in filters.items() if v is not None}}
    if after is not None:
        params["cursor"] = after
    return params


class ChallengeCalls(ServiceClient):
    def _base(self, community_id: str, challenge_id: str) -> str:
        return route(
            "/v1/communities/{community_id}/challenges/{challenge_id}",
            community_id=community_id,
            challenge_id=challenge_id,
        )

    async def create_challenge(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> ChallengeRead:
        path = route("/v1/communities/{community_id}/challenges", community_id=community_id)
        return await self._request("POST", path, ChallengeRead, json=body, headers=_key(idempotency_key))

    async def challenges(self, community_id: str, *, first: int, after: str | None) -> ChallengePage:
        path = route("/v1/communities/{community_id}/challenges", community_id=community_id)
        return await self._request("GET", path, ChallengePage, params=_page(first=first, after=after))

    async def challenge(self, community_id: str, challenge_id: str) -> ChallengeRead:
        return await self._request("GET", self._base(community_id, challenge_id), ChallengeRead)

    async def enroll(self, community_id: str, challenge_id: str, member_id: str) -> EnrollmentRead:
        """Enrolling again answers with the enrollment there is, so a retry needs no key."""
        path = f"{self._base(community_id, challenge_id)}/enrollments"
        return await self._request("POST", path, EnrollmentRead, json={"member_id": member_id})

    async def withdraw(self, community_id: str, challenge_id: str, member_id: str) -> EnrollmentRead:
        path = self._base(community_id, challenge_id) + route("/enrollments/{member_id}", member_id=member_id)
        return await self._request("DELETE", path, EnrollmentRead)

    async def enrollments(
        self, community_id: str, challenge_id: str, *, first: int, after: str | None, status: str | None
    ) -> EnrollmentPage:
        path = f"{self._base(community_id, challenge_id)}/enrollments"
        return await self._request("GET", path, EnrollmentPage, params=_page(first=first, after=after, status=status))

    async def enrollments_of_members(
        self, community_id: str, member_ids: Sequence[str]
    ) -> dict[str, list[EnrollmentRead]]:
        batch = await self._request(
            "GET",
            route("/v1/communities/{community_id}/enrollments-of-members", community_id=community_id),
            MemberEnrollmentsBatch,
            params={"member_id": list(member_ids)},
        )
        return {item.member_id: item.enrollments for item in batch.items}

    async def check_in(
        self, community_id: str, challenge_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> CheckedInRead:
        path = f"{self._base(community_id, challenge_id)}/checkins"
        return await self._request("POST", path, CheckedInRead, json=body, headers=_key(idempotency_key))

    async def checkins(
        self,
        community_id: str,
        challenge_id: str,
        *,
        first: int,
        after: str | None,
        member_id: str | None,
        day: int | None,
    ) -> CheckinPage:
        path = f"{self._base(community_id, challenge_id)}/checkins"
        params = _page(first=first, after=after, member_id=member_id, day=day)
        return await self._request("GET", path, CheckinPage, params=params)

    async def missed_days(
        self,
        community_id: str,
        challenge_id: str,
        *,
        first: int,
        after: str | None,
        status: str | None,
        member_id: str | None,
    ) -> MissedDayPage:
        path = f"{self._base(community_id, challenge_id)}/missed-days"
        params = _page(first=first, after=after, status=status, member_id=member_id)
        return await self._request("GET", path, MissedDayPage, params=params)

    async def appeal(self, community_id: str, challenge_id: str, body: dict[str, Any]) -> MissedDayRead:
        path = f"{self._base(community_id, challenge_id)}/appeals"
        return await self._request("POST", path, MissedDayRead, json=body)

    async def review_appeal(
        self,
        community_id: str,
        missed_day_id: str,
        *,
        decision: AppealDecision,
        reviewer_member_id: str | None,
        note: str | None,
    ) -> MissedDayRead:
        path = route(
            "/v1/communities/{community_id}/missed-days/{missed_day_id}/review",
            community_id=community_id,
            missed_day_id=missed_day_id,
        )
        body = wire(AppealReview, decision=decision, reviewer_member_id=reviewer_member_id, note=note)
        return await self._request("POST", path, MissedDayRead, json=body)
