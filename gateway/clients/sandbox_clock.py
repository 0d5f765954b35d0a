"""Client calls of sandbox communities' test clocks: the owner's advance, and every other service's due work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from gateway.clients.base import ServiceClient, route

Ran = dict[str, dict[str, int]]


class ClockAdvancedDTO(BaseModel):
    community_id: str
    timezone: str
    start: datetime = Field(alias="from")
    now: datetime
    step_seconds: int
    steps: int
    ran: Ran


class DueWorkRanDTO(BaseModel):
    service: str
    now: datetime
    steps: int
    ran: Ran


class ClockAdvanceCalls(ServiceClient):
    """Membership's: it owns the clocks."""

    async def advance_test_clock(self, community_id: str, data: dict[str, Any]) -> ClockAdvancedDTO:
        path = route("/v1/communities/{community_id}/test-clock/advance", community_id=community_id)
        return await self._request("POST", path, ClockAdvancedDTO, json=data)


class DueWorkCalls(ServiceClient):
    """Every other service's: run its due work over the stretch the owner's clock just moved."""

    async def run_test_clock_due_work(self, moved: ClockAdvancedDTO) -> DueWorkRanDTO:
        body = {
            "from": moved.start.isoformat(),
            "to": moved.now.isoformat(),
            "timezone": moved.timezone,
            "step_seconds": moved.step_seconds,
        }
        path = route("/v1/communities/{community_id}/test-clock/due-work", community_id=moved.community_id)
        return await self._request("POST", path, DueWorkRanDTO, json=body)
