"""Gamification gives every new community the default level scheme, once."""

from __future__ import annotations

from sqlmodel import select

from contracts.events import CommunityCreated
from kit.auth import Principal
from kit.tables import outbox
from services.gamification.domain.level import DEFAULT_SCHEME
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, balance, grant
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


async def test_an_operator_replaces_the_scheme_and_members_move_to_the_level_they_reach(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        created = CommunityCreated(community_id=COMMUNITY, name="Readers", timezone="UTC")
        await publish(app, created, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        async with service_client(app, ADMIN) as client:
            assert (await grant(client, "mbr_a", 150)).status_code == 201
            before = await balance(client, "mbr_a")
            scheme = [
                {"rank": 1, "name": "Seedling", "threshold": 0},
                {"rank": 2, "name": "Sprout", "threshold": 50, "chat_role": "sprout"},
                {"rank": 3, "name": "Tree", "threshold": 120, "chat_role": "tree"},
            ]
            replaced = await client.put(f"/v1/communities/{COMMUNITY}/levels", json={"levels": scheme})
            after = await balance(client, "mbr_a")
            levels = (await client.get(f"/v1/communities/{COMMUNITY}/levels")).json()
        async with app.state.sessionmaker() as session:
            announced = (await session.exec(select(outbox.c.type).where(outbox.c.type == "level.reached"))).all()

    assert replaced.status_code == 200, replaced.text
    assert before["level_rank"] == 2  # 150 points: "Regular" in the default scheme
    assert after["level_rank"] == 3  # "Tree" from 120 points
    assert [(level["name"], level["threshold"], level["chat_role"]) for level in levels] == [
        ("Seedling", 0, None),
        ("Sprout", 50, "sprout"),
        ("Tree", 120, "tree"),
    ]
    assert len(announced) == 1  # the grant's crossing into "Regular"; a scheme change announces nothing


async def test_a_scheme_that_cannot_work_is_refused_naming_levels_and_changes_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        created = CommunityCreated(community_id=COMMUNITY, name="Readers", timezone="UTC")
        await publish(app, created, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        async with service_client(app, ADMIN) as client:
            falling = [{"rank": 1, "name": "A", "threshold": 0}, {"rank": 2, "name": "B", "threshold": 0}]
            refused = await client.put(f"/v1/communities/{COMMUNITY}/levels", json={"levels": falling})
            not_from_zero = await client.put(
                f"/v1/communities/{COMMUNITY}/levels", json={"levels": [{"rank": 1, "name": "A", "threshold": 5}]}
            )
            empty = await client.put(f"/v1/communities/{COMMUNITY}/levels", json={"levels": []})
            levels = (await client.get(f"/v1/communities/{COMMUNITY}/levels")).json()
        outsider = Principal(role="community_admin", key_id="key_x", community_id="cmty_01m7y9wvft4hdrkcg2h0vakzs9")
        async with service_client(app, outsider) as client:
            foreign = await client.put(
                f"/v1/communities/{COMMUNITY}/levels", json={"levels": [{"rank": 1, "name": "A", "threshold": 0}]}
            )

    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "levels", "reason": "level 2 must need more points than level 1"}]
    assert not_from_zero.json()["errors"][0]["reason"] == "the first level must start at 0 points"
    assert empty.status_code == 422
    assert [level["name"] for level in levels] == [spec.name for spec in DEFAULT_SCHEME]
    assert foreign.status_code == 404
