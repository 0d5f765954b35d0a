"""A badge's criteria as typed input: a ``kind`` and the fields that kind takes, in this schema's camelCase.

GraphQL has no input unions, so one input carries every kind's fields; the gamification service holds each kind
to its own (``services/gamification/domain/badge.py``) and names a field that does not belong, in this schema's
names (``criteria.windowDays: not used by a streak criterion``)."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway.schema.payloads import body_of
from gateway.schema.scalars import Int64

BADGE_EVENTS = (
    "member.activity.message, member.activity.reaction, member.activity.join, member.joined.referral, "
    "referral.converted, checkin.recorded, assignment.submitted, assignment.reviewed, event.attended or "
    "challenge.completed"
)


@strawberry.input(
    description="What earns a badge, checked by the service on every matching event: `count` (event done n "
    "times, within windowDays when given), `streak` (event done on `days` consecutive local days), `points` (n "
    "lifetime points), `challenge` (a challenge completed: challengeId, or any) or `manual` (only awardBadge). "
    "Give only the fields of the kind: another kind's field is refused, naming it."
)
class BadgeCriteriaInput:
    kind: str = strawberry.field(description="`count`, `streak`, `points`, `challenge` or `manual`.")
    event: str | None = strawberry.field(
        default=None, description=f"For `count` and `streak` (required): the event counted, one of {BADGE_EVENTS}."
    )
    n: Int64 | None = strawberry.field(
        default=None,
        description="For `count` (times the event happened) and `points` (lifetime points): required, ≥ 1.",
    )
    window_days: int | None = strawberry.field(
        default=None,
        description="For `count`: only the last this many local days count, 1-366; all time when left out. A "
        "repeatable badge is earned again in each such window.",
    )
    days: int | None = strawberry.field(
        default=None, description="For `streak` (required): consecutive local days with the event, ≥ 1."
    )
    challenge_id: strawberry.ID | None = strawberry.field(
        default=None, description="For `challenge`: this challenge; completing any challenge when left out."
    )


def criteria_body(criteria: BadgeCriteriaInput) -> dict[str, Any]:
    """The service's ``criteria``: the fields given only, since a field of another kind is refused even as null."""
    return body_of(criteria, leave_out=(), omit_none=True)


@strawberry.type(description="What earns a badge, as BadgeCriteriaInput wrote it; the fields of other kinds are null.")
class BadgeCriteria:
    kind: str = strawberry.field(description="`count`, `streak`, `points`, `challenge` or `manual`.")
    event: str | None = strawberry.field(description="For `count` and `streak`: the event counted.")
    n: Int64 | None = strawberry.field(description="For `count`: times; for `points`: lifetime points.")
    window_days: int | None = strawberry.field(description="For `count`: the window in local days; null: all time.")
    days: int | None = strawberry.field(description="For `streak`: consecutive local days.")
    challenge_id: strawberry.ID | None = strawberry.field(
        description="For `challenge`: the challenge; null: any challenge."
    )

    @classmethod
    def from_wire(cls, criteria: dict[str, Any]) -> BadgeCriteria:
        """The service's ``criteria`` (snake_case keys, the same names as these fields)."""
        challenge = criteria.get("challenge_id")
        return cls(
            kind=criteria["kind"],
            event=criteria.get("event"),
            n=criteria.get("n"),
            window_days=criteria.get("window_days"),
            days=criteria.get("days"),
            challenge_id=strawberry.ID(challenge) if challenge is not None else None,
        )
