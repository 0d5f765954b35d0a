"""Errors a client can act on, logs an operator can read: GraphQL's own errors are answered as they are and
logged at info without a traceback; a fault is masked with an ``errorId`` that its one ERROR line (with the
traceback) carries too; oversize bodies are refused before parsing; a client hanging up is no 500."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Message

from gateway.app import create_app
from gateway.settings import GatewaySettings
from kit.migrations import upgrade
from tests.support.backends import Backend
from tests.support.guildhall import ADMIN_KEY, GraphQL, gateway_settings
from tests.support.processes import free_port

CREATE = "mutation Create($input: CreateCommunityInput!) { createCommunity(input: $input) { __typename } }"
UNKNOWN_COMMUNITY = "cmty_01m7y9wvft4hdrkcg2h0vakzsr"


@asynccontextmanager
async def gateway(backend: Backend, **changes: Any) -> AsyncIterator[FastAPI]:
    """A gateway alone: its services are at a port where nothing listens, unless ``transports`` says otherwise."""
    transports = changes.pop("transports", None)
    nowhere = f"http://127.0.0.1:{free_port()}"
    settings: GatewaySettings = gateway_settings(backend).model_copy(
        update={"membership_url": nowhere, "gamification_url": nowhere, "content_url": nowhere, **changes}
    )
    await upgrade("gateway", settings.database_url)
    app = create_app(settings, transports=transports)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def gateway_alone(backend: Backend) -> AsyncIterator[FastAPI]:
    async with gateway(backend) as app:
        yield app


def http_of(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gw", headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )


async def ask(app: FastAPI, query: str, **variables: Any) -> dict[str, Any]:
    async with http_of(app) as http:
        return await GraphQL(http)(query, **variables)


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


# 9. Variables of the wrong type are the caller's to fix: GraphQL's coercion error, not "Unexpected error."


async def test_a_variable_of_the_wrong_type_is_a_validation_error_naming_it(gateway_alone: FastAPI) -> None:
    body = await ask(gateway_alone, CREATE, input={"name": 5, "timezone": "UTC"})

    error = body["errors"][0]
    assert body["data"] is None
    assert error["message"].startswith("Variable '$input' has invalid value at .name: ")
    assert "String cannot represent a non string value: 5" in error["message"]
    assert error["locations"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("query", "variables", "said"),
    [
        ("query Q($n: Int!) { community(id: $n) { id } }", {"n": 1}, "Variable '$n' of type 'Int!'"),
        (
            'query Q($first: Int) { leaderboard(communityId: "x", limit: $first) { __typename } }',
            {"first": 2**40},
            "Int cannot represent non 32-bit signed integer value",
        ),
        ("query Q($id: ID!) { community(id: $id) { id } }", {"id": {"ключ": 1}}, "ID cannot represent value"),
        ("{ community(id: 1.5) { id } }", {}, "ID cannot represent a non-string and non-integer value"),
        ('{ community(id: "x") { nosuchfield } }', {}, "Cannot query field 'nosuchfield'"),
    ],
)
async def test_malformed_requests_are_answered_with_graphql_s_reason(
    gateway_alone: FastAPI, query: str, variables: dict[str, Any], said: str
) -> None:
    body = await ask(gateway_alone, query, **variables)

    messages = [e["message"] for e in body["errors"]]
    assert any(said in m for m in messages), messages
    assert "Unexpected error." not in messages


# 9 and 11. A real fault is masked, with an id its one ERROR log line (with the traceback) carries too.


def broken(request: httpx.Request) -> httpx.Response:
    raise RuntimeError(f"the membership call broke: {request.url.path}")


async def test_a_fault_is_masked_with_the_error_id_its_error_log_line_carries(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    async with gateway(backend, transports={"membership": httpx.MockTransport(broken)}) as app:
        with caplog.at_level(logging.INFO):
            body = await ask(app, f'{{ community(id: "{UNKNOWN_COMMUNITY}") {{ id }} }}')

    error = body["errors"][0]
    assert error["message"] == "Unexpected error."
    assert error["path"] == ["community"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "membership call broke" not in json.dumps(body)
    [logged] = errors_logged(caplog)
    assert logged.error_id == error["extensions"]["errorId"]  # type: ignore[attr-defined]
    assert logged.exc_info is not None and isinstance(logged.exc_info[1], RuntimeError)
    assert "membership call broke" in logged.getMessage()


# 11. Expected client errors are info without a traceback.


async def test_a_malformed_query_logs_no_error_and_no_traceback(
    gateway_alone: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        syntax = await ask(gateway_alone, "{ community(id: ")
        wrong_type = await ask(gateway_alone, CREATE, input={"name": 5, "timezone": "UTC"})

    assert syntax["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert wrong_type["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert errors_logged(caplog) == []
    assert tracebacks(caplog) == []
    assert [r.levelno for r in caplog.records if r.name == "guildhall.graphql"] == [logging.INFO, logging.INFO]


async def test_an_expected_not_found_logs_no_error_and_no_traceback(
    admin: GraphQL, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        body = await admin(f'{{ community(id: "{UNKNOWN_COMMUNITY}") {{ id }} }}')

    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert errors_logged(caplog) == []
    assert tracebacks(caplog) == []
    [logged] = [r for r in caplog.records if r.name == "guildhall.graphql"]
    assert logged.levelno == logging.INFO and logged.code == "NOT_FOUND"  # type: ignore[attr-defined]


# 10. Oversize bodies to /graphql are refused before anything reads them as JSON or GraphQL.

MiB = 1024 * 1024


def oversize_query(size: int) -> bytes:
    """A well-formed request that would parse, were it read: its size alone is at fault."""
    padding = " " * (size - 40)
    return json.dumps({"query": "{ __typename" + padding + "}"}).encode()


async def test_a_20_mib_body_is_413_problem_json_before_it_is_parsed(gateway_alone: FastAPI) -> None:
    big = oversize_query(20 * MiB)
    not_json = b"{" * (20 * MiB)  # were it parsed, strawberry would answer 400 for the JSON

    async with http_of(gateway_alone) as http:
        declared = await http.post("/graphql", content=big, headers={"content-type": "application/json"})
        refused = await http.post("/graphql", content=not_json, headers={"content-type": "application/json"})

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the count is what refuses it
            for start in range(0, len(big), MiB):
                yield big[start : start + MiB]

        streamed = await http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        small = await http.post("/graphql", json={"query": "{ __typename }"})

    for response in (declared, refused, streamed):
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Payload too large",
            "status": 413,
            "code": "payload_too_large",
            "detail": f"body: at most {MiB} bytes",
            "errors": [],
        }
    assert small.json() == {"data": {"__typename": "Query"}}


async def test_the_graphql_body_limit_is_a_setting(backend: Backend) -> None:
    async with gateway(backend, graphql_max_body_bytes=2_000) as app, http_of(app) as http:
        over = await http.post("/graphql", content=oversize_query(3_000), headers={"content-type": "application/json"})
        under = await http.post("/graphql", content=oversize_query(1_500), headers={"content-type": "application/json"})

    assert over.status_code == 413
    assert under.json() == {"data": {"__typename": "Query"}}


# 9. A client that hangs up mid-body is no server error.


async def hang_up_mid_body(app: FastAPI, path: str) -> list[Message]:
    """Sends half a body over raw ASGI, then the server's disconnect; returns what the app sent back."""
    incoming: list[Message] = [
        {"type": "http.request", "body": b'{"update_id": 1, ', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"host", b"gw")],
        "client": ("127.0.0.1", 5000),
        "server": ("gw", 80),
        "app": app,
    }
    await app(scope, receive, send)
    return sent


@pytest.mark.parametrize("path", ["/webhooks/telegram/conn_01m7y9wvft4hdrkcg2h0vakzsr", "/graphql"])
async def test_a_client_hanging_up_mid_body_is_not_logged_as_a_500(
    gateway_alone: FastAPI, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.INFO):
        sent = await hang_up_mid_body(gateway_alone, path)

    assert sent == []
    assert errors_logged(caplog) == []
    [access] = [r for r in caplog.records if r.name == "guildhall.access"]
    assert access.levelno == logging.INFO and access.status == 499  # type: ignore[attr-defined]
