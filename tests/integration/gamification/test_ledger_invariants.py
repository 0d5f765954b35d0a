"""Property-based: the ledger's invariants hold under any replay order and concurrent posting, on PostgreSQL;
and the consumer's batch path awards exactly what handling one event at a time does, under any batch split
and any redelivery, on both backends.

No source awards twice; each balance is the sum of its member's entries; no balance is ever negative.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis.asyncio import Redis
from sqlalchemy import delete, func
from sqlmodel import select

from contracts.events import MemberActivity
from kit.db import Sessionmaker, create_engine, create_sessionmaker, run_after_commit
from kit.events import ConsumerGroup, Envelope
from kit.events.outbox import PRODUCER_INFO_KEY
from kit.ids import new_id
from kit.redis import create_redis
from kit.tables import outbox, processed_event
from services.gamification import consumers
from services.gamification.domain.ledger import EntryKind
from services.gamification.models import Balance, PointEntry, RuleUsage
from services.gamification.repo.ledger import LedgerRepository
from services.gamification.repo.rule import RuleRepository
from services.gamification.usecases import community, ledger, level, rule
from services.gamification.usecases.leaderboard import REDIS_INFO_KEY
from services.gamification.usecases.ledger import InsufficientPoints
from tests.support.backends import Backend
from tests.support.gamification import COMMUNITY

MEMBERS = ("mbr_a", "mbr_b")


@dataclass(frozen=True)
class Op:
    member_id: str
    source: str
    points: int  # negative: a spend


ops = st.builds(
    Op,
    member_id=st.sampled_from(MEMBERS),
    # A handful of sources, so the same source comes back often: a redelivery or a retried call.
    source=st.sampled_from([f"src_{i}" for i in range(8)]),
    points=st.integers(-30, 30).filter(bool),
)


async def _run(url: str, rounds: list[list[Op]]) -> tuple[dict[str, int], dict[str, int], int, set[str]]:
    engine = create_engine(url, pool_size=4)
    sessionmaker = create_sessionmaker(engine)
    sessionmaker.configure(info={PRODUCER_INFO_KEY: "gamification"})
    try:
        async with sessionmaker() as session, session.begin():
            for table in (PointEntry.__table__, Balance.__table__, outbox):  # type: ignore[attr-defined]
                await session.exec(delete(table))

        async def apply(op: Op) -> None:
            # The first posting of a source decides its member and sign; replays must change nothing.
            source = f"{op.source}:{op.member_id}:{'credit' if op.points > 0 else 'debit'}"
            async with sessionmaker() as session:
                try:
                    await ledger.post(
                        session,
                        community_id=COMMUNITY,
                        member_id=op.member_id,
                        source=source,
                        kind=EntryKind.AWARD if op.points > 0 else EntryKind.SPEND,
                        points=op.points,
                        reason="property",
                        at=datetime.now(UTC),
                    )
                    await session.commit()
                except InsufficientPoints:
                    await session.rollback()

        for concurrent in rounds:
            await asyncio.gather(*(apply(op) for op in concurrent))

        async with sessionmaker() as session:
            sums = dict(
                (
                    await session.exec(
                        select(PointEntry.member_id, func.sum(PointEntry.points)).group_by(PointEntry.member_id)
                    )
                ).all()
            )
            balances = {b.member_id: b.balance for b in (await session.exec(select(Balance))).all()}
            entries = (await session.exec(select(PointEntry.source))).all()
        return {k: int(v) for k, v in sums.items()}, balances, len(entries), set(entries)
    finally:
        await engine.dispose()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rounds=st.lists(st.lists(ops, min_size=1, max_size=4), min_size=1, max_size=12))
def test_no_double_award_balance_is_the_sum_and_never_negative(backend: Backend, rounds: list[list[Op]]) -> None:
    if not backend.is_postgres:
        return  # the property needs real concurrency: PostgreSQL
    sums, balances, count, sources = asyncio.run(_run(backend.database_urls["gamification"], rounds))

    assert count == len(sources)
    for member_id in MEMBERS:
        assert balances.get(member_id, 0) == sums.get(member_id, 0)
        assert balances.get(member_id, 0) >= 0


# -- the batch path ----------------------------------------------------------------------------------
# Activity goes through gamification's consumer group (batch handler first, per-event handler as its
# fallback) in any batch split, with redeliveries anywhere after the first delivery and the inbox lost
# between passes (so replays reach the ledger); the same activity handled one event per transaction by
# the per-event handler, in another community, is the reference.

BATCHED = "cmty_01m7y9wvft4hdrkcg2h0vakzb1"
ONE_BY_ONE = "cmty_01m7y9wvft4hdrkcg2h0vakzb2"
PROPERTY_GROUP = "gamification-property"
PROPERTY_STREAM = "events.property"
# 23:40 in Shanghai: an hour of activity crosses the community's midnight, where daily caps start over.
START = datetime(2026, 3, 2, 15, 40, tzinfo=UTC)
RULES = {
    "burst": {"points": 40, "daily_cap": 50, "cooldown_seconds": 60, "conditions": {"min_length": 5}},
    "chatter": {"points": 3, "daily_cap": None, "cooldown_seconds": 0, "conditions": {}},
}


@dataclass(frozen=True)
class Activity:
    member_id: str
    seconds: int  # after START
    long: bool  # long enough for "burst"


@dataclass(frozen=True)
class Delivery:
    activities: list[Activity]
    redeliveries: list[tuple[int, int]]  # (activity, how many entries after its first delivery)
    batch_sizes: list[int]  # of successive consumer passes, cycled
    inbox_lost: list[bool]  # before each pass, cycled


deliveries = st.builds(
    Delivery,
    activities=st.lists(
        st.builds(Activity, member_id=st.sampled_from(MEMBERS), seconds=st.integers(0, 3600), long=st.booleans()),
        min_size=1,
        max_size=12,
    ),
    redeliveries=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 12)), max_size=5),
    batch_sizes=st.lists(st.integers(1, 8), min_size=1, max_size=4),
    inbox_lost=st.lists(st.booleans(), min_size=1, max_size=4),
)


def schedule_of(delivery: Delivery) -> list[int]:
    """Activity indexes in stream order: each once, plus redeliveries somewhere after the first."""
    order = list(range(len(delivery.activities)))
    for index, later in delivery.redeliveries:
        if index < len(delivery.activities):
            order.insert(min(order.index(index) + 1 + later, len(order)), index)
    return order


def envelope_of(community_id: str, activity: Activity) -> tuple[Envelope, MemberActivity]:
    text = "good morning, readers" if activity.long else "hi"
    at = START + timedelta(seconds=activity.seconds)
    data = MemberActivity(
        member_id=activity.member_id,
        kind="message",
        group_id="grp_1",
        platform="telegram",
        text=text,
        text_length=len(text),
        occurred_at=at,
    )
    envelope = Envelope(
        id=new_id("evt"),
        type=data.event_type,
        community_id=community_id,
        occurred_at=at,
        producer="membership",
        data=data.model_dump(mode="json"),
    )
    return envelope, data


async def _prepare(sessionmaker: Sessionmaker, redis: Redis) -> None:
    async with sessionmaker() as session, session.begin():
        for table in (PointEntry.__table__, Balance.__table__, RuleUsage.__table__, outbox, processed_event):  # type: ignore[attr-defined]
            await session.exec(delete(table))
        for community_id in (BATCHED, ONE_BY_ONE):
            await community.remember_community(session, community_id=community_id, timezone="Asia/Shanghai", at=START)
            await level.create_default_scheme(session, community_id=community_id, at=START)
            if not await RuleRepository(session).current(community_id):
                for name, values in RULES.items():
                    await rule.create_rule(
                        session,
                        community_id=community_id,
                        name=name,
                        event="member.activity.message",
                        tier_multipliers={},
                        enabled=True,
                        at=START,
                        **values,  # type: ignore[arg-type]
                    )
    boards = [key async for key in redis.scan_iter(match="gh:lb:*")]
    await redis.delete(PROPERTY_STREAM, *boards)


async def _deliver_in_batches(sessionmaker: Sessionmaker, redis: Redis, delivery: Delivery) -> list[str]:
    """The batched community's activity through the consumer group; its event ids by activity."""
    envelopes = [envelope_of(BATCHED, activity)[0] for activity in delivery.activities]
    for index in schedule_of(delivery):
        await redis.xadd(PROPERTY_STREAM, {"envelope": envelopes[index].model_dump_json()})
    for step in range(200):
        if delivery.inbox_lost[step % len(delivery.inbox_lost)]:
            async with sessionmaker() as session, session.begin():
                await session.exec(delete(processed_event).where(processed_event.c.consumer == PROPERTY_GROUP))
        group = ConsumerGroup(
            group=PROPERTY_GROUP,
            streams=[PROPERTY_STREAM],
            subscriptions=consumers.subscriptions,
            sessionmaker=sessionmaker,
            redis=redis,
            consumer="c1",
            batch_size=delivery.batch_sizes[step % len(delivery.batch_sizes)],
        )
        if not await group.run_once(block_ms=None):
            break
    assert (await redis.xpending(PROPERTY_STREAM, PROPERTY_GROUP))["pending"] == 0
    return [envelope.id for envelope in envelopes]


