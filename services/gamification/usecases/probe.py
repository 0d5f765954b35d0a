"""Attention probes (the red-envelope test): drop into groups, claim by keyword or API, report per group.

Gamification does not know chat addresses: a drop emits ``probe.dropped`` and the membership service sends
the message into each group (as it does for the level-up role swap).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.events import ProbeClaimed, ProbeDropped
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from services.gamification.domain.ledger import EntryKind
from services.gamification.domain.probe import (
    GroupReport,
    claim_problem,
    group_report,
    mentions_keyword,
    validate_probe,
)
from services.gamification.models.probe import Probe, ProbeClaim, ProbeGroup
from services.gamification.repo.probe import ProbeRepository
from services.gamification.usecases import ledger

OPEN_PROBES_CACHE_KEY = "gamification.open_probes"


class ProbeNotClaimable(Conflict):
    code = "probe_not_claimable"


class ProbeAlreadyClaimed(Conflict):
    code = "probe_already_claimed"


def default_message(keyword: str, points: int | None) -> str:
    prize = f" for {points} points" if points else ""
    return f"🧧 A red envelope! The first to reply “{keyword}” claim it{prize}."


async def drop(
    session: AsyncSession,
    *,
    community_id: str,
    group_ids: list[str],
    keyword: str,
    message: str | None,
    points_per_claim: int | None,
    max_claims: int,
    expires_at: datetime,
    members_present: Mapping[str, int],
    at: datetime,
) -> tuple[Probe, list[ProbeGroup]]:
    problems = validate_probe(
        group_ids=group_ids,
        keyword=keyword,
        max_claims=max_claims,
        points_per_claim=points_per_claim,
        expires_at=expires_at,
        at=at,
    )
    problems += [
        (f"members_present.{g}", "is not one of group_ids" if g not in group_ids else "must not be negative")
        for g, n in members_present.items()
        if g not in group_ids or n < 0
    ]
    InvalidInput.raise_any(problems)
    probe = Probe(
        id=new_id("prb"),
        community_id=community_id,
        keyword=keyword.strip(),
        message=message or default_message(keyword.strip(), points_per_claim),
        points_per_claim=points_per_claim,
        max_claims=max_claims,
        dropped_at=at,
        expires_at=expires_at,
    )
    groups = [
        ProbeGroup(probe_id=probe.id, group_id=g, community_id=community_id, members_present=members_present.get(g))
        for g in group_ids
    ]
    ProbeRepository(session).add_all([probe, *groups])
    await emit(
        session,
        ProbeDropped(probe_id=probe.id, group_ids=group_ids, text=probe.message, expires_at=expires_at),
        community_id=community_id,
        at=at,
    )
    session.info.get(OPEN_PROBES_CACHE_KEY, {}).pop(community_id, None)
    return probe, groups


async def probe_or_raise(session: AsyncSession, *, community_id: str, probe_id: str) -> Probe:
    probe = await ProbeRepository(session).get(community_id, probe_id)
    if probe is None:
        raise NotFound(f"probe {probe_id} not found", code="probe_not_found")
    return probe


async def claim(
    session: AsyncSession,
    *,
    community_id: str,
    probe_id: str,
    member_id: str,
    group_id: str | None,
    via: str,
    at: datetime,
) -> ProbeClaim:
    """Record the member's claim (one per probe) with its latency from the drop; the points when it pays."""
    repo = ProbeRepository(session)
    probe = await probe_or_raise(session, community_id=community_id, probe_id=probe_id)
    if group_id is not None and group_id not in {g.group_id for g in await repo.groups([probe_id])}:
        raise InvalidInput.of("group_id", f"the probe was not dropped into group {group_id}")
    if await repo.has_claimed(probe_id, member_id):
        raise ProbeAlreadyClaimed(f"member {member_id} already claimed probe {probe_id}")
    problem = claim_problem(
        open_=probe.status == "open",
        expires_at=probe.expires_at,
        claims=probe.claims,
        max_claims=probe.max_claims,
        at=at,
    )
    if problem is not None or not await repo.take_slot(probe_id, at):
        raise ProbeNotClaimable(problem or "every claim of the probe is taken")
    row = ProbeClaim(
        id=new_id("prc"),
        probe_id=probe_id,
        community_id=community_id,
        member_id=member_id,
        group_id=group_id,
        via=via,
        latency_ms=max(int((at - probe.dropped_at).total_seconds() * 1000), 0),
        claimed_at=at,
    )
    if not await repo.insert_claim(row):
        raise ProbeAlreadyClaimed(f"member {member_id} already claimed probe {probe_id}")
    if probe.points_per_claim:
        posted = await ledger.post(
            session,
            community_id=community_id,
            member_id=member_id,
            source=f"probe:{probe_id}:{member_id}",
            kind=EntryKind.BONUS,
            points=probe.points_per_claim,
            reason="attention probe",
            at=at,
        )
        row.entry_id = posted.entry.id
        await repo.set_claim_entry(row.id, posted.entry.id)
    await emit(
        session,
        ProbeClaimed(
            member_id=member_id, probe_id=probe_id, claim_id=row.id, group_id=group_id, latency_ms=row.latency_ms
        ),
        community_id=community_id,
        at=at,
    )
    return row


