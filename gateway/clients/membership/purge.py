"""Membership client calls about lurker purges: preview, runs, exemptions, the way back in."""

from __future__ import annotations

from typing import Any

from contracts.membership.member import MembershipRead
from contracts.membership.purge import (
    PurgeCancel,
    PurgeExemptionRead,
    PurgeExemptionWrite,
    PurgePreviewRead,
    PurgeReturn,
    PurgeRunRead,
    PurgeRunSummaryRead,
    PurgeStart,
)
from gateway.clients.base import ServiceClient, idempotency_header, route, wire
from kit.pagination import PageOut


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
    ) -> PurgePreviewRead:
        params = _params(
            inactive_days=inactive_days, missed_assignments=missed_assignments, acting_member_id=acting_member_id
        )
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/purge/preview", community_id=community_id),
            PurgePreviewRead,
            params=params,
        )

    async def start_purge(self, community_id: str, data: PurgeStart, *, idempotency_key: str | None) -> PurgeRunRead:
        headers = idempotency_header(idempotency_key)
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/purge/runs", community_id=community_id),
            PurgeRunRead,
            json=data,
            headers=headers,
        )

    async def purge_run(self, community_id: str, run_id: str, *, acting_member_id: str | None) -> PurgeRunRead:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/purge/runs/{run_id}", community_id=community_id, run_id=run_id),
            PurgeRunRead,
            params=_params(acting_member_id=acting_member_id),
        )

    async def purge_runs(
        self, community_id: str, *, after: str | None, limit: int, acting_member_id: str | None
    ) -> PageOut[PurgeRunSummaryRead]:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/purge/runs", community_id=community_id),
            PageOut[PurgeRunSummaryRead],
            params=_params(cursor=after, limit=limit, acting_member_id=acting_member_id),
        )

    async def cancel_purge(
        self, community_id: str, run_id: str, *, reason: str | None, acting_member_id: str | None
    ) -> PurgeRunRead:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/purge/runs/{run_id}/cancel", community_id=community_id, run_id=run_id
            ),
            PurgeRunRead,
            json=wire(PurgeCancel, **_params(reason=reason, acting_member_id=acting_member_id)),
        )

    async def return_from_purge(
        self, community_id: str, member_id: str, *, idempotency_key: str | None
    ) -> MembershipRead:
        headers = idempotency_header(idempotency_key)
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/purge/returns", community_id=community_id),
            MembershipRead,
            json=wire(PurgeReturn, member_id=member_id),
            headers=headers,
        )

    async def set_purge_exemption(
        self, community_id: str, member_id: str, *, exempt: bool, reason: str | None, acting_member_id: str | None
    ) -> PurgeExemptionRead:
        return await self._request(
            "PUT",
            route(
                "/v1/communities/{community_id}/members/{member_id}/purge-exemption",
                community_id=community_id,
                member_id=member_id,
            ),
            PurgeExemptionRead,
            json=wire(PurgeExemptionWrite, **_params(exempt=exempt, reason=reason, acting_member_id=acting_member_id)),
        )
