"""A serving process answers each service's warm-up reads once, as Guildhall itself, before it takes requests;
a warm-up read that fails is skipped and never stops the start."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import FastAPI, Header
from starlette.types import Message

from guildhall import http
from kit.auth import PRINCIPAL_HEADER, verify_principal
from kit.warmup import WARM_COMMUNITY, WARM_MEMBER, warm_up

SECRET = "warm-up-secret"


def _app(paths: tuple[str, ...]) -> tuple[FastAPI, list[str]]:
    app = FastAPI()
    app.state.internal_secret = SECRET
    app.state.warm_paths = paths
    seen: list[str] = []

    @app.get("/v1/communities/{community_id}/things")
    async def things(
        community_id: str, member_id: str, principal: Annotated[str, Header(alias=PRINCIPAL_HEADER)]
    ) -> list[str]:
        seen.append(f"{community_id} {member_id} {verify_principal(principal, SECRET).role}")
        return []

    @app.get("/v1/broken")
    async def broken() -> None:
        raise RuntimeError("not today")

    return app, seen


async def test_each_warm_up_path_is_read_once_as_guildhall_itself() -> None:
    app, seen = _app(("/v1/communities/{community}/things?member_id={member}",) * 2)

    answered = await warm_up(app)

    assert answered == 2
    assert seen == [f"{WARM_COMMUNITY} {WARM_MEMBER} system"] * 2


async def test_a_failing_warm_up_read_is_skipped_and_the_others_still_run() -> None:
    app, seen = _app(("/v1/broken", "/v1/missing", "/v1/communities/{community}/things?member_id={member}"))

    answered = await warm_up(app)

    assert answered == 2  # the 404 answered; the route that raised did not
    assert len(seen) == 1


async def test_a_served_app_is_warmed_up_before_the_server_hears_it_has_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, seen = _app(("/v1/communities/{community}/things?member_id={member}",))
    order: list[str] = []
    monkeypatch.setattr(http, "settle_heap", lambda: order.append(f"settled after {len(seen)} warm-up reads"))

    async def receive() -> Message:
        return {"type": "lifespan.startup"} if not order else {"type": "lifespan.shutdown"}

    async def send(message: Message) -> None:
        order.append(message["type"])

    await http._settling_after_startup(app)({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)

    assert order[:2] == ["settled after 1 warm-up reads", "lifespan.startup.complete"]
