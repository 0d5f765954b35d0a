"""A point rule's conditions and tier multipliers as typed input, in this schema's camelCase.

The gamification service keeps both as JSON objects in its own snake_case (``conditions: {"min_amount": 10000}``,
``tier_multipliers: {"<tier id>": 1.5}``) and holds each event to the conditions it has
(``services/gamification/domain/rule.py``); the gateway converts. A condition the event does not have is named
in this schema's names (``conditions.minAmount: not a condition of member.activity.message``), and a multiplier
by its place in the list (``tierMultipliers.0.multiplier: must not be negative``)."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry

from gateway.clients import ServiceProblem
from gateway.schema.errors import InvalidInputError
from gateway.schema.payloads import body_of
from gateway.schema.scalars import Int64
from kit.errors import FieldError, ProblemBody

T = TypeVar("T")

# Below ``tier_multipliers`` the service names a tier id (``tier_multipliers.<tier id>``): kept as given, then
# turned into the multiplier's place in the caller's list (``multiplier_paths``).
MULTIPLIERS_JSON = ("tier_multipliers",)


@strawberry.input(
    description="When a rule awards: every condition given must hold; one left out (or null) does not restrict. "
    "Which conditions a rule may have depends on its event: chat and the other events take groupIds, minLength, "
    "keyword and tierIds; `referral.converted` takes tierIds, minAmount, maxAmount, currency, paidTierIds and "
    "paidTierKeys. A condition the event does not have is refused, naming it."
)
class PointRuleConditionsInput:
    group_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only activity in one of these groups; an empty list does not restrict."
    )
    min_length: int | None = strawberry.field(
        default=None, description="Only messages at least this many characters long (≥ 0)."
    )
    keyword: str | None = strawberry.field(
        default=None, description="Only messages that contain this text (case-insensitive)."
    )
    tier_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only members on one of these tiers: the member who earns (for `referral.converted`, the "
        "referrer), as tierMultipliers are.",
    )
    min_amount: Int64 | None = strawberry.field(
        default=None,
        description="`referral.converted`: only payments of at least this many minor units of `currency` "
        "(inclusive, ≥ 0; needs currency).",
    )
    max_amount: Int64 | None = strawberry.field(
        default=None,
        description="`referral.converted`: only payments of at most this many minor units of `currency` "
        "(inclusive, not below minAmount; needs currency).",
    )
    currency: str | None = strawberry.field(
        default=None,
        description="`referral.converted`: only payments in this ISO 4217 currency (three capitals, e.g. CNY); "
        "required with minAmount or maxAmount.",
    )
    paid_tier_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="`referral.converted`: only when the referred member paid for one of these tiers."
    )
    paid_tier_keys: list[str] | None = strawberry.field(
        default=None,
        description="`referral.converted`: only when the referred member paid for a tier with one of these keys.",
    )


@strawberry.input(description="The factor a rule's points are multiplied by for members on one tier.")
class TierMultiplierInput:
    tier_id: strawberry.ID = strawberry.field(
        description="The earning member's tier; each tier at most once in a rule's list."
    )
    multiplier: float = strawberry.field(
        description="≥ 0: 1.5 awards half as much again, 0 nothing; members of tiers not listed get 1. The award "
        "is rounded to whole points."
    )


def conditions_body(conditions: PointRuleConditionsInput | None) -> dict[str, Any] | None:
    """The service's ``conditions``: only the conditions given (a condition of another event, sent as null, would
    still be refused), in its snake_case; null stays null."""
    if conditions is None:
        return None
    return body_of(conditions, leave_out=(), omit_none=True)


def multipliers_body(multipliers: list[TierMultiplierInput] | None) -> dict[str, float] | None:
    """The service's ``tier_multipliers`` (tier id → factor); a tier listed twice is refused, naming the second."""
    if multipliers is None:
        return None
    seen: dict[str, float] = {}
    for index, entry in enumerate(multipliers):
        tier = str(entry.tier_id)
        if tier in seen:
            reason = "this tier is listed already; give each tier once"
            raise ServiceProblem(
                "gateway",
                ProblemBody(
                    title="Invalid input",
                    status=422,
                    code="invalid_input",
                    detail=f"tierMultipliers.{index}.tierId: {reason}",
                    # Already in this schema's names: below a JSON input the path is kept as given.
                    errors=[FieldError(field=f"tier_multipliers.{index}.tierId", reason=reason)],
                ),
            )
        seen[tier] = entry.multiplier
    return seen


def multiplier_paths(result: T, multipliers: list[TierMultiplierInput] | None) -> T:
    """``result`` with a field error under a tier id (``tierMultipliers.<tier id>``, the service's key) named by
    that multiplier's place in the caller's list (``tierMultipliers.<index>.multiplier``)."""
    if not isinstance(result, InvalidInputError) or not multipliers:
        return result
    index = {str(entry.tier_id): place for place, entry in enumerate(multipliers)}
    for error in result.fields:
        head, _, key = error.field.partition(".")
        if head == "tierMultipliers" and key in index:
            error.field = f"tierMultipliers.{index[key]}.multiplier"
    return result


# The same conditions and multipliers as they are read back, in the names they are written in.


@strawberry.type(
    description="When a rule awards, as PointRuleConditionsInput wrote it; a null condition does not restrict."
)
class PointRuleConditions:
    group_ids: list[strawberry.ID] | None = strawberry.field(description="Only activity in one of these groups.")
    min_length: int | None = strawberry.field(description="Only messages at least this many characters long.")
    keyword: str | None = strawberry.field(description="Only messages that contain this text (case-insensitive).")
    tier_ids: list[strawberry.ID] | None = strawberry.field(description="Only members (referrers) on these tiers.")
    min_amount: Int64 | None = strawberry.field(description="Only payments of at least this many minor units.")
    max_amount: Int64 | None = strawberry.field(description="Only payments of at most this many minor units.")
    currency: str | None = strawberry.field(description="Only payments in this ISO 4217 currency.")
    paid_tier_ids: list[strawberry.ID] | None = strawberry.field(description="Only payments for one of these tiers.")
    paid_tier_keys: list[str] | None = strawberry.field(description="Only payments for a tier with one of these keys.")

    @classmethod
    def from_wire(cls, conditions: dict[str, Any]) -> PointRuleConditions:
        """The service's ``conditions`` (snake_case keys, the same names as these fields)."""
        return cls(**{name: conditions.get(name) for name in _CONDITION_FIELDS})


_CONDITION_FIELDS = (
    "group_ids",
    "min_length",
    "keyword",
    "tier_ids",
    "min_amount",
    "max_amount",
    "currency",
    "paid_tier_ids",
    "paid_tier_keys",
)


@strawberry.type(description="The factor a rule's points are multiplied by for members on one tier.")
class TierMultiplier:
    tier_id: strawberry.ID = strawberry.field(description="The earning member's tier.")
    multiplier: float = strawberry.field(description="The factor; members of tiers not listed get 1.")


def multipliers_of(multipliers: dict[str, float]) -> list[TierMultiplier]:
    """The service's ``tier_multipliers`` (tier id → factor) as the list TierMultiplierInput writes."""
    return [TierMultiplier(tier_id=strawberry.ID(tier), multiplier=factor) for tier, factor in multipliers.items()]
