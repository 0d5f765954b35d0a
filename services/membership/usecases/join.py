"""The join flow: a person asks to enter a tier; the tier's gate decides where they end up.

Every requirement is evaluated in one transaction: invitation codes and seats are counted with
conditional UPDATEs, so a refused join leaves no trace (no member, no use of the code, no seat).
The person ends ``active``, ``probation`` (on the trial tier), ``applied`` or ``pending_payment``,
or is refused with an error naming the requirement they do not meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import ApplicationSubmitted
from kit.clock import Clocks
from kit.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from services.membership.domain import gate as gates
from services.membership.domain.actor import Actor
from services.membership.domain.gate import Gate
from services.membership.domain.membership import OUTSIDE, Status, is_inside
from services.membership.domain.tier import period_end
from services.membership.models import Member, Membership, Tier
from services.membership.models.gate import Application, InvitationCode
from services.membership.models.referral import ReferralCode
from services.membership.repo.gate import ApplicationRepository
from services.membership.repo.member import MemberRepository
from services.membership.repo.membership import MembershipRepository
from services.membership.usecases import ban_list
from services.membership.usecases import referral as referrals
from services.membership.usecases.gate import gate_of, invalid, redeem_invitation_code
from services.membership.usecases.member import (
    IdentitySpec,
    MemberView,
    create_member,
    get_member_view_or_raise,
    get_tier_or_raise,
    new_membership,
)
from services.membership.usecases.membership import TierFull, change_status, change_tier
from services.membership.usecases.probation import start_probation


@dataclass(frozen=True)
class NewPerson:
    display_name: str
    external_ref: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    identities: Sequence[IdentitySpec] = ()


@dataclass(frozen=True)
class GateInputs:
    invitation_code: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    referral_code: str | None = None


@dataclass
class JoinResult:
    view: MemberView
    application: Application | None


class MemberBanned(Forbidden):
    code = "member_banned"


class ProfileCriteriaNotMet(Conflict):
    code = "profile_criteria_not_met"


async def join(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    tier_id: str,
    member_id: str | None = None,
    person: NewPerson | None = None,
    inputs: GateInputs = GateInputs(),
) -> JoinResult:
    at = clocks.now(community_id)
    tier = await get_tier_or_raise(session, community_id, tier_id)
    gate = gate_of(tier)
    member, membership = await _person(session, community_id, member_id=member_id, person=person)
    await _refuse_banned(session, community_id, member=member, person=person)
    if membership is not None and is_inside(membership.status):
        return await _move_inside(session, membership, tier=tier, gate=gate, inputs=inputs, actor=actor, at=at)
    attributes = member.attributes if member is not None else (person.attributes if person else {})
    _check_immediate(gate, tier, attributes=attributes, inputs=inputs)
    referral_code = await _referrer(session, community_id, inputs=inputs, member=member)
    code = await _redeem(session, community_id, tier=tier, inputs=inputs, at=at)
    if member is None:
        assert person is not None
        member = await create_member(
            session,
            community_id=community_id,
            display_name=person.display_name,
            at=at,
            external_ref=person.external_ref,
            attributes=person.attributes,
            identities=person.identities,
        )
    referral = None
    if referral_code is not None:
        referral = await referrals.attribute(
            session, community_id=community_id, code=referral_code, referred_member_id=member.id, at=at
        )
    membership = await _outside_membership(session, member, membership, tier=tier, actor=actor, at=at)
    membership.source = "referral" if referral else ("invitation" if code else "join")
    if referral is not None:
        membership.referrer_member_id = referral.referrer_member_id
    application = await _enter(session, membership, tier=tier, gate=gate, inputs=inputs, actor=actor, at=at)
    await session.flush()
    return JoinResult(await get_member_view_or_raise(session, community_id, member.id), application)


async def _person(
    session: AsyncSession, community_id: str, *, member_id: str | None, person: NewPerson | None
) -> tuple[Member | None, Membership | None]:
    if (member_id is None) == (person is None):
        raise InvalidInput.of("member_id", "give either member_id (someone known) or person (someone new)")
    if member_id is None:
        return None, None
    member = await MemberRepository(session).get(community_id, member_id)
    if member is None:
        raise NotFound(f"member_id: member {member_id} not found", code="member_not_found")
    membership = await MembershipRepository(session).get_for_member(community_id, member_id, for_update=True)
    if membership is not None:
        status = Status(membership.status)
        if status is Status.BANNED:
            raise MemberBanned(f"member {member_id} is banned from this community")
        if status in (Status.APPLIED, Status.PENDING_PAYMENT):
            raise Conflict(
                f"member {member_id} already has a join in progress ({status}); finish or withdraw it first",
                code="join_in_progress",
            )
    return member, membership


async def _refuse_banned(
    session: AsyncSession, community_id: str, *, member: Member | None, person: NewPerson | None
) -> None:
    """The ban list holds members and platform accounts (ADR 0009): a new person who brings a banned account,
    or a member on the list by id or by any of their accounts, is refused before anything is written."""
    if member is not None:
        identities = await MemberRepository(session).identities(community_id, member.id)
        accounts = [(i.platform, i.platform_user_id) for i in identities]
        if await ban_list.is_banned(session, community_id, member_id=member.id) or any(
            [await ban_list.is_banned(session, community_id, platform=p, platform_user_id=u) for p, u in accounts]
        ):
            raise MemberBanned(f"member {member.id} is banned from this community")
        return
    for index, spec in enumerate(person.identities if person is not None else ()):
        if await ban_list.is_banned(
            session, community_id, platform=spec.platform, platform_user_id=spec.platform_user_id
        ):
            reason = f"the {spec.platform} account {spec.platform_user_id} is banned from this community"
            raise MemberBanned(reason, errors=[FieldError(field=f"person.identities.{index}", reason=reason)])


def _check_immediate(gate: Gate, tier: Tier, *, attributes: dict[str, Any], inputs: GateInputs) -> None:
    """What can be judged at once, before anything is written: profile, answers, code present, room left."""
    unmet = gates.unmet_criteria(gate.profile, attributes)
    if unmet:
        raise ProfileCriteriaNotMet(
            "profile criteria not met: " + "; ".join(c.describe() for c in unmet),
            errors=[FieldError(field=f"attributes.{c.attribute}", reason=c.describe()) for c in unmet],
        )
    if gate.application is not None:
        problems = gates.check_answers(gate.application, inputs.answers)
        if problems:
            raise invalid(problems)
    elif inputs.answers:
        raise InvalidInput.of("answers", "this tier's gate asks no questions")
    if gate.invitation is not None and not inputs.invitation_code:
        problem = InvalidInput.of("invitation_code", "this tier is by invitation: an invitation code is required")
        problem.code = "invitation_code_required"
        raise problem
    if tier.capacity is not None and tier.seats_taken >= tier.capacity:
        raise TierFull(f"tier {tier.id} has no seat left")


async def _referrer(
    session: AsyncSession, community_id: str, *, inputs: GateInputs, member: Member | None
) -> ReferralCode | None:
    if not inputs.referral_code:
        return None
    return await referrals.find_referrer(
        session,
        community_id=community_id,
        code=inputs.referral_code,
        joiner_member_id=member.id if member is not None else None,
    )


async def _redeem(
    session: AsyncSession, community_id: str, *, tier: Tier, inputs: GateInputs, at: datetime
) -> InvitationCode | None:
    if not inputs.invitation_code:
        return None
    return await redeem_invitation_code(
        session, community_id=community_id, tier_id=tier.id, code=inputs.invitation_code, now=at
    )


async def _outside_membership(
    session: AsyncSession, member: Member, membership: Membership | None, *, tier: Tier, actor: Actor, at: datetime
) -> Membership:
    """The membership to move in: a new one, or the person's old one (left, removed, expired) on the tier."""
    if membership is None:
        membership = new_membership(member, at=at, source="join")
        membership.tier_id = tier.id
        MembershipRepository(session).add(membership)
        await session.flush()
        return membership
    assert Status(membership.status) in OUTSIDE
    await change_tier(session, membership, tier.id, actor=actor, at=at, reason="rejoining through the gate")
    return membership