async def claim_from_message(
    session: AsyncSession, *, community_id: str, member_id: str, group_id: str | None, text: str, at: datetime
) -> ProbeClaim | None:
    """A chat message naming an open probe's keyword in one of its groups claims it; refusals are silent.

    A message that comes to the app one to one (``group_id`` None: WeCom's self-built apps bring every message
    so) claims an open probe of the community unattributed to a group, as an API claim without a group does."""
    if not text:
        return None
    cache: dict[str, Sequence[tuple[Probe, ProbeGroup]]] = session.info.setdefault(OPEN_PROBES_CACHE_KEY, {})
    if community_id not in cache:
        cache[community_id] = await ProbeRepository(session).open_in(community_id, at)
    for probe, group in cache[community_id]:
        if (group_id is not None and group.group_id != group_id) or not mentions_keyword(text, probe.keyword):
            continue
        try:
            async with session.begin_nested():
                return await claim(
                    session,
                    community_id=community_id,
                    probe_id=probe.id,
                    member_id=member_id,
                    group_id=group_id,
                    via="chat",
                    at=at,
                )
        except (ProbeNotClaimable, ProbeAlreadyClaimed):
            continue
    return None


@dataclass(frozen=True)
class ProbeReport:
    probe: Probe
    probe_groups: Sequence[ProbeGroup]
    groups: list[GroupReport]
    claims: Sequence[ProbeClaim]
    unattributed_claims: int  # API claims that named no group, and claims from one-to-one messages


async def report(session: AsyncSession, *, community_id: str, probe_id: str) -> ProbeReport:
    probe = await probe_or_raise(session, community_id=community_id, probe_id=probe_id)
    repo = ProbeRepository(session)
    claims = await repo.claims(probe_id)
    latencies: dict[str | None, list[int]] = defaultdict(list)
    for row in claims:
        latencies[row.group_id].append(row.latency_ms)
    probe_groups = await repo.groups([probe_id])
    groups = [
        group_report(g.group_id, members_present=g.members_present, latencies_ms=latencies.get(g.group_id, []))
        for g in probe_groups
    ]
    return ProbeReport(probe, probe_groups, groups, claims, len(latencies.get(None, [])))


async def list_probes(
    session: AsyncSession, *, community_id: str, before: str | None, limit: int
) -> tuple[Sequence[Probe], dict[str, list[ProbeGroup]]]:
    repo = ProbeRepository(session)
    probes = await repo.list(community_id, before=before, limit=limit)
    groups: dict[str, list[ProbeGroup]] = defaultdict(list)
    for g in await repo.groups([p.id for p in probes]) if probes else []:
        groups[g.probe_id].append(g)
    return probes, groups


async def close(session: AsyncSession, *, community_id: str, probe_id: str) -> tuple[Probe, Sequence[ProbeGroup]]:
    probe = await probe_or_raise(session, community_id=community_id, probe_id=probe_id)
    repo = ProbeRepository(session)
    if not await repo.close(probe_id):
        raise Conflict(f"probe {probe_id} is closed already", code="probe_closed")
    await session.refresh(probe)
    return probe, await repo.groups([probe_id])
