"""Advancing a sandbox community's test clock: the owner moves it, then each service plays out what fell due."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.clock.types import DueWorkRun, TestClock
from gateway.schema.community.types import Community
from gateway.schema.context import Context
from gateway.schema.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    user_error_from,
)


@strawberry.input(description="Exactly one of to and by.")
class AdvanceTestClockInput:
    community_id: strawberry.ID
    to: datetime | None = strawberry.field(default=None, description="The time to move to; retrying it is safe.")
    by: str | None = strawberry.field(default=None, description="A duration such as 21d, 36h, 1d12h or 90m.")
    step: str = strawberry.field(
        default="1h",
        description="Due work runs at least this often on the way (1m to 1d; every local midnight is a step too): "
        "finer is more exact about when things happened, coarser is faster.",
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The test clock moved, and every service played out what fell due on the way.")
class AdvanceTestClockSuccess:
    community: Community = strawberry.field(description="The sandbox community, as it is after the advance.")
    test_clock: TestClock = strawberry.field(description="Where the clock stands now.")
    start: datetime = strawberry.field(name="from", description="Where the clock stood before.")
    steps: int = strawberry.field(description="How many times each service ran its due work on the way.")
    ran: list[DueWorkRun] = strawberry.field(description="What each service's due work did on the way.")


AdvanceTestClockPayload = Annotated[
    AdvanceTestClockSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("AdvanceTestClockPayload"),
]


@strawberry.type
class ClockMutation:
    @strawberry.mutation(
        description="Move a sandbox community's test clock forward (admins). Everything that falls due on the way "
        "(expiries, rollovers, settlements, scheduled work) runs at its step, in every service, before this returns."
    )
    async def advance_test_clock(
        self, info: Info[Context, None], input: AdvanceTestClockInput
    ) -> AdvanceTestClockPayload:
        context = info.context
        context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        body: dict[str, Any] = {"to": input.to.isoformat() if input.to else None, "by": input.by, "step": input.step}
        if input.acting_member_id is not None:
            body["acting_member_id"] = str(input.acting_member_id)
        try:
            moved = await context.membership.advance_test_clock(str(input.community_id), body)
        except ServiceProblem as problem:
            return user_error_from(problem)
        # Each service plays out its own due work; they meet only through events, so in parallel.
        others = await asyncio.gather(
            context.gamification.run_test_clock_due_work(moved), context.content.run_test_clock_due_work(moved)
        )
        dto = await context.membership.get_community(moved.community_id)
        ran = DueWorkRun.all_from("membership", moved.ran)
        for other in others:
            ran.extend(DueWorkRun.all_from(other.service, other.ran))
        context.loaders.community.prime(dto.id, dto)
        return AdvanceTestClockSuccess(
            community=Community.from_dto(dto),
            test_clock=TestClock(now=moved.now),
            start=moved.from_,
            steps=moved.steps,
            ran=ran,
        )