async def _enter(
    session: AsyncSession,
    membership: Membership,
    *,
    tier: Tier,
    gate: Gate,
    inputs: GateInputs,
    actor: Actor,
    at: datetime,
) -> Application | None:
    status = gates.entry_status(gate, price_amount=tier.price_amount)
    if status is Status.APPLIED:
        await change_status(session, membership, Status.APPLIED, actor=actor, at=at, reason="applied")
        return await _submit_application(session, membership, tier=tier, answers=inputs.answers, at=at)
    await advance(session, membership, status, tier=tier, gate=gate, actor=actor, at=at)
    return None


async def advance(
    session: AsyncSession, membership: Membership, status: Status, *, tier: Tier, gate: Gate, actor: Actor, at: datetime
) -> None:
    """Take the membership to the next gate step: waiting for payment, probation, or in."""
    if status is Status.PENDING_PAYMENT:
        await change_status(session, membership, status, actor=actor, at=at, reason=f"payment due for {tier.key}")
    elif status is Status.PROBATION:
        assert gate.probation is not None
        await start_probation(session, membership, requirement=gate.probation, target=tier, actor=actor, at=at)
    else:
        expires_at = period_end(tier.period, tier.period_days, start=at)
        await change_tier(session, membership, tier.id, actor=actor, at=at, expires_at=expires_at)
        await change_status(session, membership, Status.ACTIVE, actor=actor, at=at, reason=f"joined {tier.key}")


