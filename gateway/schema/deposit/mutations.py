"""Mutations of deposit challenges: the integrator confirms stakes and payouts; each returns its payload or a
user error."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.gamification.deposit import RecordedRead
from gateway.clients import ServiceProblem
from gateway.schema.context import Context
from gateway.schema.deposit.types import Deposit, MoneyTransaction
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.member.known import for_known_member
from gateway.schema.scalars import Int64

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.input
class ConfirmStakeInput:
    community_id: strawberry.ID
    challenge_id: strawberry.ID
    member_id: strawberry.ID
    amount: Int64 = strawberry.field(description="minor units; must equal the challenge's stake")
    currency: str
    reference: str = strawberry.field(description="the payment's id at the provider: confirming again is a no-op")


@strawberry.input
class RecordPayoutInput:
    community_id: strawberry.ID
    challenge_id: strawberry.ID
    member_id: strawberry.ID
    amount: Int64 = strawberry.field(description="minor units; at most what is payable")
    currency: str
    reference: str = strawberry.field(description="the payout's id: recording again is a no-op")


@strawberry.type
class DepositRecorded:
    transaction: MoneyTransaction
    deposit: Deposit


DepositPayload = Annotated[DepositRecorded | Errors, strawberry.union("DepositPayload")]


def _recorded(dto: RecordedRead) -> DepositRecorded:
    return DepositRecorded(
        transaction=MoneyTransaction.from_dto(dto.transaction), deposit=Deposit.from_dto(dto.deposit)
    )


def _money(input: ConfirmStakeInput | RecordPayoutInput) -> dict[str, object]:
    return {"amount": input.amount, "currency": input.currency, "reference": input.reference}


@strawberry.type
class DepositMutation:
    @strawberry.mutation(description="Record a stake the payment system took: the enrollment becomes active.")
    async def confirm_stake(self, info: Info[Context, None], input: ConfirmStakeInput) -> DepositPayload:
        try:
            cid, mid = str(input.community_id), str(input.member_id)
            dto = await for_known_member(
                info.context,
                cid,
                mid,
                lambda: info.context.gamification.confirm_stake(cid, str(input.challenge_id), mid, _money(input)),
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return _recorded(dto)

    @strawberry.mutation(description="Record a payout the payment system made, out of what is payable.")
    async def record_payout(self, info: Info[Context, None], input: RecordPayoutInput) -> DepositPayload:
        try:
            dto = await info.context.gamification.record_payout(
                str(input.community_id), str(input.challenge_id), str(input.member_id), _money(input)
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return _recorded(dto)
