"""Membership client calls about lurker purges: preview, runs, exemptions, the way back in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient, idempotency_header, route


class PurgeReasonDTO(BaseModel):
    code: str
    detail: str


class PurgeRulesDTO(BaseModel):
    inactive_days: int
    missed_assignments: int | None
    grace_days: int
    return_days: int
    warning_text: str


class PurgeCandidateDTO(BaseModel):
    member_id: str
    display_name: str
    status: str
    role: str
    joined_at: datetime | None
    reasons: list[PurgeReasonDTO]
    exclusions: list[str]


class PurgePreviewDTO(BaseModel):
    rules: PurgeRulesDTO
    candidates: list[PurgeCandidateDTO]
    excluded: list[PurgeCandidateDTO]


class PurgeRunMemberDTO(BaseModel):
    member_id: str
    state: str
    reasons: list[PurgeReasonDTO]
    warnings_sent: int
    previous_status: str | None
    previous_tier_id: str | None
    note: str | None
    resolved_at: datetime | None
    return_until: datetime | None


class PurgeRunDTO(BaseModel):
    id: str
    status: str
    rules: PurgeRulesDTO
    started_by: str
    note: str | None
    started_at: datetime
    remove_after: datetime
    warnings_sent: int
    finished_at: datetime | None
    cancelled_by: str | None
    cancel_reason: str | None
    members: list[PurgeRunMemberDTO] | None = None


class PurgeRunPageDTO(BaseModel):
    items: list[PurgeRunDTO]
    next_cursor: str | None


class PurgeStartDTO(BaseModel):
    inactive_days: int | None = None
    missed_assignments: int | None = None
    grace_days: int | None = None
    return_days: int | None = None
    warning_text: str | None = None
    member_ids: list[str] | None = None
    note: str | None = None
    acting_member_id: str | None = None


class ReturnedMembershipDTO(BaseModel):
    id: str
    tier_id: str | None
    status: str
    source: str
    joined_at: datetime | None


class PurgeExemptionDTO(BaseModel):
    member_id: str
    exempt: bool
    actor: str | None
    reason: str | None
    at: datetime | None


def _params(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


class PurgeCalls(ServiceClient):
    async def purge_preview(
        self,
        community_id: str,
        *,
        inactive_days: int | None,
        missed_assignments: int | None,
        acting_member_id: str | None,
    ) -> PurgePreviewDTO:
        params = _params(
            inactive_days=inactive_days, missed_assignments=missed_assignments, acting_member_id=acting_member_id
        )
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/purge/preview", community_id=community_id),
            PurgePreviewDTO,
            params=params,
        )

    async def start_purge(self, community_id: str, data: PurgeStartDTO, *, idempotency_key: str | None) -> PurgeRunDTO:
        headers = idempotency_header(idempotency_key)
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/purge/runs", community_id=community_id),
            PurgeRunDTO,
            json=data.model_dump(exclude_none=True),
            headers=headers,
        )

    async def purge_run(self, community_id: str, run_id: str, *, acting_member_id: str | None) -> PurgeRunDTO:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/purge/runs/{run_id}", community_id=community_id, run_id=run_id),
            PurgeRunDTO,
            params=_params(acting_member_id=acting_member_id),
        )

    async def purge_runs(
        self, community_id: str, *, after: str | None, limit: int, acting_member_id: str | None
    ) -> PurgeRunPageDTO:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/purge/runs", community_id=community_id),
            PurgeRunPageDTO,
            params=_params(cursor=after, limit=limit, acting_member_id=acting_member_id),
        )

    async def cancel_purge(
        self, community_id: str, run_id: str, *, reason: str | None, acting_member_id: str | None
    ) -> PurgeRunDTO:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/purge/runs/{run_id}/cancel", community_id=community_id, run_id=run_id
            ),
            PurgeRunDTO,
            json=_params(reason=reason, acting_member_id=acting_member_id),
        )

    async def return_from_purge(
        self, community_id: str, member_id: str, *, idempotency_key: str | None
    ) -> ReturnedMembershipDTO:
        headers = idempotency_header(idempotency_key)
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/purge/returns", community_id=community_id),
            ReturnedMembershipDTO,
            json={"member_id": member_id},
            headers=headers,
        )

    async def set_purge_exemption(
        self, community_id: str, member_id: str, *, exempt: bool, reason: str | None, acting_member_id: str | None
    ) -> PurgeExemptionDTO:
        return await self._request(
            "PUT",
            route(
                "/v1/communities/{community_id}/members/{member_id}/purge-exemption",
                community_id=community_id,
                member_id=member_id,
            ),
            PurgeExemptionDTO,
            json=_params(exempt=exempt, reason=reason, acting_member_id=acting_member_id),
        )
