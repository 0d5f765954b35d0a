"""Gamification gives every new community the default level scheme, once."""

from __future__ import annotations

from contracts.events import CommunityCreated
from kit.auth import Principal
from services.gamification.domain.level import DEFAULT_SCHEME
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.guildhall import running_service, service_client

ADMIN = Principal(role="platform_admin")


async def test_a_created_community_gets_the_default_levels_once_however_often_it_is_delivered(
    backend: Backend,
) -> None:
    async with running_service(backend, "gamification") as app:
        created = CommunityCreated(community_id="cmty_01m7y9wvft4hdrkcg2h0vakzsr", name="Readers", timezone="UTC")
        await publish(app, created, producer="membership", community_id=created.community_id, times=3)

        handled = await consume(app, "gamification")
        async with service_client(app, ADMIN) as client:
            levels = (await client.get(f"/v1/communities/{created.community_id}/levels")).json()

    assert handled == 3
    assert [(level["rank"], level["name"], level["threshold"]) for level in levels] == [
        (spec.rank, spec.name, spec.threshold) for spec in DEFAULT_SCHEME
    ]


async def test_the_batch_read_answers_per_community_and_refuses_foreign_ones(backend: Backend) -> None:
    mine, other, empty = (
        "cmty_01m7y9wvft4hdrkcg2h0vakzs1",
        "cmty_01m7y9wvft4hdrkcg2h0vakzs2",
        "cmty_01m7y9wvft4hdrkcg2h0vakzs3",
    )
    async with running_service(backend, "gamification") as app:
        for community_id in (mine, other):
            data = CommunityCreated(community_id=community_id, name="x", timezone="UTC")
            await publish(app, data, producer="membership", community_id=community_id)
        await consume(app, "gamification")
        async with service_client(app, ADMIN) as admin:
            batch = (await admin.get("/v1/levels", params={"community_id": [mine, empty]})).json()
        me = Principal(role="community_admin", key_id="key_me", community_id=mine)
        async with service_client(app, me) as client:
            foreign = await client.get("/v1/levels", params={"community_id": [mine, other]})
            missing = await client.get("/v1/levels")

    assert [(item["community_id"], len(item["levels"])) for item in batch["items"]] == [(mine, 5), (empty, 0)]
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "community_not_found"
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "community_id"
