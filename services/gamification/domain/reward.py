"""Rewards: the catalogue's rules (cost, stock, per-member limit, availability window) and the fulfilment
states of a redemption. No I/O here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class RedemptionStatus(StrEnum):
    REQUESTED = "requested"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


# requested → fulfilled | cancelled; both are final (a cancellation refunds the points and the unit).
TRANSITIONS: dict[RedemptionStatus, frozenset[RedemptionStatus]] = {
    RedemptionStatus.REQUESTED: frozenset({RedemptionStatus.FULFILLED, RedemptionStatus.CANCELLED}),
    RedemptionStatus.FULFILLED: frozenset(),
    RedemptionStatus.CANCELLED: frozenset(),
}


def can_move(current: RedemptionStatus, target: RedemptionStatus) -> bool:
    return target in TRANSITIONS[current]


def validate_reward(
    *,
    cost: int,
    stock: int | None,
    per_member_limit: int | None,
    available_from: datetime | None,
    available_until: datetime | None,
) -> list[tuple[str, str]]:
    """(field, reason) for everything wrong with a reward; empty when it is fine."""
    problems: list[tuple[str, str]] = []
    if cost < 1:
        problems.append(("cost", "must be at least 1 point"))
    if stock is not None and stock < 0:
        problems.append(("stock", "must not be negative (leave it out for unlimited)"))
    if per_member_limit is not None and per_member_limit < 1:
        problems.append(("per_member_limit", "must be at least 1 when set"))
    if available_from is not None and available_until is not None and available_until <= available_from:
        problems.append(("available_until", "must be after available_from"))
    return problems


def availability_problem(
    *, active: bool, available_from: datetime | None, available_until: datetime | None, at: datetime
) -> str | None:
    """Why the reward cannot be redeemed at ``at``, or None when it can."""
    if not active:
        return "the reward is withdrawn"
    if available_from is not None and at < available_from:
        return f"the reward is available from {available_from.isoformat()}"
    if available_until is not None and at >= available_until:
        return f"the reward was available until {available_until.isoformat()}"
    return None
