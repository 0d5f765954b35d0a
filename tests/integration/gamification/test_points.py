"""Activity events become points: rules → ledger → leaderboard, once per event however often delivered."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import select

from contracts.events import CommunityCreated, MemberActivity, MemberJoined
from kit.auth import Principal
from kit.events.envelope import stream_of
from kit.tables import outbox, processed_event
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, balance, create_rule
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def message(member_id: str, at: datetime, text: str = "Morning, all of you!") -> MemberActivity:
    return MemberActivity(
        member_id=member_id,
        kind="message",
        group_id="grp_1",
        platform="telegram",
        text=text,
        text_length=len(text),
        occurred_at=at,
    )


async def test_messages_earn_points_within_cooldown_and_cap_once_per_event(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        created = CommunityCreated(community_id=COMMUNITY, name="Readers", timezone="Asia/Shanghai")
        await publish(app, created, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        await create_rule(client, points=40, cooldown_seconds=60, daily_cap=100, conditions={"min_length": 5})
        sent = [
            message("mbr_a", AT),  # 40
            message("mbr_a", AT + timedelta(seconds=30)),  # cooldown
            message("mbr_a", AT + timedelta(seconds=61)),  # 40
            message("mbr_a", AT + timedelta(seconds=200), text="hi"),  # too short
            message("mbr_a", AT + timedelta(seconds=300)),  # 20: the cap
            message("mbr_a", AT + timedelta(seconds=400)),  # capped
            message("mbr_b", AT),  # 40
        ]
        for data in sent:
            await publish(app, data, producer="membership", community_id=COMMUNITY, times=2)
        await consume(app, "gamification")
        a, b = await balance(client, "mbr_a"), await balance(client, "mbr_b")
        board = (
            await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/all", params={"member_id": "mbr_b"})
        ).json()
        check = (await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/check/consistency")).json()
        async with app.state.sessionmaker() as session:
            types = list((await session.exec(select(outbox.c.type, outbox.c.envelope))).all())

    assert (a["balance"], a["lifetime"], a["level_rank"]) == (100, 100, 2)
    assert b["balance"] == 40
    assert [(r["member_id"], r["score"], r["rank"]) for r in board["top"]] == [("mbr_a", 100, 1), ("mbr_b", 40, 2)]
    assert board["me"]["rank"] == 2
    assert check == {"consistent": True, "mismatches": []}
    assert [t for t, _ in types].count("points.awarded") == 4
    reached = [json.loads(e)["data"] for t, e in types if t == "level.reached"]
    assert [(r["member_id"], r["rank"], r["name"]) for r in reached] == [("mbr_a", 2, "Regular")]


async def test_the_daily_cap_follows_the_community_day(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        created = CommunityCreated(community_id=COMMUNITY, name="Readers", timezone="Asia/Shanghai")
        await publish(app, created, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        await create_rule(client, points=10, daily_cap=10)
        # 15:30 and 16:30 UTC are 23:30 on 2 March and 00:30 on 3 March in Shanghai: two days.
        for at in (datetime(2026, 3, 2, 15, 30, tzinfo=UTC), datetime(2026, 3, 2, 16, 30, tzinfo=UTC)):
            await publish(app, message("mbr_a", at), producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        totals = await balance(client, "mbr_a")

    assert totals["balance"] == 20


async def test_a_referral_rewards_the_referrer_and_tiers_multiply(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await create_rule(client, event="member.joined.referral", points=50)
        await create_rule(client, points=10, tier_multipliers={"tier_gold": 2.0})
        joined = MemberJoined(
            member_id="mbr_new",
            membership_id="mshp_1",
            tier_id="tier_gold",
            status="active",
            source="referral",
            referrer_member_id="mbr_a",
        )
        await publish(app, joined, producer="membership", community_id=COMMUNITY, times=2)
        await consume(app, "gamification")
        await publish(app, message("mbr_new", AT), producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        referrer, newcomer = await balance(client, "mbr_a"), await balance(client, "mbr_new")

    assert referrer["balance"] == 50
    assert (newcomer["balance"], newcomer["tier_id"]) == (20, "tier_gold")


async def test_a_board_that_drifted_is_found_and_rebuilt_from_the_ledger(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await create_rule(client, points=5)
        await publish(app, message("mbr_a", datetime.now(UTC)), producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        await app.state.redis.zincrby(f"gh:lb:{COMMUNITY}:all:all", 7, "mbr_ghost")
        before = (await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/check/consistency")).json()
        rebuilt = (await client.post(f"/v1/communities/{COMMUNITY}/leaderboards/rebuild")).json()
        after = (await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/check/consistency")).json()

    assert before["consistent"] is False
    assert [(m["window"], m["member_id"], m["ledger"], m["board"]) for m in before["mismatches"]] == [
        ("all", "mbr_ghost", 0, 7)
    ]
    assert rebuilt["members"]["all"] == 1
    assert after["consistent"] is True


async def test_a_batch_delivered_again_after_its_inbox_rows_were_lost_awards_nothing_twice(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await create_rule(client, points=30, cooldown_seconds=60, daily_cap=50)
        await create_rule(client, name="Chatter", points=1)
        sent = [
            await publish(
                app, message(member, AT + timedelta(seconds=s)), producer="membership", community_id=COMMUNITY
            )
            for member, s in (("mbr_a", 0), ("mbr_b", 0), ("mbr_a", 30), ("mbr_a", 90), ("mbr_a", 200))
        ]
        await consume(app, "gamification")
        first = (await balance(client, "mbr_a"), await balance(client, "mbr_b"))
        async with app.state.sessionmaker() as session, session.begin():
            await session.exec(delete(processed_event))
        for envelope in sent:
            await app.state.redis.xadd(stream_of("membership"), {"envelope": envelope.model_dump_json()})
        handled = await consume(app, "gamification")
        second = (await balance(client, "mbr_a"), await balance(client, "mbr_b"))
        check = (await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/check/consistency")).json()
        async with app.state.sessionmaker() as session:
            awarded = (await session.exec(select(func.count()).where(outbox.c.type == "points.awarded"))).one()

    # a: 30 + 1, cooldown + 1, 20 (the cap) + 1, capped + 1; b: 30 + 1.
    assert (first[0]["balance"], first[1]["balance"]) == (54, 31)
    assert handled == 5
    assert second == first
    assert awarded == 8
    assert check == {"consistent": True, "mismatches": []}


async def test_a_board_answers_the_top_my_rank_and_my_neighbours(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        key = f"gh:lb:{COMMUNITY}:all:all"
        await app.state.redis.zadd(key, {f"mbr_{i}": float(i * 10) for i in range(1, 8)})
        url = f"/v1/communities/{COMMUNITY}/leaderboards/all"
        mine = (await client.get(url, params={"limit": 2, "member_id": "mbr_4", "radius": 1})).json()
        stranger = (await client.get(url, params={"limit": 1, "member_id": "mbr_nobody", "radius": 2})).json()
        wrong = await client.get(url, params={"limit": 0})

    assert [(r["member_id"], r["score"], r["rank"]) for r in mine["top"]] == [("mbr_7", 70, 1), ("mbr_6", 60, 2)]
    assert mine["me"] == {"member_id": "mbr_4", "score": 40, "rank": 4}
    assert [r["member_id"] for r in mine["around"]] == ["mbr_5", "mbr_4", "mbr_3"]
    assert (mine["window"], mine["period"]) == ("all", "all")
    assert (stranger["me"], stranger["around"], len(stranger["top"])) == (None, [], 1)
    assert wrong.status_code == 422
