"""Mutations of gates: invitation codes, the join flow, reviews, payments, referral codes."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.membership.gate import InvitationCodeRead
from gateway.clients import ServiceProblem
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.gate.types import Application, InvitationCode, Payment, ReferralCode
from gateway.schema.member.mutations import IdentityInput
from gateway.schema.member.types import Member
from gateway.schema.payloads import ADDRESSING, body_of, payload
from gateway.schema.scalars import Int64
from kit.errors import FieldError as ProblemField
from kit.errors import ProblemBody

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.input
class CreateInvitationCodeInput:
    community_id: strawberry.ID
    tier_id: strawberry.ID
    max_uses: int | None = None
    expires_at: datetime | None = None
    code: str | None = strawberry.field(default=None, description="A code of your own; random when left out.")
    note: str | None = None
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input
class RevokeInvitationCodeInput:
    community_id: strawberry.ID
    id: strawberry.ID
    acting_member_id: strawberry.ID | None = None


@strawberry.type
class InvitationCodeSuccess:
    invitation_code: InvitationCode


InvitationCodePayload = Annotated[InvitationCodeSuccess | Errors, strawberry.union("InvitationCodePayload")]


@strawberry.input(description="Someone new to the community.")
class PersonInput:
    display_name: str
    external_ref: str | None = None
    attributes: JSON | None = strawberry.field(default=None, description="Profile attributes gates filter on.")
    identities: list[IdentityInput] = strawberry.field(default_factory=list)


@strawberry.input
class AnswerInput:
    key: str
    answer: str


@strawberry.input(description="Give memberId (someone known) or person (someone new), and what the gate asks for.")
class JoinInput:
    community_id: strawberry.ID
    tier_id: strawberry.ID
    member_id: strawberry.ID | None = None
    person: PersonInput | None = None
    invitation_code: str | None = None
    answers: list[AnswerInput] = strawberry.field(default_factory=list)
    referral_code: str | None = None
    idempotency_key: str | None = None


@strawberry.type(description="Where the person stands now: active, probation, applied or pending_payment.")
class JoinSuccess:
    status: str
    member: Member
    application: Application | None


JoinPayload = Annotated[JoinSuccess | Errors, strawberry.union("JoinPayload")]


@strawberry.enum
class ApplicationDecision(Enum):
    APPROVE = "approve"
    REJECT = "reject"


@strawberry.input
class ReviewApplicationInput:
    community_id: strawberry.ID
    application_id: strawberry.ID
    decision: ApplicationDecision
    reason: str | None = strawberry.field(default=None, description="Required to reject.")
    acting_member_id: strawberry.ID | None = None


@strawberry.type
class ReviewApplicationSuccess:
    application: Application
    member: Member


ReviewApplicationPayload = Annotated[ReviewApplicationSuccess | Errors, strawberry.union("ReviewApplicationPayload")]


@strawberry.input
class ConfirmPaymentInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    tier_id: strawberry.ID | None = strawberry.field(default=None, description="The member's tier when left out.")
    amount: Int64 = strawberry.field(description="In minor units; must match the tier's price.")
    currency: str
    provider: str
    provider_ref: str = strawberry.field(description="The provider's id of this payment.")
    idempotency_key: str = strawberry.field(description="Retrying with the same key returns the first answer.")


@strawberry.type
class ConfirmPaymentSuccess:
    payment: Payment
    duplicate: bool = strawberry.field(description="true: this payment was already recorded; nothing changed.")
    member: Member


ConfirmPaymentPayload = Annotated[ConfirmPaymentSuccess | Errors, strawberry.union("ConfirmPaymentPayload")]


@strawberry.input
class CreateReferralCodeInput:
    community_id: strawberry.ID
    member_id: strawberry.ID


@strawberry.type
class ReferralCodeSuccess:
    referral_code: ReferralCode


ReferralCodePayload = Annotated[ReferralCodeSuccess | Errors, strawberry.union("ReferralCodePayload")]


@strawberry.type
class GateMutation:
    @strawberry.mutation(description="Make an invitation code for a tier.")
    async def create_invitation_code(
        self, info: Info[Context, None], input: CreateInvitationCodeInput
    ) -> InvitationCodePayload:
        call = info.context.membership.create_invitation_code(
            str(input.community_id), body_of(input), idempotency_key=input.idempotency_key
        )
        return await payload(call, _invitation_code_success)

    @strawberry.mutation(description="Stop a code from admitting anyone else.")
    async def revoke_invitation_code(
        self, info: Info[Context, None], input: RevokeInvitationCodeInput
    ) -> InvitationCodePayload:
        call = info.context.membership.revoke_invitation_code(
            str(input.community_id), str(input.id), acting_member_id=input.acting_member_id
        )
        return await payload(call, _invitation_code_success)

    @strawberry.mutation(description="A person asks to enter a tier; its gate decides where they end up.")
    async def join(self, info: Info[Context, None], input: JoinInput) -> JoinPayload:
        person = input.person
        if person is not None and person.attributes is not None and not isinstance(person.attributes, dict):
            return user_error_from(_not_an_object("person.attributes"))
        body = body_of(input, answers={a.key: a.answer for a in input.answers})
        if input.person is not None:
            body["person"] = body_of(input.person, leave_out=(), attributes=input.person.attributes or {})
        call = info.context.membership.join(str(input.community_id), body, idempotency_key=input.idempotency_key)
        return await payload(
            call,
            lambda joined: JoinSuccess(
                status=joined.status,
                member=Member.from_dto(joined.member),
                application=Application.from_dto(joined.application) if joined.application else None,
            ),
        )

    @strawberry.mutation(description="Approve or reject an application (admins and moderators).")
    async def review_application(
        self, info: Info[Context, None], input: ReviewApplicationInput
    ) -> ReviewApplicationPayload:
        body = body_of(input, leave_out=ADDRESSING | {"application_id"})
        call = info.context.membership.decide_application(str(input.community_id), str(input.application_id), body)
        return await payload(
            call,
            lambda decided: ReviewApplicationSuccess(
                application=Application.from_dto(decided.application), member=Member.from_dto(decided.member)
            ),
        )

    @strawberry.mutation(description="Confirm a payment you received; a repeated confirmation changes nothing.")
    async def confirm_payment(self, info: Info[Context, None], input: ConfirmPaymentInput) -> ConfirmPaymentPayload:
        call = info.context.membership.confirm_payment(
            str(input.community_id), body_of(input), idempotency_key=input.idempotency_key
        )
        return await payload(
            call,
            lambda paid: ConfirmPaymentSuccess(
                payment=Payment.from_dto(paid.payment), duplicate=paid.duplicate, member=Member.from_dto(paid.member)
            ),
        )

    @strawberry.mutation(description="The member's referral code, made on first request.")
    async def create_referral_code(
        self, info: Info[Context, None], input: CreateReferralCodeInput
    ) -> ReferralCodePayload:
        call = info.context.membership.create_referral_code(str(input.community_id), str(input.member_id))
        return await payload(call, lambda code: ReferralCodeSuccess(referral_code=ReferralCode.from_dto(code)))


def _invitation_code_success(code: InvitationCodeRead) -> InvitationCodeSuccess:
    return InvitationCodeSuccess(invitation_code=InvitationCode.from_dto(code))


def _not_an_object(field: str) -> ServiceProblem:
    reason = "must be an object of attribute names to values"
    return ServiceProblem(
        "gateway",
        ProblemBody(
            title="Invalid input",
            status=422,
            code="invalid_input",
            detail=f"{field}: {reason}",
            errors=[ProblemField(field=field, reason=reason)],
        ),
    )
