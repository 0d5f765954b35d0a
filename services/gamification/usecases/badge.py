"""Badges: definitions, incremental evaluation as events arrive, a daily backfill, manual awards.

Counters are kept only for events some badge of the community names (and for completed challenges), in the
same transaction as the awards they lead to; an award is unique per (badge, member, award key), so
evaluating twice — incrementally and in the backfill — awards nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.events import BadgeAwarded
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from services.gamification.domain.badge import (
    CHALLENGE_EVENT,
    Criterion,
    CriterionKind,
    Progress,
    Streak,
    earned_keys,
    next_streak,
    streak_of,
    validate_criteria,
)
from services.gamification.domain.rule import local_day
from services.gamification.models.badge import Badge, BadgeAward
from services.gamification.repo.badge import BadgeRepository
from services.gamification.repo.ledger import LedgerRepository
from services.gamification.usecases.community import settings_of

BADGES_CACHE_KEY = "gamification.badges"


@dataclass(frozen=True)
class BadgeSpec:
    id: str
    name: str
    image_url: str | None
    criterion: Criterion
    repeatable: bool


async def create_badge(
    session: AsyncSession,
    *,
    community_id: str,
    name: str,
    description: str,
    image_url: str | None,
    criteria: dict[str, Any],
    repeatable: bool,
    at: datetime,
) -> Badge:
    problems = validate_criteria(criteria)
    InvalidInput.raise_any(problems)
    repo = BadgeRepository(session)
    if await repo.by_name(community_id, name) is not None:
        raise Conflict(f"a badge named {name!r} exists", code="badge_name_taken")
    badge = Badge(
        id=new_id("bdg"),
        community_id=community_id,
        name=name,
        description=description,
        image_url=image_url,
        criteria=criteria,
        repeatable=repeatable,
        created_at=at,
    )
    repo.add(badge)
    session.info.get(BADGES_CACHE_KEY, {}).pop(community_id, None)
    return badge


async def list_badges(session: AsyncSession, *, community_id: str) -> Sequence[Badge]:
    return await BadgeRepository(session).list(community_id)


async def badge_or_raise(session: AsyncSession, *, community_id: str, badge_id: str) -> Badge:
    badge = await BadgeRepository(session).get(community_id, badge_id)
    if badge is None:
        raise NotFound(f"badge {badge_id} not found", code="badge_not_found")
    return badge


async def specs_of(session: AsyncSession, community_id: str) -> list[BadgeSpec]:
    """The community's enabled badges, cached for the session (a consumer batch, a request)."""
    cache: dict[str, list[BadgeSpec]] = session.info.setdefault(BADGES_CACHE_KEY, {})
    if community_id not in cache:
        cache[community_id] = [
            BadgeSpec(b.id, b.name, b.image_url, Criterion.from_dict(b.criteria), b.repeatable)
            for b in await BadgeRepository(session).list(community_id, enabled_only=True)
        ]
    return cache[community_id]


async def record_occurrence(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    event: str,
    at: datetime,
    challenge_id: str | None = None,
) -> list[BadgeAward]:
    """Count ``event`` for the member (when a badge reads it) and award what that earns now."""
    specs = await specs_of(session, community_id)
    names = [event] if challenge_id is None else [CHALLENGE_EVENT, f"{CHALLENGE_EVENT}:{challenge_id}"]
    tracked = {s.criterion.tracked_event for s in specs}
    counted = [name for name in names if name in tracked or name.startswith(CHALLENGE_EVENT)]
    # Points badges are evaluated where points are posted (``after_lifetime``) and by the backfill.
    relevant = [s for s in specs if s.criterion.tracked_event in counted]
    if not counted and not relevant:
        return []
    settings = await settings_of(session, community_id)
    day = local_day(at, settings.timezone)
    repo = BadgeRepository(session)
    streak_events = {s.criterion.event for s in specs if s.criterion.kind is CriterionKind.STREAK}
    streaks = await repo.streaks(community_id, member_id, [n for n in counted if n in streak_events])
    for name in counted:
        await repo.count_event(community_id=community_id, member_id=member_id, event=name, day=day)
        if name in streak_events:
            after = next_streak(streaks.get(name, Streak()), day)
            if after != streaks.get(name):
                await repo.save_streak(community_id=community_id, member_id=member_id, event=name, streak=after)
    return await evaluate(session, community_id=community_id, member_id=member_id, at=at, specs=relevant)


async def after_lifetime(
    session: AsyncSession, *, community_id: str, member_id: str, lifetime: int, at: datetime
) -> list[BadgeAward]:
    """Points badges a member's new lifetime total earns (called where points are posted)."""
    specs = [s for s in await specs_of(session, community_id) if s.criterion.kind is CriterionKind.POINTS]
    if not specs or lifetime < min(s.criterion.n for s in specs):
        return []
    return await evaluate(
        session, community_id=community_id, member_id=member_id, at=at, specs=specs, lifetime=lifetime
    )


async def evaluate(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    at: datetime,
    specs: Sequence[BadgeSpec],
    lifetime: int | None = None,
    source: str = "event",
) -> list[BadgeAward]:
    """Award the keys of ``specs`` the member has earned by now and does not hold yet."""
    if not specs:
        return []
    progress = await _progress(
        session, community_id=community_id, member_id=member_id, at=at, specs=specs, lifetime=lifetime
    )
    held = await BadgeRepository(session).award_keys(community_id, member_id, [s.id for s in specs])
    awards: list[BadgeAward] = []
    for spec in specs:
        for key in earned_keys(spec.criterion, progress, repeatable=spec.repeatable):
            if (spec.id, key) in held:
                continue
            award = await _award(
                session, spec, community_id=community_id, member_id=member_id, key=key, at=at, source=source
            )
            if award is not None:
                awards.append(award)
    return awards


