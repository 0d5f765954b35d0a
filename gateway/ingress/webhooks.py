"""``POST /webhooks/{platform}/{connection_id}`` (and the GET handshakes): read, verify, dedupe, publish, ack.

The request path does no domain work: it verifies the delivery against the connection's credentials
(current, then previous during a rotation's grace period), normalizes it, and writes the dedupe row
and the ``chat.*`` outbox events in one transaction, shared with the deliveries that arrived at the
same time (``writer.DeliveryWriter``). The relay publishes them; consumers do the rest.

It is served by a pure ASGI middleware (``WebhookIngress``) inside the request context (request id,
metrics, the error log) and before FastAPI's routing: at thousands of deliveries a second, route
matching, dependency injection and the ``Request`` object were a third of the CPU a delivery cost (ADR 0017).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from prometheus_client import Counter
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.connections.directory import ConnectionDirectory, OpenConnection
from gateway.connectors import Connector, Document, WebhookMalformed, WebhookRejected, WebhookRequest
from gateway.ingress.writer import DeliveryWriter
from kit.asgi import ClientGone, RouteTemplate, read_body, route_path
from kit.clock import Clocks
from kit.errors import Problem, problem_response

log = logging.getLogger("guildhall.ingress")

WEBHOOKS = Counter(
    "guildhall_webhooks_total", "Chat platform webhooks by platform and outcome", ["platform", "outcome"]
)


class WebhookProblem(Problem):
    def __init__(self, status: int, code: str, title: str, detail: str | None = None) -> None:
        self.status, self.code, self.title = status, code, title
        super().__init__(detail)


def _not_found() -> WebhookProblem:
    return WebhookProblem(404, "connection_not_found", "Not found", "no such connection for this platform")


PREFIX = "/webhooks/"
PATH = "/webhooks/{platform}/{connection_id}"


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _verify(connector: Connector, delivery: WebhookRequest, connection: OpenConnection, clocks: Clocks) -> Document:
    now = clocks.now(connection.ref.community_id)
    first: WebhookRejected | None = None
    for credentials in connection.candidates(now):
        try:
            return connector.verify(delivery, credentials, now=now)
        except WebhookMalformed:
            raise  # the same with any credentials
        except WebhookRejected as error:
            first = first or error
    assert first is not None
    raise first


def _problem_of(error: WebhookRejected) -> WebhookProblem:
    if isinstance(error, WebhookMalformed):
        return WebhookProblem(400, "malformed_webhook", "Malformed webhook", error.reason)
    return WebhookProblem(401, "webhook_unauthenticated", "Webhook not authenticated", error.reason)


_ROUTE = RouteTemplate(PATH)


class WebhookIngress:
    """Serves ``/webhooks/{platform}/{connection_id}``; hands every other request to the app it wraps."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope)
        if scope["type"] != "http" or not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        platform, slash, connection_id = path[len(PREFIX) :].partition("/")
        if not slash or not platform or not connection_id or "/" in connection_id:
            await self.app(scope, receive, send)  # not ours: the router answers (404, or a slash redirect)
            return
        scope["route"] = _ROUTE
        scope["path_params"] = {"platform": platform, "connection_id": connection_id}
        try:
            response = await self._receive(scope, receive, platform, connection_id)
        except Problem as problem:  # ours, or read_body's 413
            response = problem_response(problem.body())
        except ClientGone:
            return
        await response(scope, receive, send)

    async def _receive(self, scope: Scope, receive: Receive, platform: str, connection_id: str) -> Response:
        state = scope["app"].state
        connectors: Mapping[str, Connector] = state.connectors
        connector = connectors.get(platform)
        if connector is None:
            raise WebhookProblem(404, "platform_not_found", "Not found", f"platform: {platform!r} is not supported")
        outcome = "rejected"
        try:
            response = await _accept(state, connector, connection_id, scope, receive)
            outcome = "accepted"
            return response
        except Problem as problem:
            outcome = problem.code
            raise
        finally:
            WEBHOOKS.labels(platform, outcome).inc()


async def _accept(state: Any, connector: Connector, connection_id: str, scope: Scope, receive: Receive) -> Response:
    method: str = scope["method"]
    if method not in connector.methods:
        allowed = " or ".join(sorted(connector.methods))
        raise WebhookProblem(405, "method_not_allowed", "Method not allowed", f"{connector.platform}: {allowed} only")
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    content_type = _media_type(headers)
    if method == "POST" and content_type not in connector.content_types:
        expected = ", ".join(sorted(connector.content_types))
        raise WebhookProblem(415, "unsupported_media_type", "Unsupported media type", f"Content-Type: {expected}")
    body = await read_body(receive, headers.get("content-length"), state.settings.webhook_max_body_bytes)
    directory: ConnectionDirectory = state.connection_directory
    connection = await directory.get(connection_id)
    if connection is None or connection.ref.platform != connector.platform or connection.disabled:
        raise _not_found()
    query = scope.get("query_string", b"")
    delivery = WebhookRequest(
        method=method,
        headers=headers,
        query=dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True)) if query else {},
        body=body,
        content_type=content_type,
    )
    try:
        document = _verify(connector, delivery, connection, state.clocks)
    except WebhookMalformed as error:
        raise _problem_of(error) from None
    except WebhookRejected as error:
        # A cached entry may predate a rotation made elsewhere: look once more before refusing.
        fresh = await directory.get(connection_id, fresh=True)
        if fresh is None or fresh == connection or fresh.disabled:
            log.info("webhook rejected", extra={"platform": connector.platform, "reason": error.reason})
            raise _problem_of(error) from None
        try:
            document = _verify(connector, delivery, fresh, state.clocks)
        except WebhookRejected as again:
            log.info("webhook rejected", extra={"platform": connector.platform, "reason": again.reason})
            raise _problem_of(again) from None
        connection = fresh
    try:
        inbound = connector.parse(document, connection=connection.ref)
    except WebhookMalformed as error:
        raise _problem_of(error) from None
    if inbound.events:
        writer: DeliveryWriter = state.delivery_writer
        await writer.record(
            connection_id=connection.ref.id,
            community_id=connection.ref.community_id,
            dedupe_key=inbound.dedupe_key,
            events=inbound.events,
            now=state.clocks.now(connection.ref.community_id),
        )
    reply = inbound.reply
    return Response(content=reply.body, status_code=reply.status, media_type=reply.media_type)
