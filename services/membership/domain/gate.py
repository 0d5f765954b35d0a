"""A tier's gate: the requirements a person must satisfy to enter it, and what they imply.

A gate is stored on ``Tier.requirements`` as JSON and validated here as a discriminated union on
``kind``. Every requirement must hold; they are met in a fixed order (ADR 0007): invitation and
profile criteria at once, then the application's review, then the payment, then probation on the
trial tier. Capacity is the tier's own ``capacity``, enforced by the seat count when someone gets in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from contracts.membership.gate import ApplicationStatus as ApplicationStatus
from contracts.membership.gate import Decision as Decision
from services.membership.domain.membership import Status

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_QUESTIONS = 20
MAX_CRITERIA = 20
ANSWER_MAX_LENGTH = 2_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InvitationRequirement(_Strict):
    """An invitation code made for this tier must be presented (and still have a use left)."""

    kind: Literal["invitation"]


class Question(_Strict):
    key: str
    prompt: str = Field(min_length=1, max_length=500)
    required: bool = True

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY_PATTERN.fullmatch(value):
            raise ValueError("must be 1-40 lowercase letters, digits or _, starting with a letter")
        return value


class ApplicationRequirement(_Strict):
    """The person answers these questions; an admin or moderator approves or rejects."""

    kind: Literal["application"]
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @field_validator("questions")
    @classmethod
    def _unique_keys(cls, value: list[Question]) -> list[Question]:
        keys = [question.key for question in value]
        if len(set(keys)) != len(keys):
            raise ValueError("question keys must be unique")
        return value


class PaymentRequirement(_Strict):
    """The tier's price must be paid (confirmed by the integrator) before the person is in."""

    kind: Literal["payment"]


class PointsCondition(_Strict):
    kind: Literal["points"]
    lifetime_points: int = Field(ge=1)


class ChallengeCondition(_Strict):
    """A completed challenge: this one, or any when ``challenge_id`` is not given."""

    kind: Literal["challenge"]
    challenge_id: str | None = None


class CleanDaysCondition(_Strict):
    """At least ``days`` days on probation, and no strike in the last ``days`` days."""

    kind: Literal["clean_days"]
    days: int = Field(ge=1, le=365)


PromotionCondition = Annotated[PointsCondition | ChallengeCondition | CleanDaysCondition, Field(discriminator="kind")]


class ProbationRequirement(_Strict):
    """Admitted first to ``trial_tier_id`` on probation; promoted to this tier when the condition holds."""

    kind: Literal["probation"]
    trial_tier_id: str = Field(min_length=1, max_length=40)
    promote_when: PromotionCondition


CriterionOp = Literal["equals", "one_of", "at_least", "at_most", "has_tag"]
Scalar = str | int | float | bool


