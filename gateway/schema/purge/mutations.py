"""Mutations of lurker purges: start, cancel, exempt a member, and a purged member's way back in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.membership.purge import PurgeRunRead, PurgeStart
from gateway.clients.base import wire
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.payloads import body_of, payload
from gateway.schema.purge.types import PurgeExemption, PurgeRun


@strawberry.input(description="Overrides of the community's purge settings; unset fields use the settings.")
class StartPurgeInput:
    community_id: strawberry.ID
    inactive_days: int | None = strawberry.field(
        default=None, description="List members silent this many days (1 to 365)."
    )
    missed_assignments: int | None = strawberry.field(default=None, description="0 turns the criterion off.")
    grace_days: int | None = strawberry.field(
        default=None, description="Days between the warning and the removals (0 to 30)."
    )
    return_days: int | None = strawberry.field(
        default=None, description="Days a removed member may come back without the gate (0 to 365)."
    )
    warning_text: str | None = strawberry.field(
        default=None, description="May use {mentions} and {grace_days}; a friendly default otherwise."
    )
    member_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Purge only these of the listed members."
    )
    note: str | None = strawberry.field(default=None, description="Your note on the run, up to 500 characters.")
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input
class CancelPurgeInput:
    community_id: strawberry.ID
    run_id: strawberry.ID = strawberry.field(description="The run to cancel, still in its grace period.")
    reason: str | None = strawberry.field(default=None, description="Why, up to 500 characters.")
    acting_member_id: strawberry.ID | None = None


@strawberry.input
class ReturnFromPurgeInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.input
class SetPurgeExemptionInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    exempt: bool = strawberry.field(
        default=True, description="True keeps them off every purge list; false puts them back."
    )
    reason: str | None = strawberry.field(default=None, description="Why, up to 500 characters.")
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The purge run, as it is after the change.")
class PurgeRunSuccess:
    run: PurgeRun = strawberry.field(description="The run, with each member it listed.")


@strawberry.type(description="The member is back, on the tier and status they had before the purge.")
class ReturnFromPurgeSuccess:
    member_id: strawberry.ID = strawberry.field(description="The member who is back.")
    membership_id: strawberry.ID = strawberry.field(description="The member's membership.")
    status: str = strawberry.field(description="The status they are back in, e.g. active.")
    tier_id: strawberry.ID | None = strawberry.field(description="The tier they are back on; null if none.")
    joined_at: datetime | None = strawberry.field(description="When they came back in.")


@strawberry.type(description="The member's exemption, as it is now.")
class SetPurgeExemptionSuccess:
    exemption: PurgeExemption = strawberry.field(description="The exemption.")


Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError
StartPurgePayload = Annotated[PurgeRunSuccess | Errors, strawberry.union("StartPurgePayload")]
CancelPurgePayload = Annotated[PurgeRunSuccess | Errors, strawberry.union("CancelPurgePayload")]
ReturnFromPurgePayload = Annotated[ReturnFromPurgeSuccess | Errors, strawberry.union("ReturnFromPurgePayload")]
SetPurgeExemptionPayload = Annotated[SetPurgeExemptionSuccess | Errors, strawberry.union("SetPurgeExemptionPayload")]


@strawberry.type
class PurgeMutation:
    @strawberry.mutation(
        description="Warn every listed member in their groups (admins); the rest happens after the grace period."
    )
    async def start_purge(self, info: Info[Context, None], input: StartPurgeInput) -> StartPurgePayload:
        membership = info.context.membership

        async def start() -> PurgeRunRead:
            # Left out means the community's setting, so a null is never sent.
            body = wire(PurgeStart, **body_of(input, omit_none=True))
            return await membership.start_purge(str(input.community_id), body, idempotency_key=input.idempotency_key)

        return await payload(start(), lambda run: PurgeRunSuccess(run=PurgeRun.from_dto(run)))

    @strawberry.mutation(description="Cancel a run during its grace period (admins): nobody it warned is removed.")
    async def cancel_purge(self, info: Info[Context, None], input: CancelPurgeInput) -> CancelPurgePayload:
        call = info.context.membership.cancel_purge(
            str(input.community_id), str(input.run_id), reason=input.reason, acting_member_id=input.acting_member_id
        )
        return await payload(call, lambda run: PurgeRunSuccess(run=PurgeRun.from_dto(run)))

    @strawberry.mutation(description="A purged member rejoins without the gate, within the return window.")
    async def return_from_purge(self, info: Info[Context, None], input: ReturnFromPurgeInput) -> ReturnFromPurgePayload:
        call = info.context.membership.return_from_purge(
            str(input.community_id), str(input.member_id), idempotency_key=input.idempotency_key
        )
        return await payload(
            call,
            lambda membership: ReturnFromPurgeSuccess(
                member_id=input.member_id,
                membership_id=strawberry.ID(membership.id),
                status=membership.status,
                tier_id=strawberry.ID(membership.tier_id) if membership.tier_id else None,
                joined_at=membership.joined_at,
            ),
        )

    @strawberry.mutation(description="Keep a member off every purge list, or put them back on it (admins).")
    async def set_purge_exemption(
        self, info: Info[Context, None], input: SetPurgeExemptionInput
    ) -> SetPurgeExemptionPayload:
        call = info.context.membership.set_purge_exemption(
            str(input.community_id),
            str(input.member_id),
            exempt=input.exempt,
            reason=input.reason,
            acting_member_id=input.acting_member_id,
        )
        return await payload(
            call, lambda exemption: SetPurgeExemptionSuccess(exemption=PurgeExemption.from_dto(exemption))
        )
