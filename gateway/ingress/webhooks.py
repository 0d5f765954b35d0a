"""``POST /webhooks/{platform}/{connection_id}`` (and the GET handshakes): read, verify, dedupe, publish, ack.

The request path does no domain work: it verifies the delivery against the connection's credentials
(current, then previous during a rotation's grace period), normalizes it, and writes the dedupe row
and the ``chat.*`` outbox events in one transaction, shared with the deliveries that arrived at the
same time (``writer.DeliveryWriter``). The relay publishes them; consumers do the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import APIRouter, Request, Response
from prometheus_client import Counter

from gateway.connections.directory import ConnectionDirectory, OpenConnection
from gateway.connectors import Connector, Document, WebhookMalformed, WebhookRejected, WebhookRequest
from gateway.ingress.writer import DeliveryWriter
from kit.clock import Clocks
from kit.errors import Problem

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


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing more than ``limit`` bytes with 413 whatever Content-Length claims."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise WebhookProblem(413, "payload_too_large", "Payload too large", f"body: at most {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebhookProblem(413, "payload_too_large", "Payload too large", f"body: at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


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


def webhook_router() -> APIRouter:
    router = APIRouter()

    @router.api_route("/webhooks/{platform}/{connection_id}", methods=["GET", "POST"], include_in_schema=False)
    async def receive(platform: str, connection_id: str, request: Request) -> Response:
        state = request.app.state
        connectors: Mapping[str, Connector] = state.connectors
        connector = connectors.get(platform)
        if connector is None:
            raise WebhookProblem(404, "platform_not_found", "Not found", f"platform: {platform!r} is not supported")
        outcome = "rejected"
        try:
            response = await _receive(connector, connection_id, request)
            outcome = "accepted"
            return response
        except WebhookProblem as problem:
            outcome = problem.code
            raise
        finally:
            WEBHOOKS.labels(platform, outcome).inc()

    async def _receive(connector: Connector, connection_id: str, request: Request) -> Response:
        state = request.app.state
        if request.method not in connector.methods:
            raise WebhookProblem(405, "method_not_allowed", "Method not allowed", f"{connector.platform}: POST only")
        if request.method == "POST" and _media_type(request) not in connector.content_types:
            expected = ", ".join(sorted(connector.content_types))
            raise WebhookProblem(415, "unsupported_media_type", "Unsupported media type", f"Content-Type: {expected}")
        body = await read_body(request, state.settings.webhook_max_body_bytes)
        directory: ConnectionDirectory = state.connection_directory
        connection = await directory.get(connection_id)
        if connection is None or connection.ref.platform != connector.platform or connection.disabled:
            raise _not_found()
        delivery = WebhookRequest(
            method=request.method,
            headers={k.lower(): v for k, v in request.headers.items()},
            query=dict(request.query_params),
            body=body,
            content_type=_media_type(request),
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

    return router