class Criterion(_Strict):
    """A predicate over one profile attribute, e.g. ``region one_of [Shanghai, Beijing]``."""

    attribute: str = Field(min_length=1, max_length=40)
    op: CriterionOp
    value: Scalar | list[Scalar]

    @model_validator(mode="after")
    def _value_fits_op(self) -> Self:
        value = self.value
        if self.op == "one_of":
            if not isinstance(value, list) or not value:
                raise ValueError(f"{self.attribute}: 'one_of' needs a non-empty list of values")
        elif self.op in ("at_least", "at_most"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{self.attribute}: {self.op!r} needs a number")
        elif self.op == "has_tag":
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{self.attribute}: 'has_tag' needs a tag (text)")
        elif isinstance(value, list):
            raise ValueError(f"{self.attribute}: 'equals' needs one value, not a list (use 'one_of')")
        return self

    def holds(self, attributes: dict[str, Any]) -> bool:
        actual = attributes.get(self.attribute)
        if actual is None:
            return False
        match self.op:
            case "equals":
                return bool(actual == self.value)
            case "one_of":
                assert isinstance(self.value, list)
                return actual in self.value
            case "at_least" | "at_most":
                if isinstance(actual, bool) or not isinstance(actual, int | float):
                    return False
                assert isinstance(self.value, int | float)
                return actual >= self.value if self.op == "at_least" else actual <= self.value
            case "has_tag":
                return isinstance(actual, list) and self.value in actual

    def describe(self) -> str:
        words = {"equals": "be", "one_of": "be one of", "at_least": "be at least", "at_most": "be at most"}
        if self.op == "has_tag":
            return f"{self.attribute} must have the tag {self.value!r}"
        return f"{self.attribute} must {words[self.op]} {self.value!r}"


class ProfileRequirement(_Strict):
    kind: Literal["profile"]
    criteria: list[Criterion] = Field(min_length=1, max_length=MAX_CRITERIA)


class CapacityRequirement(_Strict):
    """Documents that the tier is capped; the cap itself is ``Tier.capacity``."""

    kind: Literal["capacity"]


Requirement = Annotated[
    InvitationRequirement
    | ApplicationRequirement
    | PaymentRequirement
    | ProbationRequirement
    | ProfileRequirement
    | CapacityRequirement,
    Field(discriminator="kind"),
]
CONDITION_KINDS = ("points", "challenge", "clean_days")
KINDS = ("invitation", "application", "payment", "probation", "profile", "capacity")

_REQUIREMENTS = TypeAdapter(list[Requirement])
R = TypeVar("R")


@dataclass(frozen=True)
class Gate:
    """A tier's requirements, parsed; at most one of each kind."""

    requirements: tuple[Requirement, ...] = ()

    @classmethod
    def parse(cls, raw: list[dict[str, Any]]) -> Gate:
        """Read a stored gate; raises ``pydantic.ValidationError`` for a malformed one."""
        return cls(tuple(_REQUIREMENTS.validate_python(raw)))

    def dump(self) -> list[dict[str, Any]]:
        return [requirement.model_dump(mode="json", exclude_none=True) for requirement in self.requirements]

    @property
    def invitation(self) -> InvitationRequirement | None:
        return _first(self.requirements, InvitationRequirement)

    @property
    def application(self) -> ApplicationRequirement | None:
        return _first(self.requirements, ApplicationRequirement)

    @property
    def payment(self) -> PaymentRequirement | None:
        return _first(self.requirements, PaymentRequirement)

    @property
    def probation(self) -> ProbationRequirement | None:
        return _first(self.requirements, ProbationRequirement)

    @property
    def profile(self) -> ProfileRequirement | None:
        return _first(self.requirements, ProfileRequirement)

    @property
    def capacity(self) -> CapacityRequirement | None:
        return _first(self.requirements, CapacityRequirement)


class GateInvalid(ValueError):
    """A gate that does not parse; ``problems`` are ``(field, reason)`` with fields like ``requirements.0.kind``."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in problems))
        self.problems = problems


def parse_gate(raw: list[dict[str, Any]]) -> Gate:
    """Validate a gate sent by a caller, naming each bad field the way the caller wrote it."""
    try:
        return Gate.parse(raw)
    except ValidationError as error:
        raise GateInvalid([_problem(e) for e in error.errors()]) from None


def _problem(error: Any) -> tuple[str, str]:
    loc: list[str] = ["requirements"]
    for part in error["loc"]:
        # pydantic names the union member it tried (``0.profile.criteria``); callers never wrote it.
        if isinstance(part, str) and ((part in KINDS and loc[-1].isdigit()) or part in CONDITION_KINDS):
            continue
        loc.append(str(part))
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc.append("kind")
        expected = str(error.get("ctx", {}).get("expected_tags", "")).replace("'", "")
        reason = f"must be one of {expected}" if expected else "is required"
    else:
        reason = str(error["msg"]).removeprefix("Value error, ")
    return ".".join(loc), reason


def _first(requirements: tuple[Requirement, ...], kind: type[R]) -> R | None:
    return next((r for r in requirements if isinstance(r, kind)), None)


def check_gate(gate: Gate, *, tier_id: str, price_amount: int, capacity: int | None) -> list[tuple[str, str]]:
    """Consistency of a gate with its tier: ``(field, reason)`` for every problem, empty when fine."""
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, requirement in enumerate(gate.requirements):
        field = f"requirements.{index}"
        if requirement.kind in seen:
            problems.append((f"{field}.kind", f"a gate has at most one {requirement.kind!r} requirement"))
        seen.add(requirement.kind)
        if isinstance(requirement, PaymentRequirement) and price_amount <= 0:
            problems.append((f"{field}.kind", "the tier is free: give it a price before requiring payment"))
        if isinstance(requirement, CapacityRequirement) and capacity is None:
            problems.append((f"{field}.kind", "the tier has no capacity: set the tier's capacity first"))
        if isinstance(requirement, ProbationRequirement) and requirement.trial_tier_id == tier_id:
            problems.append((f"{field}.trial_tier_id", "the trial tier must be another tier"))
    return problems


def needs_payment(gate: Gate, *, price_amount: int) -> bool:
    """A priced tier is always paid for; ``payment`` in the gate only says so explicitly."""
    return price_amount > 0 or gate.payment is not None


def entry_status(gate: Gate, *, price_amount: int) -> Status:
    """Where a person who met the immediate requirements stands: the first step still ahead of them."""
    if gate.application is not None:
        return Status.APPLIED
    return status_after_review(gate, price_amount=price_amount)


def status_after_review(gate: Gate, *, price_amount: int) -> Status:
    if needs_payment(gate, price_amount=price_amount):
        return Status.PENDING_PAYMENT
    return status_after_payment(gate)


def status_after_payment(gate: Gate) -> Status:
    return Status.PROBATION if gate.probation is not None else Status.ACTIVE


def check_answers(requirement: ApplicationRequirement, answers: dict[str, str]) -> list[tuple[str, str]]:
    """``(field, reason)`` for each missing, unknown or overlong answer."""
    problems: list[tuple[str, str]] = []
    keys = {question.key for question in requirement.questions}
    for key in sorted(set(answers) - keys):
        problems.append((f"answers.{key}", "is not a question of this tier's application"))
    for question in requirement.questions:
        answer = answers.get(question.key, "").strip()
        if question.required and not answer:
            problems.append((f"answers.{question.key}", f"an answer is required: {question.prompt}"))
        if len(answer) > ANSWER_MAX_LENGTH:
            problems.append((f"answers.{question.key}", f"must be at most {ANSWER_MAX_LENGTH} characters"))
    return problems


def unmet_criteria(requirement: ProfileRequirement | None, attributes: dict[str, Any]) -> list[Criterion]:
    if requirement is None:
        return []
    return [criterion for criterion in requirement.criteria if not criterion.holds(attributes)]


def clean_days_met(condition: CleanDaysCondition, *, started_at: datetime, now: datetime, strikes: int) -> bool:
    """``strikes`` counts the strikes since ``now - days``."""
    return now - started_at >= timedelta(days=condition.days) and strikes == 0
