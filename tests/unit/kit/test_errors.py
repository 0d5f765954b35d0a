"""Errors rendered as problem+json with a stable code and the field that was wrong (kit/errors.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, field_validator

from kit.errors import PROBLEM_JSON, InvalidInput, NotFound, install_problem_handlers


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