async def _progress(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    at: datetime,
    specs: Sequence[BadgeSpec],
    lifetime: int | None,
) -> Progress:
    settings = await settings_of(session, community_id)
    today = local_day(at, settings.timezone)
    repo = BadgeRepository(session)
    criteria = [s.criterion for s in specs]
    events = sorted({c.tracked_event for c in criteria if c.tracked_event is not None})
    windows = [c.window_days for c in criteria if c.window_days is not None]
    day_counts: dict[str, dict[date, int]] = defaultdict(dict)
    if windows:
        since = today - timedelta(days=max(windows) - 1)
        for row in await repo.days(community_id, events=events, member_id=member_id, since=since):
            day_counts[row.event][row.day] = row.count
    streak_events = [c.event for c in criteria if c.kind is CriterionKind.STREAK and c.event]
    challenges: frozenset[str] = frozenset()
    if any(c.kind is CriterionKind.CHALLENGE and c.challenge_id is None for c in criteria):
        rows = await repo.completed_challenges(community_id, member_id)
        challenges = frozenset(row.event.split(":", 1)[1] for row in rows)
    if lifetime is None and any(c.kind is CriterionKind.POINTS for c in criteria):
        balance = await LedgerRepository(session).balance_or_none(community_id, member_id)
        lifetime = balance.lifetime if balance else 0
    return Progress(
        today=today,
        day_counts=day_counts,
        totals=await repo.totals(community_id, member_id, events) if events else {},
        streaks=await repo.streaks(community_id, member_id, streak_events) if streak_events else {},
        lifetime=lifetime or 0,
        challenges=challenges,
    )


async def _award(
    session: AsyncSession,
    spec: BadgeSpec,
    *,
    community_id: str,
    member_id: str,
    key: str,
    at: datetime,
    source: str,
    reason: str | None = None,
) -> BadgeAward | None:
    award = BadgeAward(
        id=new_id("bda"),
        community_id=community_id,
        badge_id=spec.id,
        member_id=member_id,
        award_key=key,
        source=source,
        reason=reason,
        awarded_at=at,
    )
    if not await BadgeRepository(session).insert_award(award.model_dump()):
        return None
    await emit(
        session,
        BadgeAwarded(
            member_id=member_id,
            badge_id=spec.id,
            award_id=award.id,
            name=spec.name,
            award_key=key,
            image_url=spec.image_url,
        ),
        community_id=community_id,
        at=at,
    )
    return award


async def award_manually(
    session: AsyncSession,
    *,
    community_id: str,
    badge_id: str,
    member_id: str,
    reason: str | None,
    at: datetime,
    idempotency_key: str | None,
) -> tuple[BadgeAward, bool]:
    """An operator's award: (the award, whether it is new). A badge that is not repeatable is held once."""
    badge = await badge_or_raise(session, community_id=community_id, badge_id=badge_id)
    spec = BadgeSpec(badge.id, badge.name, badge.image_url, Criterion.from_dict(badge.criteria), badge.repeatable)
    key = "once" if not badge.repeatable else f"manual:{idempotency_key or new_id('key')}"
    award = await _award(
        session, spec, community_id=community_id, member_id=member_id, key=key, at=at, source="manual", reason=reason
    )
    if award is not None:
        return award, True
    held = [
        a
        for a in await BadgeRepository(session).awards_of(community_id, [member_id])
        if a.badge_id == badge_id and a.award_key == key
    ]
    return held[0], False


async def awards_of(session: AsyncSession, *, community_id: str, member_ids: Sequence[str]) -> Sequence[BadgeAward]:
    return await BadgeRepository(session).awards_of(community_id, member_ids)


async def backfill(session: AsyncSession, *, community_id: str, now: datetime) -> int:
    """``badge.backfill``: re-derive streaks from the day counts and award whatever was missed; awards made."""
    specs = await specs_of(session, community_id)
    if not specs:
        return 0
    repo = BadgeRepository(session)
    settings = await settings_of(session, community_id)
    today = local_day(now, settings.timezone)
    members: set[str] = set()
    events = sorted({s.criterion.tracked_event for s in specs if s.criterion.tracked_event})
    days_by_member: dict[tuple[str, str], set[date]] = defaultdict(set)
    if events:
        for row in await repo.days(community_id, events=events):
            members.add(row.member_id)
            days_by_member[(row.member_id, row.event)].add(row.day)
    points = [s.criterion.n for s in specs if s.criterion.kind is CriterionKind.POINTS]
    if points:
        members.update(
            b.member_id for b in await LedgerRepository(session).all_balances(community_id) if b.lifetime >= min(points)
        )
    streak_events = {s.criterion.event for s in specs if s.criterion.kind is CriterionKind.STREAK and s.criterion.event}
    awarded = 0
    for member_id in sorted(members):
        known = await repo.streaks(community_id, member_id, sorted(streak_events)) if streak_events else {}
        for event in streak_events:
            derived = streak_of(days_by_member.get((member_id, event), set()), today=today)
            if derived.last_day is not None and derived != known.get(event):
                await repo.save_streak(community_id=community_id, member_id=member_id, event=event, streak=derived)
        awarded += len(
            await evaluate(
                session, community_id=community_id, member_id=member_id, at=now, specs=specs, source="backfill"
            )
        )
    return awarded
