"""Mutations of deposit challenges: the integrator confirms stakes and payouts; each returns its payload or a
user error."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.gamification.deposit import RecordedRead
from gateway.schema.context import Context
from gateway.schema.deposit.types import Deposit, MoneyTransaction
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.member.known import for_known_member
from gateway.schema.payloads import ADDRESSING, body_of, payload
from gateway.schema.scalars import Int64

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError

COMMUNITY = "The community the challenge belongs to."
CHALLENGE = "The deposit challenge, by its id (chl_…)."
MEMBER = "The enrolled member, by their id (mbr_…)."


@strawberry.input(description="A stake the integrator's payment system took from an enrolled member.")
class ConfirmStakeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    challenge_id: strawberry.ID = strawberry.field(description=CHALLENGE)
    member_id: strawberry.ID = strawberry.field(description=MEMBER)
    amount: Int64 = strawberry.field(description="Minor units (fen, cents); must equal the challenge's stake.")
    currency: str = strawberry.field(description="ISO 4217 code, e.g. CNY; must be the challenge's currency.")
    reference: str = strawberry.field(
        description="The payment's id at the provider, 1 to 200 characters: confirming it again is a no-op."
    )


@strawberry.input(description="A payout the integrator's payment system made to a member, out of what is payable.")
class RecordPayoutInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    challenge_id: strawberry.ID = strawberry.field(description=CHALLENGE)
    member_id: strawberry.ID = strawberry.field(description=MEMBER)
    amount: Int64 = strawberry.field(description="Minor units (fen, cents); at most the deposit's `payable`.")
    currency: str = strawberry.field(description="ISO 4217 code, e.g. CNY; the challenge's currency.")
    reference: str = strawberry.field(
        description="The payout's id at the provider, 1 to 200 characters: recording it again is a no-op."
    )


@strawberry.type(description="A stake or payout was recorded (or, its reference already recorded, found).")
class DepositRecorded:
    transaction: MoneyTransaction = strawberry.field(description="The movement recorded in the deposit journal.")
    deposit: Deposit = strawberry.field(description="The member's deposit with it applied.")


DepositPayload = Annotated[
    DepositRecorded | Errors,
    strawberry.union(
        "DepositPayload",
        description=(
            "What `confirmStake` and `recordPayout` answer: the movement and the deposit, or the user error that "
            "refused it (`code` says why; `InvalidInputError.fields` name the fields)."
        ),
    ),
]

# The challenge and the member are in the path; the body is the money.
_IN_PATH = ADDRESSING | {"challenge_id", "member_id"}


def _recorded(dto: RecordedRead) -> DepositRecorded:
    return DepositRecorded(
        transaction=MoneyTransaction.from_dto(dto.transaction), deposit=Deposit.from_dto(dto.deposit)
    )


@strawberry.type
class DepositMutation:
    @strawberry.mutation(description="Record a stake the payment system took: the enrollment becomes active.")
    async def confirm_stake(self, info: Info[Context, None], input: ConfirmStakeInput) -> DepositPayload:
        cid, mid = str(input.community_id), str(input.member_id)
        call = for_known_member(
            info.context,
            cid,
            mid,
            lambda: info.context.gamification.confirm_stake(
                cid, str(input.challenge_id), mid, body_of(input, leave_out=_IN_PATH)
            ),
        )
        return await payload(call, _recorded)

    @strawberry.mutation(description="Record a payout the payment system made, out of what is payable.")
    async def record_payout(self, info: Info[Context, None], input: RecordPayoutInput) -> DepositPayload:
        call = info.context.gamification.record_payout(
            str(input.community_id), str(input.challenge_id), str(input.member_id), body_of(input, leave_out=_IN_PATH)
        )
        return await payload(call, _recorded)
