"""Prometheus metrics. One process-wide registry; the ``service`` label tells the parts apart when
they share a process (embedded mode)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "guildhall_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "guildhall_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
EVENTS_EMITTED = Counter("guildhall_events_emitted_total", "Events written to an outbox", ["producer", "type"])
EVENTS_PUBLISHED = Counter("guildhall_events_published_total", "Events relayed to a stream", ["stream"])
OUTBOX_PENDING = Gauge("guildhall_outbox_pending", "Events in an outbox not yet published", ["producer"])
EVENTS_CONSUMED = Counter(
    "guildhall_events_consumed_total", "Events taken by a consumer group", ["group", "stream", "outcome"]
)
EVENTS_DEAD_LETTERED = Counter(
    "guildhall_events_dead_lettered_total", "Events moved to a dead-letter stream", ["group", "stream"]
)
CONSUMER_LAG = Gauge(
    "guildhall_consumer_lag", "Entries in a stream not yet delivered to a consumer group", ["group", "stream"]
)
CONSUMER_PENDING = Gauge(
    "guildhall_consumer_pending", "Entries delivered to a consumer group but not yet acknowledged", ["group", "stream"]
)

DEAD_LETTERS = Gauge(
    "guildhall_dead_letters", "Entries waiting in a consumer group's dead-letter stream (dead.<group>)", ["group"]
)


def metrics_router() -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
