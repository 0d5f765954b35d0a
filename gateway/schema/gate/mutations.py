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
    tier_id: strawberry.ID = strawberry.field(description="The tier the code lets its holder into.")
    max_uses: int | None = strawberry.field(
        default=None, description="How many joins it admits (1 to 1000000); null, the default, any number."
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="When it stops admitting anyone (with a time zone offset); null: never."
    )
    code: str | None = strawberry.field(default=None, description="A code of your own; random when left out.")
    note: str | None = strawberry.field(
        default=None, description="Your own note, up to 200 characters, e.g. who it was handed to."
    )
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input
class RevokeInvitationCodeInput:
    community_id: strawberry.ID
    id: strawberry.ID = strawberry.field(description="The invitation code to revoke (its id, not the code).")
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The invitation code, as it is after the change.")
class InvitationCodeSuccess:
    invitation_code: InvitationCode = strawberry.field(description="The invitation code.")


InvitationCodePayload = Annotated[InvitationCodeSuccess | Errors, strawberry.union("InvitationCodePayload")]


@strawberry.input(description="Someone new to the community.")
class PersonInput:
    display_name: str = strawberry.field(description="The name shown for them, 1 to 100 characters.")
    external_ref: str | None = strawberry.field(
        default=None, description="Your own id for this person, up to 200 characters."
    )
    attributes: JSON | None = strawberry.field(default=None, description="Profile attributes gates filter on.")
    identities: list[IdentityInput] = strawberry.field(
        default_factory=list, description="Their platform accounts, at most 10."
    )


@strawberry.input(description="The answer to one of the tier's application questions.")
class AnswerInput:
    key: str = strawberry.field(description="The question's key, as the tier's gate names it.")
    answer: str = strawberry.field(description="The person's answer, in their words.")


@strawberry.input(description="Give memberId (someone known) or person (someone new), and what the gate asks for.")
class JoinInput:
    community_id: strawberry.ID
    tier_id: strawberry.ID = strawberry.field(description="The tier to enter; its gate decides what happens.")
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Someone the community already knows; or give `person`."
    )
    person: PersonInput | None = strawberry.field(
        default=None, description="Someone new, created as a member; or give `memberId`."
    )
    invitation_code: str | None = strawberry.field(
        default=None, description="An invitation code of this tier, when its gate asks for one."
    )
    answers: list[AnswerInput] = strawberry.field(
        default_factory=list, description="Answers to the gate's application questions (at most 20), when it has them."
    )
    referral_code: str | None = strawberry.field(
        default=None, description="A member's referral code: the join is attributed to them."
    )
    idempotency_key: str | None = None


@strawberry.type(description="Where the person stands now: active, probation, applied or pending_payment.")
class JoinSuccess:
    status: str = strawberry.field(description="active, probation, applied or pending_payment.")
    member: Member = strawberry.field(description="The member who joined, with their membership as it is now.")
    application: Application | None = strawberry.field(
        description="The application waiting for review, when the gate asks for one; otherwise null."
    )


JoinPayload = Annotated[JoinSuccess | Errors, strawberry.union("JoinPayload")]


@strawberry.enum(description="What a reviewer decides about an application.")
class ApplicationDecision(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    APPROVE = strawberry.enum_value("approve", description="Let them in: on to the gate's next step, or inside.")
    REJECT = strawberry.enum_value("reject", description="Turn them away; a reason is required.")


@strawberry.input
class ReviewApplicationInput:
    community_id: strawberry.ID
    application_id: strawberry.ID = strawberry.field(description="The pending application to decide.")
    decision: ApplicationDecision = strawberry.field(description="Approve or reject.")
    reason: str | None = strawberry.field(default=None, description="Required to reject.")
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The application was decided.")
class ReviewApplicationSuccess:
    application: Application = strawberry.field(description="The application, with its decision.")
    member: Member = strawberry.field(description="The applicant, with their membership as it is now.")


ReviewApplicationPayload = Annotated[ReviewApplicationSuccess | Errors, strawberry.union("ReviewApplicationPayload")]


@strawberry.input
class ConfirmPaymentInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    tier_id: strawberry.ID | None = strawberry.field(default=None, description="The member's tier when left out.")
    amount: Int64 = strawberry.field(description="In minor units; must match the tier's price.")
    currency: str = strawberry.field(description="ISO 4217 code; must be the tier's currency.")
    provider: str = strawberry.field(
        description="Who took the money, 1 to 40 characters of your choosing: e.g. wechat_pay, alipay, stripe."
    )
    provider_ref: str = strawberry.field(description="The provider's id of this payment.")
    idempotency_key: str = strawberry.field(description="Retrying with the same key returns the first answer.")


@strawberry.type(
    description="The payment is recorded and applied: a paid join moves on, a renewal extends, an upgrade moves tier."
)
class ConfirmPaymentSuccess:
    payment: Payment = strawberry.field(description="The payment as recorded (the first record, for a duplicate).")
    duplicate: bool = strawberry.field(description="true: this payment was already recorded; nothing changed.")
    member: Member = strawberry.field(description="The member who paid, with their membership as it is now.")


ConfirmPaymentPayload = Annotated[ConfirmPaymentSuccess | Errors, strawberry.union("ConfirmPaymentPayload")]


@strawberry.input
class CreateReferralCodeInput:
    community_id: strawberry.ID
    member_id: strawberry.ID


@strawberry.type(description="The member's referral code (the one they had, if any).")
class ReferralCodeSuccess:
    referral_code: ReferralCode = strawberry.field(description="The referral code, with its counts so far.")


ReferralCodePayload = Annotated[ReferralCodeSuccess | Errors, strawberry.union("ReferralCodePayload")]


@strawberry.type
class GateMutation:
    @strawberry.mutation(description="Make an invitation code for a tier (admins).")
    async def create_invitation_code(
        self, info: Info[Context, None], input: CreateInvitationCodeInput
    ) -> InvitationCodePayload:
        call = info.context.membership.create_invitation_code(
            str(input.community_id), body_of(input), idempotency_key=input.idempotency_key
        )
        return await payload(call, _invitation_code_success)

    @strawberry.mutation(description="Stop a code from admitting anyone else (admins).")
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
