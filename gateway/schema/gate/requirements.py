"""A tier's gate as typed input: each requirement names its ``kind`` and fills the fields that kind takes.

GraphQL has no input unions, so one input carries every kind's fields; the membership service holds each kind
to its own (``services/membership/domain/gate.py``) and names a field that does not belong, in this schema's
names (``requirements.0.trialTierId: Extra inputs are not permitted``)."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway.schema.scalars import Int64, ProfileValue


@strawberry.input(description="A question an `application` requirement asks; answers come with `join`.")
class ApplicationQuestionInput:
    key: str = strawberry.field(description="Where the answer is filed: 1-40 lowercase letters, digits or _.")
    prompt: str = strawberry.field(description="The question as the person reads it (up to 500 characters).")
    required: bool = strawberry.field(default=True, description="Whether a join must answer it.")


@strawberry.input(description="When a member on probation is promoted to the gated tier.")
class PromotionConditionInput:
    kind: str = strawberry.field(
        description="`points` (lifetimePoints earned), `challenge` (a challenge completed: challengeId, or any) or "
        "`clean_days` (days on probation with no strike in them)."
    )
    lifetime_points: Int64 | None = strawberry.field(default=None, description="For `points`: at least 1.")
    challenge_id: strawberry.ID | None = strawberry.field(
        default=None, description="For `challenge`: this challenge; any challenge when left out."
    )
    days: int | None = strawberry.field(default=None, description="For `clean_days`: 1-365.")


@strawberry.input(description="A predicate over one profile attribute, e.g. region one_of [Shanghai, Hangzhou].")
class ProfileCriterionInput:
    attribute: str = strawberry.field(description="The attribute of `join`'s `person.attributes` it reads.")
    op: str = strawberry.field(
        description="`equals` (one value), `one_of` (a list), `at_least` or `at_most` (a number), or `has_tag` "
        "(the attribute is a list that holds this text)."
    )
    value: ProfileValue = strawberry.field(description="What the attribute is compared with; its shape follows `op`.")


@strawberry.input(
    description="One requirement of a tier's gate. All of a gate's requirements must hold, met in a fixed order: "
    "invitation, application, payment, then probation; a gate has at most one of each kind."
)
class GateRequirementInput:
    kind: str = strawberry.field(
        description="`invitation` (an invitation code for the tier), `application` (questions an admin reviews), "
        "`payment` (the tier's price, confirmed with confirmPayment), `probation` (admitted to trialTierId first, "
        "promoted when promoteWhen holds), `profile` (criteria over the person's attributes) or `capacity` (the "
        "tier is capped at its capacity)."
    )
    questions: list[ApplicationQuestionInput] | None = strawberry.field(
        default=None, description="For `application`: 1-20 questions with distinct keys."
    )
    trial_tier_id: strawberry.ID | None = strawberry.field(
        default=None, description="For `probation`: the tier a newcomer holds until promoted."
    )
    promote_when: PromotionConditionInput | None = strawberry.field(
        default=None, description="For `probation`: when the newcomer moves up to this tier."
    )
    criteria: list[ProfileCriterionInput] | None = strawberry.field(
        default=None, description="For `profile`: 1-20 criteria, all of which must hold."
    )


# The same gate as it is read back: the fields an input gives, in this schema's names, so what a client writes
# is what it reads (the service stores and answers them in snake_case).


@strawberry.type(description="A question an `application` requirement asks; answers come with `join`.")
class ApplicationQuestion:
    key: str = strawberry.field(description="Where the answer is filed in an application's answers.")
    prompt: str = strawberry.field(description="The question as the person reads it.")
    required: bool = strawberry.field(description="Whether a join must answer it.")


@strawberry.type(description="When a member on probation is promoted to the gated tier.")
class PromotionCondition:
    kind: str = strawberry.field(description="`points`, `challenge` or `clean_days`.")
    lifetime_points: Int64 | None = strawberry.field(description="For `points`: the lifetime points to reach.")
    challenge_id: strawberry.ID | None = strawberry.field(
        description="For `challenge`: the challenge to complete; null means any."
    )
    days: int | None = strawberry.field(description="For `clean_days`: days on probation without a strike.")


@strawberry.type(description="A predicate over one profile attribute, e.g. region one_of [Shanghai, Hangzhou].")
class ProfileCriterion:
    attribute: str = strawberry.field(description="The attribute of `join`'s `person.attributes` it reads.")
    op: str = strawberry.field(description="`equals`, `one_of`, `at_least`, `at_most` or `has_tag`.")
    value: ProfileValue = strawberry.field(description="What the attribute is compared with; its shape follows `op`.")


@strawberry.type(
    description="One requirement of a tier's gate, as `GateRequirementInput` wrote it; the fields of other kinds "
    "are null."
)
class GateRequirement:
    kind: str = strawberry.field(
        description="`invitation`, `application`, `payment`, `probation`, `profile` or `capacity`."
    )
    questions: list[ApplicationQuestion] | None = strawberry.field(description="For `application`: its questions.")
    trial_tier_id: strawberry.ID | None = strawberry.field(
        description="For `probation`: the tier a newcomer holds until promoted."
    )
    promote_when: PromotionCondition | None = strawberry.field(
        description="For `probation`: when the newcomer moves up to this tier."
    )
    criteria: list[ProfileCriterion] | None = strawberry.field(
        description="For `profile`: the criteria, all of which must hold."
    )

    @classmethod
    def from_wire(cls, requirement: dict[str, Any]) -> GateRequirement:
        """A requirement as the membership service answers it (``TierRead.requirements``)."""
        promote = requirement.get("promote_when")
        trial = requirement.get("trial_tier_id")
        return cls(
            kind=requirement["kind"],
            questions=None
            if (questions := requirement.get("questions")) is None
            else [
                ApplicationQuestion(key=q["key"], prompt=q["prompt"], required=q.get("required", True))
                for q in questions
            ],
            trial_tier_id=strawberry.ID(trial) if trial is not None else None,
            promote_when=None
            if promote is None
            else PromotionCondition(
                kind=promote["kind"],
                lifetime_points=promote.get("lifetime_points"),
                challenge_id=strawberry.ID(c) if (c := promote.get("challenge_id")) is not None else None,
                days=promote.get("days"),
            ),
            criteria=None
            if (criteria := requirement.get("criteria")) is None
            else [ProfileCriterion(attribute=c["attribute"], op=c["op"], value=c["value"]) for c in criteria],
        )
