"""``guildhall clock show|advance``: a sandbox community's test clock, through the gateway's GraphQL API.

Through the gateway, not the services: an advance is the owner's move followed by every service's due
work, which the gateway orchestrates; and so it works the same against ``guildhall dev`` and a cluster.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

SHOW = "query($id: ID!) { community(id: $id) { id sandbox testClock { now } } }"
ADVANCE = """
mutation($input: AdvanceTestClockInput!) {
  advanceTestClock(input: $input) {
    __typename
    ... on AdvanceTestClockSuccess { testClock { now } from steps ran { service work counts { name value } } }
    ... on UserError { code message }
  }
}
"""


class ClockRefused(Exception):
    """What the gateway refused, worded for the command line."""


def gateway_http(url: str, api_key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {api_key}"}, timeout=600)


async def _graphql(http: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    try:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    except httpx.TransportError as error:
        raise ClockRefused(f"the gateway at {http.base_url} did not answer ({type(error).__name__})") from None
    body: dict[str, Any] = response.json() if response.content else {}
    if response.is_error or body.get("errors"):
        errors = body.get("errors") or [{"message": response.text[:200]}]
        raise ClockRefused("; ".join(str(error.get("message")) for error in errors))
    data: dict[str, Any] = body["data"]
    return data


async def show(http: httpx.AsyncClient, community_id: str) -> str:
    community = (await _graphql(http, SHOW, id=community_id))["community"]
    if community["testClock"] is None:
        raise ClockRefused(f"not_a_sandbox: community {community_id} runs on real time")
    return f"{community_id}\t{community['testClock']['now']}"


async def advance(
    http: httpx.AsyncClient, community_id: str, *, to: datetime | None, by: str | None, step: str
) -> list[str]:
    """The new time, then one line per piece of due work that ran (service, work, its counts)."""
    given = {"communityId": community_id, "to": to.isoformat() if to else None, "by": by, "step": step}
    payload = (await _graphql(http, ADVANCE, input=given))["advanceTestClock"]
    if payload["__typename"] != "AdvanceTestClockSuccess":
        raise ClockRefused(f"{payload['code']}: {payload['message']}")
    lines = [f"{community_id}\t{payload['testClock']['now']}\t(from {payload['from']}, {payload['steps']} steps)"]
    for run in payload["ran"]:
        counts = " ".join(f"{count['name']}={count['value']}" for count in run["counts"])
        lines.append(f"  {run['service']}\t{run['work']}\t{counts}")
    return lines
