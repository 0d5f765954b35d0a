"""What the gateway says when a service is down or a query asks too much."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from kit.migrations import upgrade
from tests.support.backends import Backend
from tests.support.guildhall import ADMIN_KEY, GraphQL, gateway_settings
from tests.support.processes import free_port


@pytest.fixture
async def gateway_alone(backend: Backend) -> AsyncIterator[FastAPI]:
    """A gateway whose services are configured at a port where nothing listens."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    settings = gateway_settings(backend).model_copy(
        update={"membership_url": nowhere, "gamification_url": nowhere, "content_url": nowhere}
    )
    await upgrade("gateway", settings.database_url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


async def admin_of(app: FastAPI) -> GraphQL:
    return GraphQL(
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://gw",
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        )
    )


async def test_a_service_that_does_not_answer_is_a_named_error_not_a_crash(gateway_alone: FastAPI) -> None:
    admin = await admin_of(gateway_alone)

    query = await admin('{ community(id: "cmty_01m7y9wvft4hdrkcg2h0vakzsr") { id } }')
    mutation = await admin('mutation { createCommunity(input: {name: "A", timezone: "UTC"}) { __typename } }')
    await admin.http.aclose()

    for body in (query, mutation):
        error = body["errors"][0]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "reason": "service_unavailable"}
        assert error["message"].startswith("membership did not answer")


async def test_queries_nested_too_deep_are_refused_before_any_service_is_called(gateway_alone: FastAPI) -> None:
    admin = await admin_of(gateway_alone)
    deep = '{ community(id: "x") { ' + "levels { " * 13 + "rank" + " }" * 13 + " } }"

    body = await admin(deep)
    await admin.http.aclose()

    assert body["data"] is None
    assert body["errors"][0]["message"] == "'anonymous' exceeds maximum operation depth of 12"
