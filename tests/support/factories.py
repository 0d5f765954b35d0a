"""Builders of test data through the public APIs: ``create_<noun>(client, **overrides)``."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from tests.support.guildhall import GraphQL

_names = itertools.count(1)

CREATE_COMMUNITY = """
mutation Create($input: CreateCommunityInput!) {
  createCommunity(input: $input) {
    __typename
    ... on CreateCommunitySuccess { community { id name timezone mission rules } }
    ... on UserError { code message }
    ... on InvalidInputError { fields { field reason } }
  }
}
"""

CREATE_API_KEY = """
mutation Key($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeySuccess { secret apiKey { id role communityId } }
    ... on UserError { code message }
  }
}
"""


def community_input(**overrides: Any) -> dict[str, Any]:
    return {"name": f"Community {next(_names)}", "timezone": "Asia/Shanghai", **overrides}


async def create_community(graphql: GraphQL, **overrides: Any) -> dict[str, Any]:
    body = await graphql(CREATE_COMMUNITY, input=community_input(**overrides))
    payload: dict[str, Any] = body["data"]["createCommunity"]
    assert payload["__typename"] == "CreateCommunitySuccess", payload
    community: dict[str, Any] = payload["community"]
    return community


async def create_community_key(graphql: GraphQL, community_id: str) -> str:
    body = await graphql(CREATE_API_KEY, input={"name": "test", "communityId": community_id})
    payload = body["data"]["createApiKey"]
    assert payload["__typename"] == "CreateApiKeySuccess", payload
    secret: str = payload["secret"]
    return secret


async def rest_create_community(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/v1/communities", json=community_input(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


ADD_MEMBER = """
mutation Add($input: AddMemberInput!) {
  addMember(input: $input) { __typename ... on MemberSuccess { member { id } } ... on UserError { code message } }
}
"""


async def add_member(graphql: GraphQL, community_id: str, **overrides: Any) -> str:
    """A member of the community, through GraphQL; returns the member's id."""
    body = await graphql(
        ADD_MEMBER, input={"communityId": community_id, "displayName": f"Member {next(_names)}", **overrides}
    )
    payload: dict[str, Any] = body["data"]["addMember"]
    assert payload["__typename"] == "MemberSuccess", payload
    member_id: str = payload["member"]["id"]
    return member_id


async def add_members(graphql: GraphQL, community_id: str, count: int) -> list[str]:
    return [await add_member(graphql, community_id) for _ in range(count)]
