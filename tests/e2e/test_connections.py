"""Connections through GraphQL: credentials go in sealed and never come out, rotation keeps the old secret
for its grace period, disabling stops ingress, and a community key manages only its own community's."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from gateway.models import Connection as ConnectionRow
from guildhall.embedded import EmbeddedGuildhall
from tests.support.connections import (
    CONNECTION,
    CONNECTIONS,
    CREATE_CONNECTION,
    DISABLE,
    ROTATE,
    chat_events,
    create_connection,
    credential_list,
)
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import GraphQL
from tests.support.webhooks import raw

TOKEN = "SecretToken-one"
CREDENTIALS = {"bot_token": "123456:bot-token-value", "secret_token": TOKEN}


async def deliver(guildhall: EmbeddedGuildhall, path: str, token: str, update_id: int) -> int:
    body = raw("telegram/message_group_checkin.json").replace(b"10002", str(update_id).encode())
    headers = {"content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": token}
    async with guildhall.client() as http:
        response = await http.post(path, content=body, headers=headers)
    return response.status_code


async def test_credentials_are_sealed_and_never_returned(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    community = await create_community(admin)

    connection = await create_connection(admin, community["id"], "telegram", CREDENTIALS)
    listed = await admin(CONNECTIONS, communityId=community["id"])
    one = await admin(CONNECTION, id=connection["id"])

    assert connection["credentialNames"] == ["bot_token", "secret_token"]
    assert connection["webhookPath"] == f"/webhooks/telegram/{connection['id']}"
    assert connection["enabled"] is True
    assert [c["id"] for c in listed["data"]["connections"]] == [connection["id"]]
    assert one["data"]["connection"]["platform"] == "TELEGRAM"
    for text in (str(connection), str(listed), str(one)):
        assert "bot-token-value" not in text
        assert TOKEN not in text
    assert guildhall.gateway is not None
    async with guildhall.gateway.state.sessionmaker() as session:
        row = (await session.exec(select(ConnectionRow))).one()
    assert "bot-token-value" not in row.credentials
    assert TOKEN not in row.credentials


async def test_bad_input_names_the_fields_and_creates_nothing(admin: GraphQL) -> None:
    community = await create_community(admin)

    body = await admin(
        CREATE_CONNECTION,
        input={
            "communityId": community["id"],
            "platform": "DISCORD",
            "name": " ",
            "credentials": credential_list({"public_key": "not-hex", "color": "blue"}),
        },
    )

    payload = body["data"]["createConnection"]
    assert payload["__typename"] == "InvalidInputError"
    fields = {error["field"] for error in payload["fields"]}
    assert fields == {"name", "credentials.public_key", "credentials.color"}
    listed = await admin(CONNECTIONS, communityId=community["id"])
    assert listed["data"]["connections"] == []


async def test_rotation_accepts_old_and_new_secrets_during_the_grace_period_then_only_the_new(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    community = await create_community(admin)
    connection = await create_connection(admin, community["id"], "telegram", CREDENTIALS)
    path = connection["webhookPath"]
    assert await deliver(guildhall, path, TOKEN, 1) == 200

    rotated = await admin(
        ROTATE,
        input={"connectionId": connection["id"], "credentials": credential_list({"secret_token": "SecretToken-two"})},
    )
    during = [await deliver(guildhall, path, TOKEN, 2), await deliver(guildhall, path, "SecretToken-two", 3)]
    ended = await admin(
        ROTATE,
        input={
            "connectionId": connection["id"],
            "credentials": credential_list({"secret_token": "SecretToken-three"}),
            "graceSeconds": 0,
        },
    )
    after = [
        await deliver(guildhall, path, "SecretToken-two", 4),
        await deliver(guildhall, path, "SecretToken-three", 5),
    ]

    payload = rotated["data"]["rotateConnectionCredentials"]
    assert payload["__typename"] == "ConnectionSuccess"
    assert payload["connection"]["previousCredentialsValidUntil"] is not None
    assert payload["connection"]["credentialNames"] == ["bot_token", "secret_token"]
    assert during == [200, 200]
    assert ended["data"]["rotateConnectionCredentials"]["connection"]["previousCredentialsValidUntil"] is None
    assert after == [401, 200]
    assert len(await chat_events(guildhall)) == 4


async def test_a_disabled_connection_accepts_no_webhooks(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    community = await create_community(admin)
    connection = await create_connection(admin, community["id"], "telegram", CREDENTIALS)

    disabled = await admin(DISABLE, input={"connectionId": connection["id"]})
    status = await deliver(guildhall, connection["webhookPath"], TOKEN, 1)

    assert disabled["data"]["disableConnection"]["connection"]["enabled"] is False
    assert status == 404
    assert await chat_events(guildhall) == []


async def test_a_community_key_manages_only_its_own_connections(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    mine = await create_community(admin)
    theirs = await create_community(admin)
    foreign = await create_connection(admin, theirs["id"], "telegram", CREDENTIALS)
    key = await create_community_key(admin, mine["id"])

    async with guildhall.client(api_key=key) as http:
        as_mine = GraphQL(http)
        own = await as_mine(
            CREATE_CONNECTION,
            input={
                "communityId": mine["id"],
                "platform": "TELEGRAM",
                "name": "mine",
                "credentials": credential_list(CREDENTIALS),
            },
        )
        create_there = await as_mine(
            CREATE_CONNECTION,
            input={
                "communityId": theirs["id"],
                "platform": "TELEGRAM",
                "name": "theirs",
                "credentials": credential_list(CREDENTIALS),
            },
        )
        read: dict[str, Any] = await as_mine(CONNECTION, id=foreign["id"])
        listed = await as_mine(CONNECTIONS, communityId=theirs["id"])
        rotate = await as_mine(
            ROTATE, input={"connectionId": foreign["id"], "credentials": credential_list({"secret_token": "Mine"})}
        )
        disable = await as_mine(DISABLE, input={"connectionId": foreign["id"]})

    assert own["data"]["createConnection"]["__typename"] == "ConnectionSuccess"
    assert create_there["data"]["createConnection"]["code"] == "community_not_found"
    assert read["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert listed["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert rotate["data"]["rotateConnectionCredentials"]["code"] == "connection_not_found"
    assert disable["data"]["disableConnection"]["code"] == "connection_not_found"
    assert await deliver(guildhall, foreign["webhookPath"], TOKEN, 1) == 200  # untouched


ACCOUNT_PAYLOAD = """
    __typename
    ... on ChatAccountSuccess { chatAccount { id enabled credentialNames webhookPath } }
    ... on UserError { code }
