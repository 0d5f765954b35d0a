"""The GraphQL request context: who is asking, clients that call services on their behalf, loaders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import GraphQLError
from strawberry.fastapi import BaseContext

from gateway.clients import ContentClient, GamificationClient, MembershipClient
from gateway.connections.cipher import CredentialCipher
from gateway.connections.directory import ConnectionDirectory
from gateway.connectors import Connector
from gateway.schema.loaders import Loaders
from gateway.service_channel import Channel
from kit.auth import Principal
from kit.clock import Clocks
from kit.db import Sessionmaker


@dataclass(frozen=True)
class ServiceConnections:
    """Long-lived channels, one per service, shared by all requests."""

    membership: Channel
    gamification: Channel
    content: Channel

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
        self._clients: tuple[MembershipClient, GamificationClient, ContentClient, Loaders] | None = None
        if principal is not None:
            membership = MembershipClient(connections.membership, principal=principal, secret=secret)
            gamification = GamificationClient(connections.gamification, principal=principal, secret=secret)
            content = ContentClient(connections.content, principal=principal, secret=secret)
            loaders = Loaders(principal=principal, membership=membership, gamification=gamification, content=content)
            self._clients = (membership, gamification, content, loaders)

    # A resolver reaches a service only on someone's behalf: without a key these raise UNAUTHENTICATED.
    @property
    def membership(self) -> MembershipClient:
        return self._signed_in()[0]

    @property
    def gamification(self) -> GamificationClient:
        return self._signed_in()[1]

    @property
    def content(self) -> ContentClient:
        return self._signed_in()[2]

    @property
    def loaders(self) -> Loaders:
        return self._signed_in()[3]

    def _signed_in(self) -> tuple[MembershipClient, GamificationClient, ContentClient, Loaders]:
        if self._clients is None:
            self.principal  # noqa: B018 - raises UNAUTHENTICATED
        assert self._clients is not None
        return self._clients

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
