"""Surprise rewards through events: a recorded draw per event and member, bonuses within the daily budget,
nothing drawn twice on a redelivery, and every draw re-derivable afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

from kit.auth import Principal
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, balance
from tests.support.guildhall import running_service, service_client
from tests.support.rewards import message

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
SURPRISES = f"/v1/communities/{COMMUNITY}/surprises"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_every_event_draws_once_and_bonuses_stop_at_the_daily_budget(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        created = await client.post(
            SURPRISES,
            json={
                "name": "Lucky",
                "events": ["member.activity.message"],
                "probability": 1.0,
                "bonus": 10,
                "daily_budget": 25,
            },
        )
        for member_id in ("mbr_a", "mbr_b", "mbr_a"):
            await publish(app, message(member_id, AT), producer="membership", community_id=COMMUNITY, times=2)
        await consume(app, "gamification")
        draws = (await client.get(f"{SURPRISES}/draws")).json()["items"]
        a, b = await balance(client, "mbr_a"), await balance(client, "mbr_b")
        checks = [(await client.get(f"{SURPRISES}/draws/{d['id']}/verification")).json() for d in draws]
        rules = (await client.get(SURPRISES)).json()

    assert created.status_code == 201
    assert "secret" not in created.json() and "secret" not in rules[0]
    oldest_first = list(reversed(draws))
    assert [(d["member_id"], d["outcome"], d["budget_left"]) for d in oldest_first] == [
        ("mbr_a", "won", 25),
        ("mbr_b", "won", 15),
        ("mbr_a", "budget_exhausted", 5),
    ]
    assert all(d["seed"] == f"{d['event_id']}:{d['member_id']}" for d in draws)
    assert (a["balance"], b["balance"]) == (10, 10)
    assert all(c["matches"] for c in checks)


async def test_draws_are_a_fair_share_and_re_derivable(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await client.post(
            SURPRISES,
            json={
                "name": "Sometimes",
                "events": ["member.activity.message"],
                "probability": 0.3,
                "bonus": 1,
                "daily_budget": 1_000,
            },
        )
        for i in range(40):
            await publish(app, message(f"mbr_{i}", AT), producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        draws = (await client.get(f"{SURPRISES}/draws", params={"limit": 100})).json()["items"]
        tampered = draws[0]
        verification = (await client.get(f"{SURPRISES}/draws/{tampered['id']}/verification")).json()

    assert len(draws) == 40
    won = [d for d in draws if d["outcome"] == "won"]
    assert all(d["value"] < 0.3 for d in won)
    assert all(d["value"] >= 0.3 for d in draws if d["outcome"] == "lost")
    assert 0 < len(won) < 40
    assert verification["matches"] is True
    assert verification["value"] == tampered["value"]


async def test_bad_rules_are_refused_naming_the_field_and_another_community_sees_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        async with service_client(app, MINE) as client:
            bad = await client.post(
                SURPRISES,
                json={"name": "?", "events": ["member.dance"], "probability": 1.5, "bonus": 0, "daily_budget": 10},
            )
            listed = (await client.get(SURPRISES)).json()
        other = Principal(role="community_admin", key_id="key_other", community_id=OTHER_COMMUNITY)
        async with service_client(app, other) as client:
            foreign = await client.get(f"{SURPRISES}/draws")

    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["events.0", "probability", "bonus"]
    assert listed == []
    assert foreign.status_code == 404