async def _deliver_one_by_one(sessionmaker: Sessionmaker, delivery: Delivery) -> list[str]:
    """The reference community's activity, each event once, through the per-event handler."""
    ids = []
    for activity in delivery.activities:
        envelope, data = envelope_of(ONE_BY_ONE, activity)
        async with sessionmaker() as session:
            async with session.begin():
                await consumers.on_member_activity(session, envelope, data)
            await run_after_commit(session)
        ids.append(envelope.id)
    return ids


@dataclass(frozen=True)
class Outcome:
    balances: dict[str, tuple[int, int, int]]  # member → (balance, lifetime, level rank)
    entries: list[tuple[int, str, str, int]]  # (activity, rule name, member, points), sorted
    events: list[tuple[str, str, int, int, int]]  # outbox in order: (type, member, points/rank, balance, lifetime)
    boards: dict[str, dict[str, float]]  # window:period → scores
    sums: dict[str, int]  # ledger sum by member


async def _outcome(sessionmaker: Sessionmaker, redis: Redis, community_id: str, event_ids: list[str]) -> Outcome:
    activity_of = {event_id: index for index, event_id in enumerate(event_ids)}
    async with sessionmaker() as session:
        names = {r.rule_id: r.name for r in await RuleRepository(session).current(community_id)}
        balances = {
            b.member_id: (b.balance, b.lifetime, b.level_rank)
            for b in (await session.exec(select(Balance).where(Balance.community_id == community_id))).all()
        }
        entries = sorted(
            (activity_of[e.source.split(":")[0]], names[e.source.split(":")[1]], e.member_id, e.points)
            for e in (await session.exec(select(PointEntry).where(PointEntry.community_id == community_id))).all()
        )
        sums = await LedgerRepository(session).sums(community_id)
        rows = await session.exec(
            select(outbox.c.envelope).where(outbox.c.community_id == community_id).order_by(outbox.c.seq)
        )
    events = []
    for raw in rows.all():
        envelope = json.loads(raw)
        data = envelope["data"]
        if envelope["type"] == "points.awarded":
            events.append(("awarded", data["member_id"], data["points"], data["balance"], data["lifetime"]))
        else:
            events.append((envelope["type"], data["member_id"], data["rank"], data["previous_rank"], data["lifetime"]))
    boards: dict[str, dict[str, float]] = {}
    async for key in redis.scan_iter(match=f"gh:lb:{community_id}:*"):
        name = key.decode().removeprefix(f"gh:lb:{community_id}:")
        scores: Any = await redis.zrange(key, 0, -1, withscores=True)
        boards[name] = {member.decode(): score for member, score in scores}
    return Outcome(balances, entries, events, boards, sums)


