"""The gateway: the GraphQL API over the services, and the chat platforms' webhook ingress."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from starlette.middleware import Middleware
from starlette.types import ASGIApp
from strawberry.fastapi import GraphQLRouter

from gateway import keys
from gateway.auth import GraphQLUnauthenticated, authenticate, on_unauthenticated
from gateway.connections.cipher import CredentialCipher, key_from_settings
from gateway.connections.directory import ConnectionDirectory
from gateway.connectors import build_connectors
from gateway.dispatch.intake import GROUP as DISPATCH_GROUP
from gateway.ingress import WebhookIngress
from gateway.ingress.writer import DeliveryWriter
from gateway.keys import KeyAuthenticator
from gateway.public import certificate_router, join_router, live_code_qr_router
from gateway.schema.context import ChatConnections, Context, ServiceConnections
from gateway.schema.root import create_schema
from gateway.service_channel import AsgiChannel, Channel, HttpChannel
from gateway.settings import GatewaySettings
from kit.asgi import BodyLimit
from kit.clock import Clocks
from kit.service import ServiceSpec, create_service_app

NAME = "gateway"
GRAPHQL_PATH = "/graphql"


def _connections(
    settings: GatewaySettings, transports: Mapping[str, httpx.AsyncBaseTransport], apps: Mapping[str, ASGIApp]
) -> ServiceConnections:
    def client(service: str, url: str | None) -> Channel:
        if service in apps:
            return AsgiChannel(apps[service])
        return HttpChannel(base_url=url, transport=transports.get(service), timeout=settings.service_timeout_seconds)

    return ServiceConnections(
        membership=client("membership", settings.membership_url),
        gamification=client("gamification", settings.gamification_url),
        content=client("content", settings.content_url),
    )


def create_app(
    settings: GatewaySettings | None = None,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    apps: Mapping[str, ASGIApp] | None = None,
    clocks: Clocks | None = None,
) -> FastAPI:
    """The gateway app. ``apps`` are services in this process (embedded mode), called directly; ``transports``
    stand in for services over HTTP (a test's fakes); the others are at their URLs in ``settings``. ``clocks`` is
    the services' own in embedded mode, so a test clock moves webhook time checks at once."""
    settings = settings or GatewaySettings()
    secret = settings.internal_secret.get_secret_value()
    cipher = CredentialCipher(key_from_settings(settings))
    connectors = build_connectors(settings)

    async def get_context(request: Request) -> Context:
        state = request.app.state
        principal = await authenticate(request, state.authenticator)
        return Context(
            principal=principal,
            connections=state.connections,
            secret=secret,
            sessionmaker=state.sessionmaker,
            chat=state.chat_connections,
        )

    graphql = GraphQLRouter(
        create_schema(),
        path=GRAPHQL_PATH,
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
    )

    @asynccontextmanager
    async def gateway_lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.connections = _connections(settings, transports or {}, apps or {})
        app.state.authenticator = KeyAuthenticator(app.state.sessionmaker)
        app.state.connectors = connectors
        app.state.connection_directory = ConnectionDirectory(
            app.state.sessionmaker, cipher, ttl_seconds=settings.connection_cache_seconds
        )
        app.state.chat_connections = ChatConnections(
            connectors=connectors,
            cipher=cipher,
            directory=app.state.connection_directory,
            clocks=app.state.clocks,
            rotation_grace_seconds=settings.credentials_rotation_grace_seconds,
        )
        app.state.delivery_writer = DeliveryWriter(app.state.sessionmaker)
        if settings.bootstrap_api_key is not None:
            async with app.state.sessionmaker() as session, session.begin():
                await keys.ensure_bootstrap_key(session, settings.bootstrap_api_key.get_secret_value())
        try:
            yield
        finally:
            await app.state.delivery_writer.close()
            await app.state.connections.aclose()

    spec = ServiceSpec(
        name=NAME,
        database_url=settings.database_url,
        routers=[graphql, join_router(), live_code_qr_router(), certificate_router()],
        lifespan=gateway_lifespan,
        middleware=[
            Middleware(WebhookIngress),
            Middleware(BodyLimit, paths={GRAPHQL_PATH}, limit=settings.graphql_max_body_bytes),
        ],
        consumer_groups=[DISPATCH_GROUP],
    )
    app = create_service_app(spec, settings, clocks=clocks)
    app.add_exception_handler(GraphQLUnauthenticated, on_unauthenticated)
    return app
