"""Setting a tier's gate, and the invitation codes its invitation requirement asks for."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict, FieldError, InvalidInput, NotFound
from kit.ids import new_id
from kit.pagination import Page, PageRequest
from services.membership.domain.actor import Actor
from services.membership.domain.gate import Gate, GateInvalid, ProbationRequirement, check_gate, parse_gate
from services.membership.domain.role import Permission
from services.membership.models import Tier
from services.membership.models.gate import InvitationCode
from services.membership.repo.gate import InvitationCodeRepository
from services.membership.repo.tier import TierRepository
from services.membership.usecases.member import get_tier_or_raise
from services.membership.usecases.membership import require

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read aloud and typed
CODE_LENGTH = 8


def clean_code(value: str) -> str:
    """Codes are compared without case: people type what they were told."""
    return value.strip().upper()


def invalid(problems: Sequence[tuple[str, str]], *, code: str = "invalid_input") -> InvalidInput:
    detail = "; ".join(f"{field}: {reason}" for field, reason in problems)
    return InvalidInput(detail, errors=[FieldError(field=f, reason=r) for f, r in problems], code=code)


def gate_of(tier: Tier) -> Gate:
    return Gate.parse(tier.requirements)


async def set_gate(
    session: AsyncSession, *, community_id: str, tier_id: str, actor: Actor, requirements: list[dict[str, Any]]
) -> Tier:
    """Replace the tier's gate; a gate that does not fit the tier changes nothing."""
    require(actor, Permission.MANAGE_TIERS)
    tier = await get_tier_or_raise(session, community_id, tier_id)
    try:
        gate = parse_gate(requirements)
    except GateInvalid as error:
        raise invalid(error.problems) from None
    problems = check_gate(gate, tier_id=tier.id, price_amount=tier.price_amount, capacity=tier.capacity)
    for index, requirement in enumerate(gate.requirements):
        if isinstance(requirement, ProbationRequirement):
            problems += await _check_trial_tier(session, community_id, requirement, field=f"requirements.{index}")
    if problems:
        raise invalid(problems)
    tier.requirements = gate.dump()
    await session.flush()
    return tier


async def _check_trial_tier(
    session: AsyncSession, community_id: str, requirement: ProbationRequirement, *, field: str
) -> list[tuple[str, str]]:
    trial = await TierRepository(session).get(community_id, requirement.trial_tier_id)
    if trial is None or trial.archived:
        return [(f"{field}.trial_tier_id", f"tier {requirement.trial_tier_id} not found in this community")]
    if trial.price_amount > 0:
        return [(f"{field}.trial_tier_id", "the trial tier must be free (the gate's own tier carries the price)")]
    return []


class InvitationCodeNotFound(NotFound):
    code = "invitation_code_not_found"


async def create_invitation_code(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    tier_id: str,
    max_uses: int | None,
    expires_at: datetime | None,
    code: str | None = None,
    note: str | None = None,
) -> InvitationCode:
    require(actor, Permission.MANAGE_TIERS)
    now = clocks.now(community_id)
    await get_tier_or_raise(session, community_id, tier_id)
    if expires_at is not None and expires_at <= now:
        raise InvalidInput.of("expires_at", "must be in the future")
    codes = InvitationCodeRepository(session)
    row = InvitationCode(
        id=new_id("inv"),
        community_id=community_id,
        tier_id=tier_id,
        code=clean_code(code) if code else "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
        max_uses=max_uses,
        expires_at=expires_at,
        note=note,
        created_by=actor.label,
        created_at=now,
    )
    if await codes.by_code(community_id, row.code) is not None:
        raise Conflict(f"code: {row.code!r} is already a code in this community", code="invitation_code_taken")
    try:
        async with session.begin_nested():
            codes.add(row)
    except IntegrityError:  # a twin request made the same code meanwhile
        raise Conflict(
            f"code: {row.code!r} is already a code in this community", code="invitation_code_taken"
        ) from None
    return row


async def list_invitation_codes(
    session: AsyncSession, *, community_id: str, tier_id: str | None, page: PageRequest
) -> Page[InvitationCode]:
    rows = await InvitationCodeRepository(session).list(
        community_id, tier_id=tier_id, after=page.after, limit=page.limit + 1
    )
    return Page.from_rows(list(rows), page=page, key=lambda row: row.id)


async def revoke_invitation_code(
    session: AsyncSession, *, community_id: str, code_id: str, actor: Actor, clocks: Clocks
) -> InvitationCode:
    """No further redemptions; people already admitted with it stay. Revoking twice changes nothing."""
    require(actor, Permission.MANAGE_TIERS)
    row = await InvitationCodeRepository(session).get(community_id, code_id)
    if row is None:
        raise InvitationCodeNotFound(f"invitation code {code_id} not found")
    if row.revoked_at is None:
        row.revoked_at = clocks.now(community_id)
        await session.flush()
    return row


async def redeem_invitation_code(
    session: AsyncSession, *, community_id: str, tier_id: str, code: str, now: datetime
) -> InvitationCode:
    """Count one use of ``code`` for ``tier_id``, or say precisely why it cannot be used."""
    codes = InvitationCodeRepository(session)
    row = await codes.by_code(community_id, clean_code(code))
    if row is None:
        raise _code_problem("is not an invitation code of this community", "invitation_code_unknown")
    if row.tier_id != tier_id:
        raise _code_problem("was made for another tier", "invitation_code_wrong_tier")
    if row.revoked_at is not None:
        raise _code_problem("has been revoked", "invitation_code_revoked")
    if row.expires_at is not None and row.expires_at <= now:
        raise _code_problem(f"expired at {row.expires_at.isoformat()}", "invitation_code_expired")
    if not await codes.redeem(row.id, now=now):
        # Checked above, so what changed meanwhile is the count: another join took the last use.
        raise _code_problem("has no uses left", "invitation_code_used_up")
    return row


def _code_problem(reason: str, code: str) -> InvalidInput:
    problem = InvalidInput.of("invitation_code", reason)
    problem.code = code
    return problem