async def _run_batches(backend: Backend, delivery: Delivery) -> tuple[Outcome, Outcome]:
    engine = create_engine(backend.database_urls["gamification"], pool_size=2)
    redis = create_redis(backend.redis_url)
    sessionmaker = create_sessionmaker(engine)
    sessionmaker.configure(info={PRODUCER_INFO_KEY: "gamification", REDIS_INFO_KEY: redis})
    try:
        await _prepare(sessionmaker, redis)
        batched_ids = await _deliver_in_batches(sessionmaker, redis, delivery)
        reference_ids = await _deliver_one_by_one(sessionmaker, delivery)
        return (
            await _outcome(sessionmaker, redis, BATCHED, batched_ids),
            await _outcome(sessionmaker, redis, ONE_BY_ONE, reference_ids),
        )
    finally:
        await redis.aclose()
        await engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delivery=deliveries)
def test_batches_award_exactly_what_one_event_at_a_time_does(backend: Backend, delivery: Delivery) -> None:
    batched, reference = asyncio.run(_run_batches(backend, delivery))

    assert batched == reference
    assert len({(activity, name) for activity, name, _, _ in batched.entries}) == len(batched.entries)
    assert {m: b for m, (b, _, _) in batched.balances.items() if b} == {m: s for m, s in batched.sums.items() if s}
    assert all(balance >= 0 for balance, _, _ in batched.balances.values())
