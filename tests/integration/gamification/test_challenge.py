"""Check-in challenges through the REST API: enrollment rules, one check-in per member per day whatever the
retries, makeups, the rollover of missed days, appeals, and the outcome once nothing can change."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI

from contracts.chat import ChatMedia
from contracts.events import MemberActivity
from kit.auth import Principal
from kit.clock import ManualClock
from kit.events import Envelope
from kit.events.envelope import stream_of
from services.gamification.jobs import run_community
from tests.support.backends import Backend
from tests.support.challenges import BEFORE_START, DAY1_OPEN, base, check_in, create_challenge, enroll, enrollment
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, balance, create_rule
from tests.support.guildhall import running_service, service_client
from tests.support.lifecycle import outbox_events

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
DAY = timedelta(days=1)


class Clock(ManualClock):
    def set(self, at: datetime) -> None:
        self.advance(at - self.now())


def _clock(app: FastAPI, at: datetime) -> Clock:
    clock = Clock(at)
    app.state.clocks.set(COMMUNITY, clock)
    return clock


async def _roll(app: FastAPI, at: datetime) -> Any:
    done = await run_community(app.state.sessionmaker, community_id=COMMUNITY, now=at, only="challenge.rollover")
    return done["challenge.rollover"]


async def test_a_member_who_checks_in_every_day_completes_and_one_who_misses_fails(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client))["id"]
        for member in ("mbr_a", "mbr_b"):
            assert (await enroll(client, cid, member)).status_code == 201
        days = []
        for day in range(3):
            clock.set(DAY1_OPEN + day * DAY + timedelta(minutes=30))
            days.append(await check_in(client, cid, "mbr_a"))
            if day < 2:
                await check_in(client, cid, "mbr_b")
        mid = await _roll(app, DAY1_OPEN + 2 * DAY + timedelta(hours=4))
        end = await _roll(app, DAY1_OPEN + 5 * DAY)
        a, b = await enrollment(client, cid, "mbr_a"), await enrollment(client, cid, "mbr_b")
        events = await outbox_events(app)

    assert [r.status_code for r in days] == [201, 201, 201]
    assert [r.json()["checkin"]["day"] for r in days] == [1, 2, 3]
    assert days[2].json()["enrollment"]["status"] == "completed"
    assert (a["status"], a["days_done"], a["streak"], a["best_streak"]) == ("completed", 3, 3, 3)
    assert (b["status"], b["days_done"], b["missed_days"], b["streak"]) == ("failed", 2, 1, 0)
    assert (mid.missed, end.missed, end.decided) == (1, 0, [cid])
    types = [e["type"] for e in events]
    assert types.count("checkin.recorded") == 5
    assert [e["data"]["member_id"] for e in events if e["type"] == "challenge.completed"] == ["mbr_a"]
    failed = [e for e in events if e["type"] == "challenge.failed"]
    assert [(e["data"]["member_id"], e["data"]["days_done"]) for e in failed] == [("mbr_b", 2)]
    missed = [e for e in events if e["type"] == "checkin.missed"]
    assert [(e["data"]["member_id"], e["data"]["day"], e["data"]["local_date"]) for e in missed] == [
        ("mbr_b", 3, "2026-03-03")
    ]


async def test_retries_and_duplicates_record_one_check_in_per_day(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client))["id"]
        await enroll(client, cid, "mbr_a")
        again = await enroll(client, cid, "mbr_a")
        clock.set(DAY1_OPEN + timedelta(minutes=5))
        first = await check_in(client, cid, "mbr_a", key="tap-1")
        retry = await check_in(client, cid, "mbr_a", key="tap-1")
        second = await check_in(client, cid, "mbr_a", key="tap-2")
        clock.set(DAY1_OPEN + timedelta(hours=4))  # 09:00 in Shanghai
        late = await check_in(client, cid, "mbr_a", key="tap-3")
        listed = (await client.get(f"{base()}/challenges/{cid}/checkins")).json()["items"]
        challenge = (await client.get(f"{base()}/challenges/{cid}")).json()

    assert again.status_code == 200
    assert challenge["enrolled_count"] == 1
    assert first.status_code == 201
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert (second.status_code, second.json()["code"]) == (409, "checkin_already_recorded")
    assert (late.status_code, late.json()["code"]) == (409, "checkin_window_closed")
    assert "05:00 to 08:00 Asia/Shanghai" in late.json()["detail"]
    assert [c["id"] for c in listed] == [first.json()["checkin"]["id"]]


async def test_concurrent_duplicate_check_ins_record_exactly_one(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client))["id"]
        await enroll(client, cid, "mbr_a")
        clock.set(DAY1_OPEN + timedelta(minutes=5))
        answers = await asyncio.gather(*(check_in(client, cid, "mbr_a", key=f"k-{i}") for i in range(8)))
        state = await enrollment(client, cid, "mbr_a")
        events = await outbox_events(app, "checkin.recorded")

    assert sorted(r.status_code for r in answers) == [201] + [409] * 7
    assert (state["days_done"], state["streak"]) == (1, 1)
    assert len(events) == 1


async def test_a_makeup_fills_a_missed_day_within_its_limits(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client, days=5, makeup_count=1, makeup_days_back=1))["id"]
        await enroll(client, cid, "mbr_a")
        clock.set(DAY1_OPEN + timedelta(minutes=1))
        await check_in(client, cid, "mbr_a")
        await _roll(app, DAY1_OPEN + DAY + timedelta(hours=4))  # day 2 closed without a check-in
        clock.set(DAY1_OPEN + 2 * DAY + timedelta(hours=6))  # day 3, after its window
        makeup = await check_in(client, cid, "mbr_a", day=2)
        too_far = await check_in(client, cid, "mbr_a", day=1)
        missed = (await client.get(f"{base()}/challenges/{cid}/missed-days")).json()["items"]
        clock.set(DAY1_OPEN + 3 * DAY + timedelta(minutes=1))
        today = await check_in(client, cid, "mbr_a")
        state = await enrollment(client, cid, "mbr_a")

    assert makeup.status_code == 201, makeup.text
    assert makeup.json()["checkin"]["makeup"] is True
    assert (too_far.status_code, too_far.json()["code"]) == (409, "makeup_refused")
    assert [(m["day"], m["status"]) for m in missed] == [(2, "made_up")]
    assert today.status_code == 201
    assert (state["days_done"], state["makeups_used"], state["missed_days"], state["best_streak"]) == (3, 1, 0, 2)


async def test_a_makeup_and_todays_check_in_at_once_both_count(backend: Backend) -> None:
    members = [f"mbr_{i}" for i in range(4)]
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client, days=5, makeup_count=1, makeup_days_back=1))["id"]
        for member in members:
            await enroll(client, cid, member)
        clock.set(DAY1_OPEN + timedelta(minutes=1))
        for member in members:
            await check_in(client, cid, member)
        await _roll(app, DAY1_OPEN + DAY + timedelta(hours=4))  # day 2 closed without a check-in
        clock.set(DAY1_OPEN + 2 * DAY + timedelta(minutes=1))
        # Each member's two check-ins race for the enrollment's lock: the second counts the first's day too.
        answers = await asyncio.gather(
            *(check_in(client, cid, m, day=2) for m in members), *(check_in(client, cid, m) for m in members)
        )
        states = [await enrollment(client, cid, m) for m in members]

    assert [a.status_code for a in answers] == [201] * 8
    assert {(s["days_done"], s["streak"], s["best_streak"], s["missed_days"], s["makeups_used"]) for s in states} == {
        (3, 3, 3, 0, 1)
    }


async def test_an_appeal_inside_its_window_can_be_excused_and_counts_as_done(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client, days=2, appeal_window_hours=24))["id"]
        for member in ("mbr_a", "mbr_b"):
            await enroll(client, cid, member)
        await _roll(app, DAY1_OPEN + 2 * DAY)  # both missed both days
        clock.set(DAY1_OPEN + DAY + timedelta(hours=20))  # within 24 h of day 2's close, not of day 1's
        late = await client.post(
            f"{base()}/challenges/{cid}/appeals", json={"member_id": "mbr_a", "day": 1, "reason": "flight"}
        )
        appealed = []
        for member in ("mbr_a", "mbr_b"):
            body = {"member_id": member, "day": 2, "reason": "fever"}
            appealed.append(await client.post(f"{base()}/challenges/{cid}/appeals", json=body))
        queue = (await client.get(f"{base()}/challenges/{cid}/missed-days", params={"status": "appealed"})).json()
        review = f"{base()}/missed-days/{{}}/review"
        excused = await client.post(review.format(appealed[0].json()["id"]), json={"decision": "excuse", "note": "ok"})
        rejected = await client.post(review.format(appealed[1].json()["id"]), json={"decision": "reject"})
        flip = await client.post(review.format(appealed[1].json()["id"]), json={"decision": "excuse"})
        a = await enrollment(client, cid, "mbr_a")

    assert (late.status_code, late.json()["code"]) == (409, "appeal_refused")
    assert [r.status_code for r in appealed] == [200, 200]
    assert [m["member_id"] for m in queue["items"]] == ["mbr_a", "mbr_b"]
    assert (excused.json()["status"], excused.json()["review_note"]) == ("excused", "ok")
    assert rejected.json()["status"] == "rejected"
    assert (flip.status_code, flip.json()["code"]) == (409, "appeal_refused")
    assert (a["days_done"], a["missed_days"]) == (1, 1)


async def test_a_chat_keyword_checks_in_once_however_often_it_is_delivered(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        keyword = (await create_challenge(client, name="Words"))["id"]
        photo = (await create_challenge(client, name="Photos", proof_kind="photo", keywords=["晨跑"]))["id"]
        for cid in (keyword, photo):
            await enroll(client, cid, "mbr_a")
        at = DAY1_OPEN + timedelta(minutes=10)
        clock.set(at)
        said = MemberActivity(
            member_id="mbr_a", kind="message", group_id="grp_1", platform="telegram", text="早安 打卡",
            text_length=5, occurred_at=at,
        )  # fmt: skip
        await publish(app, said, producer="membership", community_id=COMMUNITY, times=2)
        with_photo = said.model_copy(update={"media": [ChatMedia(kind="image", ref="file-1")], "text": "晨跑"})
        no_photo = said.model_copy(update={"text": "晨跑 打卡"})
        await publish(app, no_photo, producer="membership", community_id=COMMUNITY)
        await publish(app, with_photo, producer="membership", community_id=COMMUNITY, times=2)
        await consume(app, "gamification")
        words = (await client.get(f"{base()}/challenges/{keyword}/checkins")).json()["items"]
        photos = (await client.get(f"{base()}/challenges/{photo}/checkins")).json()["items"]

    assert [(c["channel"], c["day"], c["text"]) for c in words] == [("chat", 1, "早安 打卡")]
    assert [(c["photo_urls"], c["text"]) for c in photos] == [(["file-1"], "晨跑")]


async def test_enrollment_rules_and_bad_definitions_change_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        bad = await client.post(
            f"{base()}/challenges",
            json={"name": "x", "start_date": "2026-03-01", "days": 0, "timezone": "Nowhere/City", "capacity": 0},
        )
        over = await client.post(
            f"{base()}/challenges", json={"name": "x", "start_date": "2025-01-01", "days": 3, "timezone": "UTC"}
        )
        small = (await create_challenge(client, capacity=1))["id"]
        tiered = (await create_challenge(client, tier_ids=["tier_gold"]))["id"]
        full = [await enroll(client, small, "mbr_a"), await enroll(client, small, "mbr_b")]
        no_tier = await enroll(client, tiered, "mbr_a")
        withdrawn = await client.delete(f"{base()}/challenges/{small}/enrollments/mbr_a")
        seat_back = await enroll(client, small, "mbr_b")
        clock.set(DAY1_OPEN + timedelta(minutes=1))
        no_withdraw_yet = await client.delete(f"{base()}/challenges/{small}/enrollments/mbr_b")
        clock.set(DAY1_OPEN + timedelta(hours=3))  # day 1's window (05:00-08:00 Shanghai) has closed
        closed = await enroll(client, small, "mbr_c")
        no_withdraw = await client.delete(f"{base()}/challenges/{small}/enrollments/mbr_b")
        stranger = await check_in(client, small, "mbr_z")
        listed = (await client.get(f"{base()}/challenges")).json()["items"]
        foreign = await client.get(f"/v1/communities/{OTHER_COMMUNITY}/challenges")

    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"days", "timezone", "capacity"}
    assert (over.status_code, over.json()["errors"][0]["field"]) == (422, "start_date")
    assert [r.status_code for r in full] == [201, 409]
    assert full[1].json()["code"] == "challenge_full"
    assert (no_tier.status_code, no_tier.json()["code"]) == (409, "tier_required")
    assert withdrawn.json()["status"] == "withdrawn"
    assert seat_back.status_code == 201
    assert (closed.status_code, closed.json()["code"]) == (409, "enrollment_closed")
    assert "enroll_closes_at" in closed.json()["detail"], "the refusal names the field to set"
    assert (no_withdraw_yet.status_code, no_withdraw_yet.json()["code"]) == (409, "withdrawal_closed")
    assert (no_withdraw.status_code, no_withdraw.json()["code"]) == (409, "withdrawal_closed")
    assert (stranger.status_code, stranger.json()["code"]) == (404, "not_enrolled")
    assert [c["id"] for c in listed] == [small, tiered]
    assert foreign.status_code == 404


async def test_a_checkin_rule_awards_points_for_each_recorded_check_in(backend: Backend) -> None:
    members = ["mbr_a", "mbr_b", "mbr_c"]
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        await create_rule(client, name="Check-in", event="checkin.recorded", points=10)
        cid = (await create_challenge(client))["id"]
        for member in members:
            await enroll(client, cid, member)
        for day in range(2):
            clock.set(DAY1_OPEN + day * DAY + timedelta(minutes=3))
            for member in members:
                await check_in(client, cid, member)
        events = await outbox_events(app, "checkin.recorded")
        # The relay's job: put the service's own events on its stream. The consumer takes them a batch at a
        # time; each comes again, in the next batch, and is skipped.
        for _ in range(2):
            for event in events:
                envelope = Envelope.model_validate(event)
                await app.state.redis.xadd(stream_of("gamification"), {"envelope": envelope.model_dump_json()})
        await consume(app, "gamification")
        totals = [await balance(client, member) for member in members]

    assert [(t["balance"], t["lifetime"]) for t in totals] == [(20, 20)] * 3


async def test_enrollments_of_members_come_in_one_batch_in_the_asked_order(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        _clock(app, BEFORE_START)
        first, second = (await create_challenge(client))["id"], (await create_challenge(client, name="Runs"))["id"]
        for challenge_id, member in ((first, "mbr_a"), (second, "mbr_a"), (second, "mbr_b")):
            assert (await enroll(client, challenge_id, member)).status_code == 201
        batch = await client.get(
            f"{base()}/enrollments-of-members", params={"member_id": ["mbr_b", "mbr_none", "mbr_a", "mbr_b"]}
        )
        foreign = await client.get(f"/v1/communities/{OTHER_COMMUNITY}/enrollments-of-members?member_id=mbr_a")
        empty = await client.get(f"{base()}/enrollments-of-members")

    items = batch.json()["items"]
    assert [i["member_id"] for i in items] == ["mbr_b", "mbr_none", "mbr_a"]
    assert [[e["challenge_id"] for e in i["enrollments"]] for i in items] == [[second], [], [first, second]]
    assert foreign.status_code == 404
    assert empty.status_code == 422
