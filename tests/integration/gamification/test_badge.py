"""Badges through the REST API: incremental awards as events arrive, streaks in the community's day,
points badges, challenges, manual awards, and a backfill that catches what was missed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from contracts.events import CommunityCreated
from contracts.gamification.events import ChallengeCompleted
from kit.auth import Principal
from kit.tables import outbox
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, grant
from tests.support.guildhall import running_service, service_client
from tests.support.rewards import create_badge, member_badges, message

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
BADGES = f"/v1/communities/{COMMUNITY}/badges"
# 2 March 2026, 23:30 in Shanghai.
NIGHT = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


async def _badge_events(app: object) -> list[dict[str, object]]:
    async with app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        rows = (await session.exec(select(outbox.c.type, outbox.c.envelope))).all()
    return [json.loads(envelope)["data"] for kind, envelope in rows if kind == "badge.awarded"]


async def test_a_count_badge_is_awarded_once_when_the_third_message_arrives(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        badge = await create_badge(client)
        for _ in range(2):
            await publish(app, message("mbr_a"), producer="membership", community_id=COMMUNITY, times=2)
        await consume(app, "gamification")
        before = await member_badges(client, "mbr_a")
        for _ in range(3):
            await publish(app, message("mbr_a"), producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        after = await member_badges(client, "mbr_a")
        events = await _badge_events(app)

    assert before == []  # two messages, each delivered twice, count twice
    assert after == [f"{badge['id']}:once"]
    assert [(e["member_id"], e["name"], e["image_url"]) for e in events] == [
        ("mbr_a", "Chatty", "https://img.example/chatty.png")
    ]


async def test_a_streak_badge_follows_the_community_day(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        created = CommunityCreated(community_id=COMMUNITY, name="Readers", timezone="Asia/Shanghai")
        await publish(app, created, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        badge = await create_badge(
            client, name="Three days", criteria={"kind": "streak", "event": "member.activity.message", "days": 3}
        )
        # Local 23:30 on 2 March, 00:30 on 3 March and 00:30 on 4 March: three local days, two UTC days.
        for at in (NIGHT, NIGHT + timedelta(hours=1), NIGHT + timedelta(hours=25)):
            await publish(app, message("mbr_a", at), producer="membership", community_id=COMMUNITY)
        # Three UTC days (1, 2 and 3 March) that are two local days (2 and 3 March).
        b_days = (
            datetime(2026, 3, 1, 23, 0, tzinfo=UTC),
            datetime(2026, 3, 2, 12, tzinfo=UTC),
            NIGHT + timedelta(hours=9),
        )
        for at in b_days:
            await publish(app, message("mbr_b", at), producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        a, b = await member_badges(client, "mbr_a"), await member_badges(client, "mbr_b")

    assert a == [f"{badge['id']}:once"]
    assert b == []


async def test_a_repeatable_points_badge_pays_each_threshold_and_grants_count(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        badge = await create_badge(client, name="Hundreds", criteria={"kind": "points", "n": 100}, repeatable=True)
        await grant(client, "mbr_a", 150)
        await grant(client, "mbr_a", 60)
        awards = await member_badges(client, "mbr_a")

    assert awards == [f"{badge['id']}:points:100", f"{badge['id']}:points:200"]


async def test_a_challenge_badge_follows_challenge_completed(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        badge = await create_badge(client, name="Finisher", criteria={"kind": "challenge", "challenge_id": "ch_1"})
        for challenge_id in ("ch_2", "ch_1"):
            done = ChallengeCompleted(member_id="mbr_a", challenge_id=challenge_id, enrollment_id=f"enr_{challenge_id}")
            await publish(app, done, producer="gamification", community_id=COMMUNITY)
        await consume(app, "gamification")
        awards = await member_badges(client, "mbr_a")

    assert awards == [f"{badge['id']}:once"]


async def test_the_backfill_awards_what_was_earned_before_the_badge_existed(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await grant(client, "mbr_a", 500)
        await grant(client, "mbr_b", 20)
        badge = await create_badge(client, name="Five hundred", criteria={"kind": "points", "n": 500})
        before = await member_badges(client, "mbr_a")
        first = (await client.post(f"{BADGES}/backfill")).json()
        again = (await client.post(f"{BADGES}/backfill")).json()
        a, b = await member_badges(client, "mbr_a"), await member_badges(client, "mbr_b")

    assert before == []
    assert (first, again) == ({"awarded": 1}, {"awarded": 0})
    assert (a, b) == ([f"{badge['id']}:once"], [])


async def test_manual_awards_once_unless_repeatable(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        hero = await create_badge(client, name="Hero", criteria={"kind": "manual"})
        thanks = await create_badge(client, name="Thanks", criteria={"kind": "manual"}, repeatable=True)
        for badge in (hero, hero, thanks, thanks):
            response = await client.post(f"{BADGES}/{badge['id']}/awards", json={"member_id": "mbr_a"})
            assert response.status_code == 201, response.text
        awards = await member_badges(client, "mbr_a")

    assert sum(a.startswith(hero["id"]) for a in awards) == 1
    assert sum(a.startswith(thanks["id"]) for a in awards) == 2


async def test_bad_criteria_are_refused_naming_the_field_and_another_community_sees_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        async with service_client(app, MINE) as client:
            bad = await client.post(
                BADGES, json={"name": "?", "criteria": {"kind": "count", "event": "member.dance", "n": 0}}
            )
            badge = await create_badge(client)
            twin = await client.post(BADGES, json={"name": "Chatty", "criteria": {"kind": "manual"}})
            listed = (await client.get(BADGES)).json()
        other = Principal(role="community_admin", key_id="key_other", community_id=OTHER_COMMUNITY)
        async with service_client(app, other) as client:
            foreign = await client.get(f"{BADGES}/{badge['id']}")

    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["criteria.event", "criteria.n"]
    assert (twin.status_code, twin.json()["code"]) == (409, "badge_name_taken")
    assert [b["name"] for b in listed] == ["Chatty"]
    assert foreign.status_code == 404