async def _submit_application(
    session: AsyncSession, membership: Membership, *, tier: Tier, answers: dict[str, str], at: datetime
) -> Application:
    application = Application(
        id=new_id("apl"),
        community_id=membership.community_id,
        member_id=membership.member_id,
        membership_id=membership.id,
        tier_id=tier.id,
        answers={key: value.strip() for key, value in answers.items()},
        submitted_at=at,
    )
    ApplicationRepository(session).add(application)
    await session.flush()
    await emit(
        session,
        ApplicationSubmitted(
            application_id=application.id,
            member_id=membership.member_id,
            membership_id=membership.id,
            tier_id=tier.id,
        ),
        community_id=membership.community_id,
        at=at,
    )
    return application


async def _move_inside(
    session: AsyncSession,
    membership: Membership,
    *,
    tier: Tier,
    gate: Gate,
    inputs: GateInputs,
    actor: Actor,
    at: datetime,
) -> JoinResult:
    """A member already inside asks for another tier: allowed when the gate needs no review, trial or payment."""
    community_id = membership.community_id
    if membership.tier_id == tier.id:
        raise Conflict(f"member {membership.member_id} is already on tier {tier.id}", code="already_member")
    if gate.application is not None or gate.probation is not None:
        raise Conflict(
            f"tier {tier.key} needs an application or probation, which members already inside cannot go through; "
            "an admin can move them",
            code="tier_change_not_supported",
        )
    if gates.needs_payment(gate, price_amount=tier.price_amount):
        raise Conflict(
            f"tier {tier.key} is paid: confirm a payment for it (POST .../payments with tier_id) to move there",
            code="payment_required",
        )
    member = await MemberRepository(session).get(community_id, membership.member_id)
    assert member is not None
    _check_immediate(gate, tier, attributes=member.attributes, inputs=inputs)
    await _redeem(session, community_id, tier=tier, inputs=inputs, at=at)
    expires_at = period_end(tier.period, tier.period_days, start=at)
    await change_tier(
        session, membership, tier.id, actor=actor, at=at, reason=f"joined {tier.key}", expires_at=expires_at
    )
    await session.flush()
    return JoinResult(await get_member_view_or_raise(session, community_id, membership.member_id), None)
