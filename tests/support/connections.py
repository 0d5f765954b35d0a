"""Connections through GraphQL, deliveries through HTTP, and what the gateway's database holds afterwards."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from gateway.models import ProcessedWebhook
from guildhall.embedded import EmbeddedGuildhall
from kit.tables import outbox
from tests.support.guildhall import GraphQL

CONNECTION_FIELDS = """
  id communityId platform name enabled credentialNames webhookPath createdAt rotatedAt
  previousCredentialsValidUntil disabledAt
"""
PAYLOAD = f"""
    __typename
    ... on ConnectionSuccess {{ connection {{ {CONNECTION_FIELDS} }} }}
    ... on UserError {{ code message }}
    ... on InvalidInputError {{ fields {{ field reason }} }}
"""
CREATE_CONNECTION = f"mutation($input: CreateConnectionInput!) {{ createConnection(input: $input) {{ {PAYLOAD} }} }}"
ROTATE = f"""mutation($input: RotateConnectionCredentialsInput!) {{
  rotateConnectionCredentials(input: $input) {{ {PAYLOAD} }} }}"""
DISABLE = f"mutation($input: DisableConnectionInput!) {{ disableConnection(input: $input) {{ {PAYLOAD} }} }}"
CONNECTIONS = f"query($communityId: ID!) {{ connections(communityId: $communityId) {{ {CONNECTION_FIELDS} }} }}"
CONNECTION = f"query($id: ID!) {{ connection(id: $id) {{ {CONNECTION_FIELDS} }} }}"


def credential_list(credentials: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in credentials.items()]


async def create_connection(
    graphql: GraphQL, community_id: str, platform: str, credentials: dict[str, str], name: str = "bot"
) -> dict[str, Any]:
    body = await graphql(
        CREATE_CONNECTION,
        input={
            "communityId": community_id,
            "platform": platform.upper(),
            "name": name,
            "credentials": credential_list(credentials),
        },
    )
    payload: dict[str, Any] = body["data"]["createConnection"]
    assert payload["__typename"] == "ConnectionSuccess", payload
    connection: dict[str, Any] = payload["connection"]
    return connection


async def chat_events(guildhall: EmbeddedGuildhall) -> list[dict[str, Any]]:
    """The envelopes of the gateway's outbox, oldest first."""
    assert guildhall.gateway is not None
    async with guildhall.gateway.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
    return [json.loads(row) for row in rows]


async def processed_count(guildhall: EmbeddedGuildhall) -> int:
    assert guildhall.gateway is not None
    async with guildhall.gateway.state.sessionmaker() as session:
        return int((await session.exec(select(func.count()).select_from(ProcessedWebhook))).one())
