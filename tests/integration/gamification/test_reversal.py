"""Spam earns nothing: activity marked spam earns no points, and a strike on a message that earned takes
exactly that back with a correction per award, once, however often or in whatever order it arrives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import delete

from contracts.events import CommunityCreated, MemberActivity, StrikeAdded
from kit.auth import Principal
from kit.events import Envelope
from kit.events.envelope import stream_of
from kit.ids import new_id
from kit.tables import processed_event
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, balance, create_rule
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
CHAT = "telegram:-100500:"


def message(
    member_id: str, message_id: str, *, text: str = "Morning, all of you!", spam: list[str] | None = None
) -> MemberActivity:
    return MemberActivity(
        member_id=member_id,
        kind="message",
        group_id="grp_1",
        platform="telegram",
        text=text,
        text_length=len(text),
        platform_message_id=message_id,
        message_ref=CHAT + message_id,
        spam=spam or [],
        occurred_at=datetime.now(UTC),
    )


def strike(member_id: str, message_id: str | None, *, rule: str = "spam", strike_id: str | None = None) -> StrikeAdded:
    return StrikeAdded(
        member_id=member_id,
        strike_id=strike_id or new_id("strk"),
        rule=rule,
        weight=1,
        active_strikes=1,
        actor="system",
        expires_at=datetime.now(UTC) + timedelta(days=30),
        message_ref=CHAT + message_id if message_id else None,
    )


async def send(app: FastAPI, *events: MemberActivity | StrikeAdded, times: int = 1) -> list[Envelope]:
    sent = [await publish(app, data, producer="membership", community_id=COMMUNITY, times=times) for data in events]
    await consume(app, "gamification")
    return sent


async def entries(client: httpx.AsyncClient, member_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/communities/{COMMUNITY}/members/{member_id}/points/entries")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def board(client: httpx.AsyncClient, window: str, member_id: str) -> int | None:
    body = await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/{window}", params={"member_id": member_id})
    me = body.json()["me"]
    return None if me is None else int(me["score"])


async def arranged(app: FastAPI, client: httpx.AsyncClient) -> None:
    created = CommunityCreated(community_id=COMMUNITY, name="Readers", timezone="Asia/Shanghai")
    await send(app, created)  # type: ignore[arg-type]
    await create_rule(client, points=2)
    await create_rule(client, name="Thanks", points=5, conditions={"keyword": "thanks"})


async def test_a_message_marked_spam_earns_nothing_on_either_path(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await arranged(app, client)
        await send(app, message("mbr_a", "1", text="thanks, see t.me/x", spam=["link"]))  # alone: per event
        await send(
            app,
            message("mbr_a", "2", text="thanks!"),
            message("mbr_a", "3", text="hi 3", spam=["flood"]),
            message("mbr_b", "4"),
        )  # a batch
        a, b = await balance(client, "mbr_a"), await balance(client, "mbr_b")

    assert (a["balance"], b["balance"]) == (7, 2)


async def test_a_strike_takes_back_exactly_what_the_message_earned_once(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await arranged(app, client)
        await send(app, message("mbr_a", "1", text="thanks everyone"), message("mbr_a", "2"), message("mbr_b", "3"))
        before = await balance(client, "mbr_a")
        first = await send(app, strike("mbr_a", "1", rule="spam:link"), times=2)  # redelivered
        await send(app, strike("mbr_a", "1", rule="spam:ad_keyword"))  # another heuristic on the same message
        await send(
            app,
            strike("mbr_a", "9"),  # a message that never earned
            strike("mbr_a", "3"),  # another member's message
            strike("mbr_a", None, rule="rudeness"),  # a strike for no message
        )
        async with app.state.sessionmaker() as session, session.begin():
            await session.exec(delete(processed_event))  # the inbox lost: the strike comes again
        await app.state.redis.xadd(stream_of("membership"), {"envelope": first[0].model_dump_json()})
        await consume(app, "gamification")
        after, other = await balance(client, "mbr_a"), await balance(client, "mbr_b")
        listed = await entries(client, "mbr_a")
        scores = [await board(client, window, "mbr_a") for window in ("all", "week", "day")]
        check = (await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/check/consistency")).json()

    assert (before["balance"], before["lifetime"]) == (9, 9)
    assert (after["balance"], after["lifetime"]) == (2, 2)
    assert other["balance"] == 2
    awards = {e["id"]: e for e in listed if e["kind"] == "award"}
    reversals = [e for e in listed if e["kind"] == "correction"]
    assert sorted(e["points"] for e in reversals) == [-5, -2]
    assert {awards[e["corrects_entry_id"]]["points"] for e in reversals} == {2, 5}
    assert {e["reason"] for e in reversals} == {"reversed: message struck (spam:link)"}
    assert {e["source"] for e in reversals} == {f"reversal:{e['corrects_entry_id']}" for e in reversals}
    assert len(awards) == 3  # the awards stay
    assert scores == [2, 2, 2]
    assert check == {"consistent": True, "mismatches": []}


async def test_a_strike_handled_before_its_message_leaves_the_message_earning_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await arranged(app, client)
        await send(app, strike("mbr_a", "1"))  # e.g. the activity's delivery failed and is retried later
        await send(app, message("mbr_a", "1"))
        await send(app, message("mbr_a", "1"), message("mbr_a", "2"))  # the batch path too
        totals = await balance(client, "mbr_a")

    assert totals["balance"] == 2


async def test_points_already_spent_stay_spent_and_the_reversal_says_so(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await arranged(app, client)
        await send(app, message("mbr_a", "1", text="thanks"))
        spent = await client.post(
            f"/v1/communities/{COMMUNITY}/points/spends", json={"member_id": "mbr_a", "points": 4, "reason": "mug"}
        )
        assert spent.status_code == 201, spent.text
        await send(app, strike("mbr_a", "1"), times=2)
        totals = await balance(client, "mbr_a")
        listed = await entries(client, "mbr_a")

    # 2 + 5 earned, 4 spent: the 3 left are taken back, and the lifetime keeps the 4 that were spent.
    assert (totals["balance"], totals["lifetime"]) == (0, 4)
    reversals = sorted((e["points"], e["reason"]) for e in listed if e["kind"] == "correction")
    assert reversals == [
        (-2, "reversed: message struck (spam)"),
        (-1, "reversed: message struck (spam); 4 of 5 already spent"),
    ]
