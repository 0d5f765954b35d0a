"""Statements over attention probes and their claims, always scoped by community."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.models.probe import Probe, ProbeClaim, ProbeGroup
from services.gamification.repo.ledger import insert_for

PROBE = Probe.__table__  # type: ignore[attr-defined]
CLAIM = ProbeClaim.__table__  # type: ignore[attr-defined]


class ProbeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add_all(self, rows: Sequence[Probe | ProbeGroup]) -> None:
        self.session.add_all(rows)

    async def get(self, community_id: str, probe_id: str) -> Probe | None:
        query = select(Probe).where(Probe.community_id == community_id, Probe.id == probe_id)
        return (await self.session.exec(query)).first()

    async def list(self, community_id: str, *, before: str | None, limit: int) -> Sequence[Probe]:
        query = select(Probe).where(Probe.community_id == community_id)
        if before is not None:
            query = query.where(col(Probe.id) < before)
        return (await self.session.exec(query.order_by(col(Probe.id).desc()).limit(limit))).all()

    async def groups(self, probe_ids: Sequence[str]) -> Sequence[ProbeGroup]:
        query = select(ProbeGroup).where(col(ProbeGroup.probe_id).in_(probe_ids)).order_by(col(ProbeGroup.group_id))
        return (await self.session.exec(query)).all()

    async def open_in(self, community_id: str, at: dt.datetime) -> Sequence[tuple[Probe, ProbeGroup]]:
        query = (
            select(Probe, ProbeGroup)
            .join(ProbeGroup, col(ProbeGroup.probe_id) == col(Probe.id))
            .where(Probe.community_id == community_id, Probe.status == "open", col(Probe.expires_at) > at)
        )
        return [(probe, group) for probe, group in (await self.session.exec(query)).all()]

    async def take_slot(self, probe_id: str, at: dt.datetime) -> bool:
        """One claim more, if the probe is open, unexpired and not exhausted."""
        connection = await self.session.connection()
        statement = (
            update(PROBE)
            .where(
                PROBE.c.id == probe_id,
                PROBE.c.status == "open",
                PROBE.c.expires_at > at,
                PROBE.c.claims < PROBE.c.max_claims,
            )
            .values(claims=PROBE.c.claims + 1)
            .returning(PROBE.c.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def insert_claim(self, claim: ProbeClaim) -> bool:
        """Add the claim; False when the member already claimed this probe."""
        connection = await self.session.connection()
        statement = (
            insert_for(connection)(CLAIM)
            .values(claim.model_dump())
            .on_conflict_do_nothing(index_elements=["probe_id", "member_id"])
            .returning(CLAIM.c.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def set_claim_entry(self, claim_id: str, entry_id: str) -> None:
        connection = await self.session.connection()
        await connection.execute(update(CLAIM).where(CLAIM.c.id == claim_id).values(entry_id=entry_id))

    async def has_claimed(self, probe_id: str, member_id: str) -> bool:
        query = select(ProbeClaim.id).where(ProbeClaim.probe_id == probe_id, ProbeClaim.member_id == member_id)
        return (await self.session.exec(query)).first() is not None

    async def claims(self, probe_id: str) -> Sequence[ProbeClaim]:
        query = select(ProbeClaim).where(ProbeClaim.probe_id == probe_id).order_by(col(ProbeClaim.claimed_at))
        return (await self.session.exec(query)).all()

    async def close(self, probe_id: str) -> bool:
        connection = await self.session.connection()
        statement = (
            update(PROBE)
            .where(PROBE.c.id == probe_id, PROBE.c.status == "open")
            .values(status="closed")
            .returning(PROBE.c.id)
        )
        return (await connection.execute(statement)).first() is not None
