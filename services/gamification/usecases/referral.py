"""Referral rewards: a referred member's first payment for a priced tier earns their referrer points.

Membership emits ``referral.converted`` once per referral; this turns it into a ``referral.converted``
occurrence of the referrer's, with the payment's amount, currency and tier for rule conditions, and applies
it as any rule event: points once per (event, rule) by the ledger's grant key, then badges and surprises.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import ReferralConverted
from services.gamification.domain.rule import REFERRAL_CONVERTED, Occurrence
from services.gamification.usecases import points
from services.gamification.usecases.occurrence import after_occurrence


def conversion_occurrence(data: ReferralConverted, *, at: datetime) -> Occurrence:
    """The conversion as the referrer's occurrence: they earn, the payment's details meet the conditions."""
    return Occurrence(
        event=REFERRAL_CONVERTED,
        member_id=data.referrer_member_id,
        occurred_at=at,
        amount=data.amount,
        currency=data.currency,
        paid_tier_id=data.tier_id,
        paid_tier_key=data.tier_key,
    )


async def reward_conversion(
    session: AsyncSession, *, community_id: str, event_id: str, data: ReferralConverted, at: datetime
) -> list[points.Award]:
    occurrence = conversion_occurrence(data, at=at)
    awards = await points.apply_occurrence(session, community_id=community_id, event_id=event_id, occurrence=occurrence)
    await after_occurrence(session, community_id=community_id, event_id=event_id, occurrence=occurrence)
    return awards
