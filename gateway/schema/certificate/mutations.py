"""Mutations of certificate templates and certificates; each returns its payload or a user error."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.gamification.certificate import CertificateRead, TemplateRead
from gateway.schema.certificate.types import Certificate, CertificateTemplate, CertificateTrigger
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.member.known import for_known_member
from gateway.schema.payloads import ADDRESSING, body_of, payload

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError

COMMUNITY = "The community the certificate belongs to."
TRIGGER_REF = "The challenge, badge or course whose completion issues it, by id; null for MANUAL."


@strawberry.input(description="A certificate template: what its certificates say, who issues them, and when.")
class CreateCertificateTemplateInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    name: str = strawberry.field(description="The operator's name for the template, 1 to 100 characters.")
    achievement_name: str = strawberry.field(description="What the certificate says was achieved, 1 to 200 characters.")
    issuer_name: str = strawberry.field(description="Who the certificate says issued it, 1 to 200 characters.")
    description: str = strawberry.field(
        default="", description="A longer text about the achievement, at most 2000 characters."
    )
    trigger_kind: CertificateTrigger = strawberry.field(
        default=CertificateTrigger.MANUAL, description="What issues its certificates by itself; MANUAL: only by hand."
    )
    trigger_ref: strawberry.ID | None = strawberry.field(default=None, description=TRIGGER_REF)
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first template instead of a second one."
    )


@strawberry.input(description="Only the fields given (not null) change.")
class UpdateCertificateTemplateInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    template_id: strawberry.ID = strawberry.field(description="The template to change, by its id.")
    name: str | None = strawberry.field(default=None, description="The operator's name, 1 to 100 characters.")
    achievement_name: str | None = strawberry.field(
        default=None, description="What certificates issued from now on say was achieved, 1 to 200 characters."
    )
    issuer_name: str | None = strawberry.field(
        default=None, description="Who certificates issued from now on say issued them, 1 to 200 characters."
    )
    description: str | None = strawberry.field(default=None, description="At most 2000 characters.")
    trigger_kind: CertificateTrigger | None = strawberry.field(
        default=None, description="What issues its certificates by itself."
    )
    trigger_ref: strawberry.ID | None = strawberry.field(
        default=None, description="The challenge, badge or course whose completion issues it, by id."
    )
    enabled: bool | None = strawberry.field(default=None, description="false stops issuing it, by hand or not.")


@strawberry.type(description="A certificate template was created or changed.")
class CertificateTemplateSuccess:
    template: CertificateTemplate = strawberry.field(description="The template as it is now.")


@strawberry.input(description="A certificate to issue by hand to a member, from a template.")
class IssueCertificateInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    template_id: strawberry.ID = strawberry.field(description="The template it is issued from, by its id.")
    member_id: strawberry.ID = strawberry.field(description="The member who earned it, by their id (mbr_…).")
    recipient_name: str | None = strawberry.field(
        default=None,
        description="The name on the certificate, 1 to 100 characters; the member's display name when left out.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key answers the same certificate."
    )


@strawberry.input(description="A certificate to revoke, and why.")
class RevokeCertificateInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    certificate_id: strawberry.ID = strawberry.field(description="The certificate to revoke, by its id.")
    reason: str = strawberry.field(description="Shown on its public page from now on, 1 to 500 characters.")


@strawberry.type(description="A certificate was issued (or, retried, found) or revoked.")
class CertificateSuccess:
    certificate: Certificate = strawberry.field(description="The certificate as it is now.")


ERRORS = "or the user error that refused it (`code` says why; `InvalidInputError.fields` name the fields)."
CertificateTemplatePayload = Annotated[
    CertificateTemplateSuccess | Errors,
    strawberry.union(
        "CertificateTemplatePayload",
        description=f"What `createCertificateTemplate` and `updateCertificateTemplate` answer: the template, {ERRORS}",
    ),
]
CertificatePayload = Annotated[
    CertificateSuccess | Errors,
    strawberry.union(
        "CertificatePayload",
        description=f"What `issueCertificate` and `revokeCertificate` answer: the certificate, {ERRORS}",
    ),
]


def _template(dto: TemplateRead) -> CertificateTemplateSuccess:
    return CertificateTemplateSuccess(template=CertificateTemplate.from_dto(dto))


def _certificate(dto: CertificateRead) -> CertificateSuccess:
    return CertificateSuccess(certificate=Certificate.from_dto(dto))


@strawberry.type
class CertificateMutation:
    @strawberry.mutation(description="Define a certificate: its texts, its issuer, and what issues it by itself.")
    async def create_certificate_template(
        self, info: Info[Context, None], input: CreateCertificateTemplateInput
    ) -> CertificateTemplatePayload:
        call = info.context.gamification.create_certificate_template(
            str(input.community_id), body_of(input), idempotency_key=input.idempotency_key
        )
        return await payload(call, _template)

    @strawberry.mutation(description="Change or disable a template; certificates already issued keep their texts.")
    async def update_certificate_template(
        self, info: Info[Context, None], input: UpdateCertificateTemplateInput
    ) -> CertificateTemplatePayload:
        # A null is "no change": only the fields given travel.
        changes = body_of(input, leave_out=ADDRESSING | {"template_id"}, omit_none=True)
        call = info.context.gamification.change_certificate_template(
            str(input.community_id), str(input.template_id), changes
        )
        return await payload(call, _template)

    @strawberry.mutation(description="Issue a certificate by hand, signed and verifiable at once.")
    async def issue_certificate(self, info: Info[Context, None], input: IssueCertificateInput) -> CertificatePayload:
        cid = str(input.community_id)
        call = for_known_member(
            info.context,
            cid,
            str(input.member_id),
            lambda: info.context.gamification.issue_certificate(
                cid, body_of(input), idempotency_key=input.idempotency_key
            ),
        )
        return await payload(call, _certificate)

    @strawberry.mutation(description="Revoke a certificate with a reason; its public page says so from now on.")
    async def revoke_certificate(self, info: Info[Context, None], input: RevokeCertificateInput) -> CertificatePayload:
        call = info.context.gamification.revoke_certificate(
            str(input.community_id), str(input.certificate_id), input.reason
        )
        return await payload(call, _certificate)
