"""The first slice through everything: a community created at the gateway, stored by membership,
announced as an event, set up by gamification and content, read back in one query."""

from __future__ import annotations

import json
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlmodel import select

from guildhall.embedded import EmbeddedGuildhall
from kit.tables import outbox
from tests.support.factories import CREATE_COMMUNITY, community_input, create_community, create_community_key
from tests.support.guildhall import ADMIN_KEY, GraphQL, eventually

COMMUNITY = """
query One($id: ID!) {
  community(id: $id) {
    id name timezone
    levels { rank name threshold }
    welcomeTemplate { body batchWindowSeconds enabled }
  }
}
"""


async def community_with_defaults(graphql: GraphQL, community_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        body = await graphql(COMMUNITY, id=community_id)
        community = body["data"]["community"]
        ready = community["levels"] and community["welcomeTemplate"]
        return community if ready else None

    return await eventually(probe)


async def test_a_new_community_gets_levels_and_a_welcome_from_the_other_services(admin: GraphQL) -> None:
    created = await create_community(admin, name="Early Risers", timezone="Asia/Shanghai", mission="Up at five")

    community = await community_with_defaults(admin, created["id"])

    assert community["id"].startswith("cmty_")
    assert (community["name"], community["timezone"]) == ("Early Risers", "Asia/Shanghai")
    thresholds = [level["threshold"] for level in community["levels"]]
    assert thresholds == sorted(thresholds)
    assert community["levels"][0] == {"rank": 1, "name": "Newcomer", "threshold": 0}
    assert "Early Risers" in community["welcomeTemplate"]["body"]
    assert community["welcomeTemplate"]["enabled"] is True


async def test_wrong_timezone_and_empty_name_are_named_and_change_nothing(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    body = await admin(CREATE_COMMUNITY, input={"name": "   ", "timezone": "Mars/Olympus"})

    payload = body["data"]["createCommunity"]
    assert payload["__typename"] == "InvalidInputError"
    fields = {error["field"]: error["reason"] for error in payload["fields"]}
    assert fields["name"] == "must not be empty"
    assert "Mars/Olympus" in fields["timezone"]
    assert "IANA" in fields["timezone"]
    listed = await guildhall_communities(guildhall)
    assert listed == []


async def guildhall_communities(guildhall: EmbeddedGuildhall) -> list[str]:
    from kit.auth import SYSTEM
    from tests.support.guildhall import service_client

    async with service_client(guildhall.services["membership"], SYSTEM) as client:
        response = await client.get("/v1/communities")
    return [c["id"] for c in response.json()["items"]]


async def test_a_missing_or_unknown_key_is_refused_with_401(guildhall: EmbeddedGuildhall) -> None:
    async with guildhall.client() as anonymous:
        missing = await anonymous.post(
            "/graphql", json={"query": CREATE_COMMUNITY, "variables": {"input": community_input()}}
        )
    async with guildhall.client(api_key="ghk_not-a-real-key") as stranger:
        unknown = await stranger.post("/graphql", json={"query": '{ community(id: "cmty_x") { id } }'})

    assert missing.status_code == 401
    assert missing.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Authorization: Bearer" in missing.json()["errors"][0]["message"]
    assert unknown.status_code == 401
    assert await guildhall_communities(guildhall) == []


async def test_a_community_key_cannot_read_another_community(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    first = await create_community(admin, name="First")
    second = await create_community(admin, name="Second")
    second_key = await create_community_key(admin, second["id"])

    async with guildhall.client(api_key=second_key) as http:
        as_second = GraphQL(http)
        own = await community_with_defaults(as_second, second["id"])
        foreign = await as_second(COMMUNITY, id=first["id"])
        foreign_levels = await as_second("query($id: ID!) { community(id: $id) { id } }", id=first["id"])

    assert own["name"] == "Second"
    assert foreign["data"] is None
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert foreign_levels["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_community_key_cannot_create_communities_or_platform_keys(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    community = await create_community(admin)
    key = await create_community_key(admin, community["id"])

    async with guildhall.client(api_key=key) as http:
        as_member_admin = GraphQL(http)
        created = await as_member_admin(CREATE_COMMUNITY, input=community_input())
        platform_key = await as_member_admin(
            'mutation { createApiKey(input: {name: "escalate"}) { __typename ... on UserError { code } } }'
        )

    assert created["data"]["createCommunity"]["__typename"] == "ForbiddenError"
    assert platform_key["data"]["createApiKey"] == {"__typename": "ForbiddenError", "code": "platform_admin_required"}
    assert await guildhall_communities(guildhall) == [community["id"]]


async def test_retrying_create_with_the_same_idempotency_key_creates_one_community(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    data = community_input(name="Retry Club", idempotencyKey="create-retry-club")

    first = await admin(CREATE_COMMUNITY, input=data)
    second = await admin(CREATE_COMMUNITY, input=data)

    first_id = first["data"]["createCommunity"]["community"]["id"]
    assert second["data"]["createCommunity"]["community"]["id"] == first_id
    assert await guildhall_communities(guildhall) == [first_id]


def _service_calls(service: str, route: str) -> float:
    labels = {"service": service, "method": "GET", "route": route, "status": "200"}
    return REGISTRY.get_sample_value("guildhall_http_requests_total", labels) or 0.0


async def test_one_query_over_many_communities_calls_each_service_once(admin: GraphQL) -> None:
    ids = [(await create_community(admin))["id"] for _ in range(3)]
    for community_id in ids:
        await community_with_defaults(admin, community_id)
    query = (
        "query {"
        + " ".join(
            f'c{i}: community(id: "{cid}") {{ id levels {{ rank }} welcomeTemplate {{ id }} }}'
            for i, cid in enumerate(ids)
        )
        + "}"
    )
    before = {
        s: _service_calls(*s)
        for s in [
            ("membership", "/v1/communities"),
            ("gamification", "/v1/levels"),
            ("content", "/v1/welcome-templates"),
        ]
    }

    body = await admin(query)

    assert "errors" not in body
    assert [body["data"][f"c{i}"]["id"] for i in range(3)] == ids
    after = {s: _service_calls(*s) for s in before}
    assert {s[0]: after[s] - before[s] for s in before} == {"membership": 1, "gamification": 1, "content": 1}


async def test_the_request_id_travels_from_the_gateway_through_the_service_into_the_event(
    guildhall: EmbeddedGuildhall,
) -> None:
    async with guildhall.client(api_key=ADMIN_KEY) as http:
        response = await http.post(
            "/graphql",
            json={"query": CREATE_COMMUNITY, "variables": {"input": community_input()}},
            headers={"X-Request-ID": "req-trace-me"},
        )

    assert response.headers["X-Request-ID"] == "req-trace-me"
    async with guildhall.services["membership"].state.sessionmaker() as session:
        envelope = json.loads((await session.exec(select(outbox.c.envelope))).one())
    assert envelope["trace"] == "req-trace-me"


BAN_WITHOUT_KEY = """
mutation { banMember(input: {communityId: "cmty_x", memberId: "mbr_x"}) { __typename } }
"""
STRIKE_WITHOUT_KEY = """
mutation { addStrike(input: {communityId: "cmty_x", memberId: "mbr_x", rule: "r"}) { __typename } }
"""


@pytest.mark.parametrize("query", [BAN_WITHOUT_KEY, STRIKE_WITHOUT_KEY], ids=["banMember", "addStrike"])
async def test_a_mutation_without_a_key_is_unauthenticated(guildhall: EmbeddedGuildhall, query: str) -> None:
    async with guildhall.client() as anonymous:
        response = await anonymous.post("/graphql", json={"query": query})

    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
