"""Members, groups, roles, renewal, expiry, link codes and chat activity through the GraphQL gateway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.chat import ChatAddress, ChatMessageReceived
from guildhall.embedded import EmbeddedGuildhall
from kit.auth import Principal
from kit.clock import ManualClock
from services.membership.jobs import run_community
from tests.support.events import publish
from tests.support.factories import create_community
from tests.support.guildhall import GraphQL, eventually, service_client
from tests.support.lifecycle import outbox_events, user
from tests.support.membership import rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

MEMBER_FIELDS = """
  id displayName
  identities { platform platformUserId }
  membership { status role tierId expiresAt }
"""
PAYLOAD = f"""
  __typename
  ... on MemberSuccess {{ member {{ {MEMBER_FIELDS} }} }}
  ... on UserError {{ code message }}
  ... on InvalidInputError {{ fields {{ field reason }} }}
"""
ADD_MEMBER = f"mutation($input: AddMemberInput!) {{ addMember(input: $input) {{ {PAYLOAD} }} }}"
ASSIGN_ROLE = f"mutation($input: AssignRoleInput!) {{ assignRole(input: $input) {{ {PAYLOAD} }} }}"
TRANSFER = f"mutation($input: TransferOwnershipInput!) {{ transferOwnership(input: $input) {{ {PAYLOAD} }} }}"
RENEW = f"mutation($input: RenewMembershipInput!) {{ renewMembership(input: $input) {{ {PAYLOAD} }} }}"
STATUS = f"mutation($input: ChangeMemberStatusInput!) {{ changeMemberStatus(input: $input) {{ {PAYLOAD} }} }}"
REDEEM = f"mutation($input: RedeemLinkCodeInput!) {{ redeemLinkCode(input: $input) {{ {PAYLOAD} }} }}"
LINK_CODE = """
mutation($communityId: ID!, $memberId: ID!) {
  createLinkCode(communityId: $communityId, memberId: $memberId) {
    __typename ... on CreateLinkCodeSuccess { linkCode { code expiresAt } } ... on UserError { code }
  }
}
"""
UPDATE_COMMUNITY = """
mutation($input: UpdateCommunityInput!) {
  updateCommunity(input: $input) {
    __typename
    ... on UpdateCommunitySuccess { community { id mission timezone settings } }
    ... on UserError { code }
    ... on InvalidInputError { fields { field reason } }
  }
}
"""
CREATE_GROUP = """
mutation($input: CreateGroupInput!) {
  createGroup(input: $input) {
    __typename
    ... on GroupSuccess { group { id name platform capacity tierIds memberCount archived } }
    ... on UserError { code message }
  }
}
"""
UPDATE_GROUP = """
mutation($input: UpdateGroupInput!) {
  updateGroup(input: $input) { __typename ... on GroupSuccess { group { id archived } } ... on UserError { code } }
}
"""
ADD_TO_GROUP = """
mutation($input: AddGroupMemberInput!) {
  addGroupMember(input: $input) {
    __typename ... on GroupMemberSuccess { groupMember { platformUserId } } ... on UserError { code }
  }
}
"""
MEMBERS = f"""
query($communityId: ID!, $status: [MemberStatus!], $first: Int!, $after: String) {{
  members(communityId: $communityId, status: $status, first: $first, after: $after) {{
    edges {{ cursor node {{ {MEMBER_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
MEMBER = f"""
query($communityId: ID!, $id: ID!) {{
  member(communityId: $communityId, id: $id) {{
    {MEMBER_FIELDS}
    transitions(first: 20) {{ edges {{ node {{ kind fromValue toValue actor reason }} }} }}
    activity {{ day messages characters reactions }}
  }}
}}
"""
GROUPS = """
query($communityId: ID!) {
  groups(communityId: $communityId, includeArchived: true) {
    id name archived memberCount
    members { edges { node { platformUserId member { id displayName membership { role } } } } }
  }
}
"""


async def add_member(admin: GraphQL, community_id: str, **fields: Any) -> dict[str, Any]:
    body = await admin(ADD_MEMBER, input={"communityId": community_id, **fields})
    payload: dict[str, Any] = body["data"]["addMember"]
    assert payload["__typename"] == "MemberSuccess", payload
    member: dict[str, Any] = payload["member"]
    return member


async def test_a_community_is_run_through_graphql_groups_members_roles_renewal_and_link_codes(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    community = await create_community(admin)
    cid = community["id"]
    guildhall.clocks.set(cid, ManualClock(START))
    async with service_client(guildhall.services["membership"], ADMIN) as rest:
        tier = await rest_create_tier(rest, cid, period="monthly", price_amount=9900, currency="CNY")

    updated = (
        await admin(
            UPDATE_COMMUNITY,
            input={"id": cid, "mission": "Read daily", "settings": {"lifecycle": {"expiring_days_ahead": 5}}},
        )
    )["data"]["updateCommunity"]
    refused_setting = (
        await admin(UPDATE_COMMUNITY, input={"id": cid, "settings": {"lifecycle": {"expiring_days_ahead": 99}}})
    )["data"]["updateCommunity"]
    group = (
        await admin(
            CREATE_GROUP,
            input={
                "communityId": cid,
                "name": "Readers",
                "platform": "telegram",
                "platformChatId": "-1001",
                "connectionId": "conn_tg",
                "capacity": 200,
                "tierIds": [tier["id"]],
            },
        )
    )["data"]["createGroup"]["group"]
    same_chat = (
        await admin(
            CREATE_GROUP,
            input={"communityId": cid, "name": "Again", "platform": "telegram", "platformChatId": "-1001"},
        )
    )["data"]["createGroup"]
    owner = await add_member(admin, cid, displayName="Owner", tierId=tier["id"])
    reader = await add_member(
        admin,
        cid,
        displayName="Reader",
        tierId=tier["id"],
        identities=[{"platform": "telegram", "platformUserId": "42"}],
    )
    in_group = (
        await admin(ADD_TO_GROUP, input={"communityId": cid, "groupId": group["id"], "memberId": reader["id"]})
    )["data"]["addGroupMember"]
    crowned = (await admin(TRANSFER, input={"communityId": cid, "memberId": owner["id"]}))["data"]["transferOwnership"]
    moderator = (
        await admin(
            ASSIGN_ROLE,
            input={"communityId": cid, "memberId": reader["id"], "role": "MODERATOR", "actingMemberId": owner["id"]},
        )
    )["data"]["assignRole"]
    demote_owner = (await admin(ASSIGN_ROLE, input={"communityId": cid, "memberId": owner["id"], "role": "ADMIN"}))[
        "data"
    ]["assignRole"]
    renew_input = {"communityId": cid, "memberId": reader["id"], "reason": "paid", "idempotencyKey": "renew-1"}
    renewed = (await admin(RENEW, input=renew_input))["data"]["renewMembership"]
    renewed_again = (await admin(RENEW, input=renew_input))["data"]["renewMembership"]
    code = (await admin(LINK_CODE, communityId=cid, memberId=reader["id"]))["data"]["createLinkCode"]
    redeemed = (
        await admin(
            REDEEM,
            input={
                "communityId": cid,
                "code": code["linkCode"]["code"],
                "platform": "wecom",
                "platformUserId": "wx-42",
            },
        )
    )["data"]["redeemLinkCode"]
    await admin(UPDATE_GROUP, input={"communityId": cid, "id": group["id"], "archived": True})
    first_page = (await admin(MEMBERS, communityId=cid, status=["ACTIVE"], first=1))["data"]["members"]
    second_page = (await admin(MEMBERS, communityId=cid, first=5, after=first_page["pageInfo"]["endCursor"]))["data"][
        "members"
    ]
    read = (await admin(MEMBER, communityId=cid, id=reader["id"]))["data"]["member"]
    groups = (await admin(GROUPS, communityId=cid))["data"]["groups"]

    assert updated["community"]["settings"] == {"lifecycle": {"expiring_days_ahead": 5}}
    assert updated["community"]["mission"] == "Read daily"
    assert refused_setting["__typename"] == "InvalidInputError"
    assert refused_setting["fields"][0]["field"] == "settings.lifecycle.expiring_days_ahead"
    assert group["tierIds"] == [tier["id"]] and group["capacity"] == 200
    assert same_chat["__typename"] == "ConflictError" and same_chat["code"] == "group_chat_taken"
    assert in_group["groupMember"]["platformUserId"] == "42"
    assert crowned["member"]["membership"]["role"] == "OWNER"
    assert moderator["member"]["membership"]["role"] == "MODERATOR"
    assert demote_owner["__typename"] == "ConflictError" and demote_owner["code"] == "owner_required"
    assert renewed["member"]["membership"]["expiresAt"] == "2026-05-01T08:00:00+00:00"
    assert renewed_again == renewed
    assert {(i["platform"], i["platformUserId"]) for i in redeemed["member"]["identities"]} == {
        ("telegram", "42"),
        ("wecom", "wx-42"),
    }
    assert [e["node"]["id"] for e in first_page["edges"]] == [owner["id"]]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in second_page["edges"]] == [reader["id"]]
    kinds = [t["node"]["kind"] for t in read["transitions"]["edges"]]
    assert kinds == ["status", "role", "renewal"]
    assert groups[0]["archived"] is True and groups[0]["memberCount"] == 1
    presence = groups[0]["members"]["edges"][0]["node"]
    assert presence["member"] == {"id": reader["id"], "displayName": "Reader", "membership": {"role": "MODERATOR"}}


async def test_expiry_moves_members_to_the_fallback_tier_and_asks_the_dispatcher_to_remove_them(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    community = await create_community(admin)
    cid = community["id"]
    clock = ManualClock(START)
    guildhall.clocks.set(cid, clock)
    app = guildhall.services["membership"]
    async with service_client(app, ADMIN) as rest:
        free = await rest_create_tier(rest, cid, key="free", rank=0)
        paid = await rest_create_tier(rest, cid, key="paid", rank=1, period="days", period_days=7)
        await rest.patch(f"/v1/communities/{cid}/tiers/{paid['id']}", json={"fallback_tier_id": free["id"]})
    group = (
        await admin(
            CREATE_GROUP,
            input={
                "communityId": cid,
                "name": "Paid room",
                "platform": "telegram",
                "platformChatId": "-77",
                "connectionId": "conn_tg",
                "tierIds": [paid["id"]],
            },
        )
    )["data"]["createGroup"]["group"]
    member = await add_member(
        admin, cid, displayName="Payer", tierId=paid["id"], identities=[{"platform": "telegram", "platformUserId": "9"}]
    )
    await admin(ADD_TO_GROUP, input={"communityId": cid, "groupId": group["id"], "memberId": member["id"]})

    clock.advance(timedelta(days=5))
    await run_community(app.state.sessionmaker, community_id=cid, now=clock.now())
    clock.advance(timedelta(days=3))
    await run_community(app.state.sessionmaker, community_id=cid, now=clock.now())
    read = (await admin(MEMBER, communityId=cid, id=member["id"]))["data"]["member"]

    assert read["membership"]["status"] == "ACTIVE" and read["membership"]["tierId"] == free["id"]
    assert read["transitions"]["edges"][-1]["node"]["kind"] == "tier"
    assert read["transitions"]["edges"][-1]["node"]["actor"] == "system"
    assert [e["data"]["member_id"] for e in await outbox_events(app, "membership.expiring")] == [member["id"]]
    actions = await outbox_events(app, "chat.action")
    assert [(a["data"]["action"], a["data"]["platform_user_id"]) for a in actions] == [("remove", "9")]


async def test_chat_events_published_by_the_ingress_become_members_and_activity(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    community = await create_community(admin, timezone="Europe/Berlin")
    cid = community["id"]
    created = (
        await admin(
            CREATE_GROUP,
            input={
                "communityId": cid,
                "name": "Chat",
                "platform": "slack",
                "platformChatId": "C123",
                "connectionId": "conn_slack",
            },
        )
    )["data"]["createGroup"]
    message = ChatMessageReceived(
        chat=ChatAddress(platform="slack", connection_id="conn_slack", platform_chat_id="C123"),
        platform_message_id="1",
        sender=user("U1", "Ada"),
        text="hello there",
        sent_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    )
    await publish(guildhall.services["membership"], message, producer="gateway", community_id=cid)

    async def member_with_activity() -> dict[str, Any] | None:
        page = (await admin(MEMBERS, communityId=cid, first=5))["data"]["members"]["edges"]
        if not page:
            return None
        read = (await admin(MEMBER, communityId=cid, id=page[0]["node"]["id"]))["data"]["member"]
        return read if read["activity"] else None

    member = await eventually(member_with_activity)
    assert created["__typename"] == "GroupSuccess"
    assert member["displayName"] == "Ada"
    assert member["identities"] == [{"platform": "slack", "platformUserId": "U1"}]
    assert member["membership"]["status"] == "ACTIVE"
    assert member["activity"] == [{"day": "2026-03-01", "messages": 1, "characters": 11, "reactions": 0}]


GROUP_ACCOUNT = """
mutation($create: CreateGroupInput!) {
  createGroup(input: $create) {
    __typename ... on GroupSuccess { group { id chatAccountId connectionId } } ... on UserError { code }
  }
}
"""
REBIND_GROUP = """
mutation($input: UpdateGroupInput!) {
  updateGroup(input: $input) { ... on GroupSuccess { group { chatAccountId connectionId } } }
}
"""


async def test_a_group_names_its_chat_account_as_chat_account_id_and_still_answers_the_old_name(
    admin: GraphQL,
) -> None:
    cid = (await create_community(admin))["id"]
    room = {"communityId": cid, "name": "Room", "platform": "telegram"}

    by_new = (await admin(GROUP_ACCOUNT, create={**room, "platformChatId": "-1", "chatAccountId": "conn_new"}))["data"]
    by_old = (await admin(GROUP_ACCOUNT, create={**room, "platformChatId": "-2", "connectionId": "conn_old"}))["data"]
    group_id = by_new["createGroup"]["group"]["id"]
    rebound = await admin(REBIND_GROUP, input={"communityId": cid, "id": group_id, "chatAccountId": "conn_other"})
    unbound = await admin(REBIND_GROUP, input={"communityId": cid, "id": group_id, "chatAccountId": None})

    assert by_new["createGroup"]["group"]["chatAccountId"] == "conn_new"
    assert by_new["createGroup"]["group"]["connectionId"] == "conn_new"
    assert by_old["createGroup"]["group"]["chatAccountId"] == "conn_old"
    assert rebound["data"]["updateGroup"]["group"] == {"chatAccountId": "conn_other", "connectionId": "conn_other"}
    assert unbound["data"]["updateGroup"]["group"] == {"chatAccountId": None, "connectionId": None}
