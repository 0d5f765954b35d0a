"""Errors rendered as problem+json with a stable code and the field that was wrong (kit/errors.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, field_validator

from kit.errors import PROBLEM_JSON, InvalidInput, NotFound, Unavailable, install_problem_handlers


class CommunityBody(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


def create_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/timezone")
    async def bad_timezone() -> None:
        raise InvalidInput.of("timezone", "bad")

    @app.get("/missing")
    async def missing() -> None:
        raise NotFound("community cmty_x not found", code="community_not_found")

    @app.get("/unavailable")
    async def unavailable() -> None:
        raise Unavailable("the ledger is not answering")

    @app.post("/communities")
    async def create_community(body: CommunityBody) -> dict[str, str]:
        return {"name": body.name}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_a_raised_problem_is_rendered_as_problem_json_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/timezone")

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == 422
    assert body["code"] == "invalid_input"
    assert body["title"] == "Invalid input"
    assert body["detail"] == "timezone: bad"
    assert body["errors"] == [{"field": "timezone", "reason": "bad"}]


async def test_a_problem_keeps_the_code_it_was_raised_with(client: httpx.AsyncClient) -> None:
    response = await client.get("/missing")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "community_not_found"


async def test_a_validator_error_names_the_field_and_gives_the_reason_exactly(client: httpx.AsyncClient) -> None:
    response = await client.post("/communities", json={"name": "   "})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == 422
    assert body["code"] == "invalid_input"
    assert body["errors"] == [{"field": "name", "reason": "must not be empty"}]
    assert body["detail"] == "name: must not be empty"


async def test_a_missing_body_field_is_named(client: httpx.AsyncClient) -> None:
    response = await client.post("/communities", json={})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "reason": "Field required"}]


async def test_a_valid_body_is_not_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/communities", json={"name": "Readers"})

    assert response.status_code == 200
    assert response.json() == {"name": "Readers"}


async def test_an_unknown_route_is_a_not_found_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/route")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == 404
    assert body["code"] == "not_found"


async def test_a_wrong_method_is_a_method_not_allowed_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/timezone")

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


# Log levels: a client error is info without a traceback; a server error is an error with one.


async def test_client_errors_are_logged_at_info_without_a_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="guildhall.problem"):
        for response in (
            await client.get("/missing"),
            await client.get("/timezone"),
            await client.post("/communities", json={}),
            await client.get("/no/such/route"),
        ):
            assert 400 <= response.status_code < 500

    records = [r for r in caplog.records if r.name == "guildhall.problem"]
    assert [(r.levelno, r.status, r.code) for r in records] == [  # type: ignore[attr-defined]
        (logging.INFO, 404, "community_not_found"),
        (logging.INFO, 422, "invalid_input"),
        (logging.INFO, 422, "invalid_input"),
        (logging.INFO, 404, "not_found"),
    ]
    assert [r for r in records if r.exc_info] == []


async def test_server_errors_are_logged_at_error_with_the_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="guildhall.problem"):
        response = await client.get("/unavailable")

    assert response.status_code == 503
    [record] = [r for r in caplog.records if r.name == "guildhall.problem"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and isinstance(record.exc_info[1], Unavailable)
    assert record.getMessage() == "problem: the ledger is not answering"