"""


async def test_a_chat_account_is_bound_rotated_and_disabled_under_its_own_names(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    community = await create_community(admin)
    created = await admin(
        f"mutation($input: CreateChatAccountInput!) {{ createChatAccount(input: $input) {{ {ACCOUNT_PAYLOAD} }} }}",
        input={
            "communityId": community["id"],
            "platform": "TELEGRAM",
            "name": "bot",
            "credentials": credential_list(CREDENTIALS),
        },
    )
    account = created["data"]["createChatAccount"]["chatAccount"]

    rotated = await admin(
        "mutation($input: RotateChatAccountCredentialsInput!) {"
        f" rotateChatAccountCredentials(input: $input) {{ {ACCOUNT_PAYLOAD} }} }}",
        input={"chatAccountId": account["id"], "credentials": [{"name": "secret_token", "value": "Second-token"}]},
    )
    listed = await admin(
        "query($communityId: ID!) { chatAccounts(communityId: $communityId) { id } }", communityId=community["id"]
    )
    disabled = await admin(
        f"mutation($input: DisableChatAccountInput!) {{ disableChatAccount(input: $input) {{ {ACCOUNT_PAYLOAD} }} }}",
        input={"chatAccountId": account["id"]},
    )
    one = await admin("query($id: ID!) { chatAccount(id: $id) { enabled } }", id=account["id"])

    assert account["webhookPath"] == f"/webhooks/telegram/{account['id']}"
    assert rotated["data"]["rotateChatAccountCredentials"]["__typename"] == "ChatAccountSuccess"
    assert [row["id"] for row in listed["data"]["chatAccounts"]] == [account["id"]]
    assert disabled["data"]["disableChatAccount"]["chatAccount"]["enabled"] is False
    assert one["data"]["chatAccount"]["enabled"] is False
    assert await deliver(guildhall, account["webhookPath"], "Second-token", 50001) == 404


async def test_the_names_before_chat_accounts_are_deprecated_and_say_what_replaces_them(admin: GraphQL) -> None:
    body = await admin(
        """{ __schema {
          queryType { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
          mutationType { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
        } }"""
    )
    schema = body["data"]["__schema"]
    fields = {f["name"]: f for kind in ("queryType", "mutationType") for f in schema[kind]["fields"]}

    for old, new in [
        ("connections", "chatAccounts"),
        ("connection", "chatAccount"),
        ("createConnection", "createChatAccount"),
        ("rotateConnectionCredentials", "rotateChatAccountCredentials"),
        ("disableConnection", "disableChatAccount"),
    ]:
        assert fields[old]["isDeprecated"] is True
        assert f"Use {new}" in fields[old]["deprecationReason"]
        assert fields[new]["isDeprecated"] is False
