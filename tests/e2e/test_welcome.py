"""The welcome greeting through GraphQL: read it, edit it with per-group overrides, bad input named by field."""

from __future__ import annotations

from typing import Any

from guildhall.embedded import EmbeddedGuildhall
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import GraphQL, eventually

WELCOME = "welcomeTemplate { body batchWindowSeconds enabled groupOverrides { groupId body batchWindowSeconds } }"
UPDATE = f"""
mutation($input: UpdateWelcomeTemplateInput!) {{
  updateWelcomeTemplate(input: $input) {{
    __typename
    ... on UpdateWelcomeTemplateSuccess {{ {WELCOME} }}
    ... on InvalidInputError {{ code fields {{ field reason }} }}
    ... on UserError {{ code message }}
  }}
}}
"""
READ = f"query($id: ID!) {{ community(id: $id) {{ {WELCOME} }} }}"


async def test_the_welcome_is_edited_with_a_group_override_and_read_back(admin: GraphQL) -> None:
    cid = (await create_community(admin))["id"]

    async def template() -> dict[str, Any] | None:
        found: dict[str, Any] | None = (await admin(READ, id=cid))["data"]["community"]["welcomeTemplate"]
        return found

    await eventually(template)  # the default greeting arrives through community.created
    edited = (
        await admin(
            UPDATE,
            input={
                "communityId": cid,
                "body": "Hi {names}!",
                "batchWindowSeconds": 90,
                "groupOverrides": [{"groupId": "grp_01m97jnbhe8m7b506bjxpcxyp2", "batchWindowSeconds": 5}],
            },
        )
    )["data"]["updateWelcomeTemplate"]
    bad = (await admin(UPDATE, input={"communityId": cid, "body": " ", "batchWindowSeconds": 7200}))["data"][
        "updateWelcomeTemplate"
    ]
    read = await template()

    assert edited["__typename"] == "UpdateWelcomeTemplateSuccess", edited
    assert edited["welcomeTemplate"] == {
        "body": "Hi {names}!",
        "batchWindowSeconds": 90,
        "enabled": True,
        "groupOverrides": [{"groupId": "grp_01m97jnbhe8m7b506bjxpcxyp2", "body": None, "batchWindowSeconds": 5}],
    }
    assert bad["__typename"] == "InvalidInputError"
    assert [f["field"] for f in bad["fields"]] == ["body", "batchWindowSeconds"]
    assert read == edited["welcomeTemplate"], "a refused edit changes nothing"


async def test_another_communitys_key_cannot_edit_the_welcome(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    mine, theirs = (await create_community(admin))["id"], (await create_community(admin))["id"]
    key = await create_community_key(admin, theirs)
    async with guildhall.client(api_key=key) as http:
        body = await GraphQL(http)(UPDATE, input={"communityId": mine, "body": "x", "batchWindowSeconds": 1})

    assert body["data"]["updateWelcomeTemplate"]["__typename"] in ("ForbiddenError", "NotFoundError"), body
