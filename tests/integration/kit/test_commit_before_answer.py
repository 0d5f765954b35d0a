"""A request's transaction commits before its answer is sent: when the commit fails, the client is told so
and holds no id of something that does not exist (on a FastAPI route, on an Idempotency-Key route and on the
lean check-in path)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal
from kit.clock import ManualClock
from tests.support.backends import Backend
from tests.support.challenges import BEFORE_START, DAY1_OPEN, check_in, create_challenge, enroll, enrollment
from tests.support.factories import community_input
from tests.support.guildhall import INTERNAL_SECRET, running_service

ADMIN = Principal(role="platform_admin", key_id="key_admin")
COMMUNITY = "cmty_commit"
MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)


class CommitRefused(Exception):
    """What the database says at commit time (a deferred constraint, a lost connection, a full disk)."""


@contextmanager
def commits_fail(app: FastAPI) -> Iterator[None]:
    def refuse(_: Any) -> None:
        raise CommitRefused("the database refused the commit")

    engine = app.state.engine.sync_engine
    event.listen(engine, "commit", refuse)
    try:
        yield
    finally:
        event.remove(engine, "commit", refuse)


def client_of(app: FastAPI, principal: Principal) -> httpx.AsyncClient:
    # The server's own answer to a fault, as a client over the network would see it (no re-raise in the test).
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://service",
        headers={PRINCIPAL_HEADER: sign_principal(principal, INTERNAL_SECRET)},
    )


async def test_a_create_whose_commit_fails_is_answered_as_a_failure_and_nothing_exists(backend: Backend) -> None:
    async with running_service(backend, "membership") as app, client_of(app, ADMIN) as client:
        with commits_fail(app):
            refused = await client.post("/v1/communities", json=community_input(name="Lost"))
        listed = (await client.get("/v1/communities")).json()["items"]
        after = await client.post("/v1/communities", json=community_input(name="Kept"))

    assert refused.status_code >= 500
    assert "id" not in refused.text
    assert [c["name"] for c in listed] == []
    assert after.status_code == 201


async def test_an_idempotent_create_whose_commit_fails_can_be_retried_with_the_same_key(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, client_of(app, MINE) as client:
        body = {"name": "Mug", "cost": 30}
        headers = {"Idempotency-Key": "mug-1"}
        with commits_fail(app):
            refused = await client.post(f"/v1/communities/{COMMUNITY}/rewards", json=body, headers=headers)
        retried = await client.post(f"/v1/communities/{COMMUNITY}/rewards", json=body, headers=headers)
        listed = (await client.get(f"/v1/communities/{COMMUNITY}/rewards")).json()

    assert refused.status_code >= 500
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert [r["id"] for r in listed] == [retried.json()["id"]]


async def test_a_check_in_whose_commit_fails_is_answered_as_a_failure_and_not_counted(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, client_of(app, MINE) as client:
        app.state.clocks.set(COMMUNITY, ManualClock(BEFORE_START))
        challenge_id = (await create_challenge(client, COMMUNITY))["id"]
        assert (await enroll(client, challenge_id, "mbr_a", COMMUNITY)).status_code == 201
        app.state.clocks.set(COMMUNITY, ManualClock(DAY1_OPEN + timedelta(minutes=30)))
        with commits_fail(app):
            refused = await check_in(client, challenge_id, "mbr_a", key="tap-1", community_id=COMMUNITY)
        counted = await enrollment(client, challenge_id, "mbr_a", COMMUNITY)
        retried = await check_in(client, challenge_id, "mbr_a", key="tap-1", community_id=COMMUNITY)

    assert refused.status_code >= 500
    assert counted["days_done"] == 0
    assert retried.status_code == 201
    assert retried.json()["checkin"]["day"] == 1
