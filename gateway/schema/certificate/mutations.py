"""Mutations of certificate templates and certificates; each returns its payload or a user error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.certificate.types import Certificate, CertificateTemplate, CertificateTrigger
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.member.known import for_known_member

T = TypeVar("T")
Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.input
class CreateCertificateTemplateInput:
    community_id: strawberry.ID
    name: str
    achievement_name: str = strawberry.field(description="What the certificate says was achieved")
    issuer_name: str
    description: str = ""
    trigger_kind: CertificateTrigger = CertificateTrigger.MANUAL
    trigger_ref: strawberry.ID | None = strawberry.field(default=None, description="The challenge, badge or course id")
    idempotency_key: str | None = None


@strawberry.input
class UpdateCertificateTemplateInput:
    community_id: strawberry.ID
    template_id: strawberry.ID
    name: str | None = None
    achievement_name: str | None = None
    issuer_name: str | None = None
    description: str | None = None
    trigger_kind: CertificateTrigger | None = None
    trigger_ref: strawberry.ID | None = None
    enabled: bool | None = strawberry.field(default=None, description="false stops issuing it, by hand or not")


@strawberry.type
class CertificateTemplateSuccess:
    template: CertificateTemplate


@strawberry.input
class IssueCertificateInput:
    community_id: strawberry.ID
    template_id: strawberry.ID
    member_id: strawberry.ID
    recipient_name: str | None = strawberry.field(
        default=None, description="The name on the certificate; the member's display name when left out"
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key answers the same certificate."
    )


@strawberry.input
class RevokeCertificateInput:
    community_id: strawberry.ID
    certificate_id: strawberry.ID
    reason: str


@strawberry.type
class CertificateSuccess:
    certificate: Certificate


CertificateTemplatePayload = Annotated[
    CertificateTemplateSuccess | Errors, strawberry.union("CertificateTemplatePayload")
]
CertificatePayload = Annotated[CertificateSuccess | Errors, strawberry.union("CertificatePayload")]


async def _run(call: Awaitable[T], success: Callable[[T], Any]) -> Any:
    try:
        return success(await call)
    except ServiceProblem as problem:
        return user_error_from(problem)


def _value(trigger: CertificateTrigger | None) -> str | None:
    return trigger.value if trigger is not None else None


@strawberry.type
class CertificateMutation:
    @strawberry.mutation(description="Define a certificate: its texts, its issuer, and what issues it by itself.")
    async def create_certificate_template(
        self, info: Info[Context, None], input: CreateCertificateTemplateInput
    ) -> CertificateTemplatePayload:
        body = {
            "name": input.name,
            "achievement_name": input.achievement_name,
            "description": input.description,
            "issuer_name": input.issuer_name,
            "trigger_kind": _value(input.trigger_kind),
            "trigger_ref": str(input.trigger_ref) if input.trigger_ref is not None else None,
        }
        call = info.context.gamification.create_certificate_template(
            str(input.community_id), body, idempotency_key=input.idempotency_key
        )
        return await _run(call, lambda dto: CertificateTemplateSuccess(template=CertificateTemplate.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Change or disable a template; certificates already issued keep their texts.")
    async def update_certificate_template(
        self, info: Info[Context, None], input: UpdateCertificateTemplateInput
    ) -> CertificateTemplatePayload:
        given = {
            "name": input.name,
            "achievement_name": input.achievement_name,
            "description": input.description,
            "issuer_name": input.issuer_name,
            "trigger_kind": _value(input.trigger_kind),
            "trigger_ref": str(input.trigger_ref) if input.trigger_ref is not None else None,
            "enabled": input.enabled,
        }
        changes = {k: v for k, v in given.items() if v is not None}
        call = info.context.gamification.change_certificate_template(
            str(input.community_id), str(input.template_id), changes
        )
        return await _run(call, lambda dto: CertificateTemplateSuccess(template=CertificateTemplate.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Issue a certificate by hand, signed and verifiable at once.")
    async def issue_certificate(self, info: Info[Context, None], input: IssueCertificateInput) -> CertificatePayload:
        body = {
            "template_id": str(input.template_id),
            "member_id": str(input.member_id),
            "recipient_name": input.recipient_name,
        }
        cid = str(input.community_id)
        call = for_known_member(
            info.context,
            cid,
            str(input.member_id),
            lambda: info.context.gamification.issue_certificate(cid, body, idempotency_key=input.idempotency_key),
        )
        return await _run(call, lambda dto: CertificateSuccess(certificate=Certificate.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Revoke a certificate with a reason; its public page says so from now on.")
    async def revoke_certificate(self, info: Info[Context, None], input: RevokeCertificateInput) -> CertificatePayload:
        call = info.context.gamification.revoke_certificate(
            str(input.community_id), str(input.certificate_id), input.reason
        )
        return await _run(call, lambda dto: CertificateSuccess(certificate=Certificate.from_dto(dto)))  # type: ignore[no-any-return]
