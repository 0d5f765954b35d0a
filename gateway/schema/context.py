"""The GraphQL request context: who is asking, clients that call services on their behalf, loaders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from graphql import GraphQLError
from strawberry.fastapi import BaseContext

from gateway.clients import ContentClient, GamificationClient, MembershipClient
from gateway.connections.cipher import CredentialCipher
from gateway.connections.directory import ConnectionDirectory
from gateway.connectors import Connector
from gateway.schema.loaders import Loaders
from kit.auth import Principal
from kit.clock import Clocks
from kit.db import Sessionmaker


@dataclass(frozen=True)
class ServiceConnections:
    """Long-lived httpx clients, one per service, shared by all requests."""

    membership: httpx.AsyncClient
    gamification: httpx.AsyncClient
    content: httpx.AsyncClient

    async def aclose(self) -> None:
        for client in (self.membership, self.gamification, self.content):
            await client.aclose()


@dataclass(frozen=True)
class ChatConnections:
    """What the connection mutations need: the connectors' credential rules, the cipher, the ingress cache."""

    connectors: Mapping[str, Connector]
    cipher: CredentialCipher
    directory: ConnectionDirectory
    clocks: Clocks
    rotation_grace_seconds: int


class Context(BaseContext):
    def __init__(
        self,
        *,
        principal: Principal | None,
        connections: ServiceConnections,
        secret: str,
        sessionmaker: Sessionmaker,
        chat: ChatConnections | None = None,
    ) -> None:
        super().__init__()
        self._principal = principal
        self.sessionmaker = sessionmaker
        self._chat = chat
        if principal is not None:
            self.membership = MembershipClient(connections.membership, principal=principal, secret=secret)
            self.gamification = GamificationClient(connections.gamification, principal=principal, secret=secret)
            self.content = ContentClient(connections.content, principal=principal, secret=secret)
            self.loaders = Loaders(
                principal=principal, membership=self.membership, gamification=self.gamification, content=self.content
            )

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            raise GraphQLError(
                "missing API key: send `Authorization: Bearer <key>`", extensions={"code": "UNAUTHENTICATED"}
            )
        return self._principal

    @property
    def chat(self) -> ChatConnections:
        assert self._chat is not None, "the gateway app sets up chat connections in its lifespan"
        return self._chat
