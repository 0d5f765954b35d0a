"""Gamification client calls about check-in challenges: challenges, enrollments, check-ins, missed days, appeals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient, idempotency_header, route


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


def _page(*, first: int, after: str | None, **filters: str | int | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": first, **{k: v for k, v in filters.items() if v is not None}}
    if after is not None:
        params["cursor"] = after
    return params


class ChallengeDTO(BaseModel):
    id: str
    name: str
    description: str
    start_date: date
    days: int
    timezone: str
    window_start: time | None
    window_end: time | None
    proof_kind: str
    proof_min_length: int
    keywords: list[str]
    makeup_count: int
    makeup_days_back: int
    allowed_misses: int
    enroll_opens_at: datetime | None
    enroll_closes_at: datetime
    capacity: int | None
    enrolled_count: int
    tier_ids: list[str]
    stake_amount: int | None
    currency: str | None
    platform_fee_bps: int
    appeal_window_hours: int
    rolled_through_day: int
    finalized_at: datetime | None
    created_at: datetime


class ChallengePageDTO(BaseModel):
    items: list[ChallengeDTO]
    next_cursor: str | None


class EnrollmentDTO(BaseModel):
    id: str
    community_id: str
    challenge_id: str
    member_id: str
    status: str
    days_done: int
    makeups_used: int
    missed_days: int
    streak: int
    best_streak: int
    last_checkin_day: int | None
    stake_amount: int | None
    created_at: datetime
    decided_at: datetime | None


class EnrollmentPageDTO(BaseModel):
    items: list[EnrollmentDTO]
    next_cursor: str | None


class MemberEnrollmentsDTO(BaseModel):
    member_id: str
    enrollments: list[EnrollmentDTO]


class MemberEnrollmentsBatchDTO(BaseModel):
    items: list[MemberEnrollmentsDTO]


class CheckinDTO(BaseModel):
    id: str
    challenge_id: str
    enrollment_id: str
    member_id: str
    day: int
    local_date: date
    makeup: bool
    channel: str
    text: str
    photo_urls: list[str]
    checked_in_at: datetime


class CheckedInDTO(BaseModel):
    checkin: CheckinDTO
    enrollment: EnrollmentDTO


class CheckinPageDTO(BaseModel):
    items: list[CheckinDTO]
    next_cursor: str | None


class MissedDayDTO(BaseModel):
    id: str
    challenge_id: str
    enrollment_id: str
    member_id: str
    day: int
    local_date: date
    status: str
    appeal_until: datetime
    appeal_reason: str | None
    appealed_at: datetime | None
    reviewed_by: str | None
    review_note: str | None
    reviewed_at: datetime | None
    missed_at: datetime


class MissedDayPageDTO(BaseModel):
    items: list[MissedDayDTO]
    next_cursor: str | None


class ChallengeCalls(ServiceClient):
    def _base(self, community_id: str, challenge_id: str) -> str:
        return route(
            "/v1/communities/{community_id}/challenges/{challenge_id}",
            community_id=community_id,
            challenge_id=challenge_id,
        )

    async def create_challenge(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> ChallengeDTO:
        path = route("/v1/communities/{community_id}/challenges", community_id=community_id)
        return await self._request("POST", path, ChallengeDTO, json=body, headers=_key(idempotency_key))

    async def challenges(self, community_id: str, *, first: int, after: str | None) -> ChallengePageDTO:
        path = route("/v1/communities/{community_id}/challenges", community_id=community_id)
        return await self._request("GET", path, ChallengePageDTO, params=_page(first=first, after=after))

    async def challenge(self, community_id: str, challenge_id: str) -> ChallengeDTO:
        return await self._request("GET", self._base(community_id, challenge_id), ChallengeDTO)

    async def enroll(self, community_id: str, challenge_id: str, member_id: str) -> EnrollmentDTO:
        """Enrolling again answers with the enrollment there is, so a retry needs no key."""
        path = f"{self._base(community_id, challenge_id)}/enrollments"
        return await self._request("POST", path, EnrollmentDTO, json={"member_id": member_id})

    async def withdraw(self, community_id: str, challenge_id: str, member_id: str) -> EnrollmentDTO:
        path = self._base(community_id, challenge_id) + route("/enrollments/{member_id}", member_id=member_id)
        return await self._request("DELETE", path, EnrollmentDTO)

    async def enrollments(
        self, community_id: str, challenge_id: str, *, first: int, after: str | None, status: str | None
    ) -> EnrollmentPageDTO:
        path = f"{self._base(community_id, challenge_id)}/enrollments"
        return await self._request(
            "GET", path, EnrollmentPageDTO, params=_page(first=first, after=after, status=status)
        )

    async def enrollments_of_members(
        self, community_id: str, member_ids: Sequence[str]
    ) -> dict[str, list[EnrollmentDTO]]:
        batch = await self._request(
            "GET",
            route("/v1/communities/{community_id}/enrollments-of-members", community_id=community_id),
            MemberEnrollmentsBatchDTO,
            params={"member_id": list(member_ids)},
        )
        return {item.member_id: item.enrollments for item in batch.items}

    async def check_in(
        self, community_id: str, challenge_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> CheckedInDTO:
        path = f"{self._base(community_id, challenge_id)}/checkins"
        return await self._request("POST", path, CheckedInDTO, json=body, headers=_key(idempotency_key))

    async def checkins(
        self,
        community_id: str,
        challenge_id: str,
        *,
        first: int,
        after: str | None,
        member_id: str | None,
        day: int | None,
    ) -> CheckinPageDTO:
        path = f"{self._base(community_id, challenge_id)}/checkins"
        params = _page(first=first, after=after, member_id=member_id, day=day)
        return await self._request("GET", path, CheckinPageDTO, params=params)

    async def missed_days(
        self,
        community_id: str,
        challenge_id: str,
        *,
        first: int,
        after: str | None,
        status: str | None,
        member_id: str | None,
    ) -> MissedDayPageDTO:
        path = f"{self._base(community_id, challenge_id)}/missed-days"
        params = _page(first=first, after=after, status=status, member_id=member_id)
        return await self._request("GET", path, MissedDayPageDTO, params=params)

    async def appeal(self, community_id: str, challenge_id: str, body: dict[str, Any]) -> MissedDayDTO:
        path = f"{self._base(community_id, challenge_id)}/appeals"
        return await self._request("POST", path, MissedDayDTO, json=body)

    async def review_appeal(self, community_id: str, missed_day_id: str, body: dict[str, Any]) -> MissedDayDTO:
        path = route(
            "/v1/communities/{community_id}/missed-days/{missed_day_id}/review",
            community_id=community_id,
            missed_day_id=missed_day_id,
        )
        return await self._request("POST", path, MissedDayDTO, json=body)
