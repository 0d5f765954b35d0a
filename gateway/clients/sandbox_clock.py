"""Client calls of sandbox communities' test clocks: the owner's advance, and every other service's due work."""

from __future__ import annotations

from typing import Any

from contracts.membership.community import TestClockAdvanced
from gateway.clients.base import ServiceClient, route
from kit.sandbox_clock import DueWorkRan


class ClockAdvanceCalls(ServiceClient):
    """Membership's: it owns the clocks."""

    async def advance_test_clock(self, community_id: str, data: dict[str, Any]) -> TestClockAdvanced:
        path = route("/v1/communities/{community_id}/test-clock/advance", community_id=community_id)
        return await self._request("POST", path, TestClockAdvanced, json=data)


class DueWorkCalls(ServiceClient):
    """Every other service's: run its due work over the stretch the owner's clock just moved."""

    async def run_test_clock_due_work(self, moved: TestClockAdvanced) -> DueWorkRan:
        # A plain body: kit's DueWorkRun takes "from" by its alias, which a model dump would not write.
        body = {
            "from": moved.from_.isoformat(),
            "to": moved.now.isoformat(),
            "timezone": moved.timezone,
            "step_seconds": moved.step_seconds,
        }
        path = route("/v1/communities/{community_id}/test-clock/due-work", community_id=moved.community_id)
        return await self._request("POST", path, DueWorkRan, json=body)
