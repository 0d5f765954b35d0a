"""Property-based: the ledger's invariants hold under any replay order and concurrent posting, on PostgreSQL.

No source awards twice; each balance is the sum of its member's entries; no balance is ever negative.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func
from sqlmodel import select

from kit.db import create_engine, create_sessionmaker
from kit.events.outbox import PRODUCER_INFO_KEY
from kit.tables import outbox
from services.gamification.domain.ledger import EntryKind
from services.gamification.models import Balance, PointEntry
from services.gamification.usecases import ledger
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
