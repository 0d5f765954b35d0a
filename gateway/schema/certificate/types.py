"""GraphQL types of certificate templates and certificates."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast

import strawberry
from strawberry.scalars import JSON

from contracts.gamification.certificate import CertificateRead, TemplateRead


@strawberry.enum(description="What issues a template's certificates by itself.")
class CertificateTrigger(Enum):
    MANUAL = strawberry.enum_value("manual", description="Only by hand, with `issueCertificate`.")
    CHALLENGE = strawberry.enum_value(
        "challenge", description="When a member completes the challenge `triggerRef` names."
    )
    BADGE = strawberry.enum_value("badge", description="When a member is awarded the badge `triggerRef` names.")
    COURSE = strawberry.enum_value("course", description="When a member completes the course `triggerRef` names.")


@strawberry.type(
    description="What a certificate says and who issues it; `triggerRef` is the challenge, badge or course."
)
class CertificateTemplate:
    id: strawberry.ID
    name: str = strawberry.field(description="The operator's name for the template, 1 to 100 characters.")
    achievement_name: str = strawberry.field(description="What its certificates say was achieved.")
    description: str = strawberry.field(
        description="A longer text about the achievement, in the credential as its criteria; may be empty."
    )
    issuer_name: str = strawberry.field(description="Who its certificates say issued them.")
    trigger_kind: CertificateTrigger = strawberry.field(
        description="What issues its certificates by itself; MANUAL: only by hand."
    )
    trigger_ref: strawberry.ID | None = strawberry.field(
        description="The challenge, badge or course whose completion issues it; null for MANUAL."
    )
    enabled: bool = strawberry.field(description="false: no certificate is issued from it, by hand or by trigger.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_dto(cls, dto: TemplateRead) -> CertificateTemplate:
        return cls(
            id=strawberry.ID(dto.id),
            name=dto.name,
            achievement_name=dto.achievement_name,
            description=dto.description,
            issuer_name=dto.issuer_name,
            trigger_kind=CertificateTrigger(dto.trigger_kind),
            trigger_ref=strawberry.ID(dto.trigger_ref) if dto.trigger_ref else None,
            enabled=dto.enabled,
            created_at=dto.created_at,
            updated_at=dto.updated_at,
        )


@strawberry.type(description="An issued certificate: anyone can verify it at `url`, no login needed.")
class Certificate:
    id: strawberry.ID
    serial: str = strawberry.field(
        description="What people read out to verify it, e.g. 7K3M-Q9XD-2B4R-HT6W; its last character is a check."
    )
    template_id: strawberry.ID = strawberry.field(description="The template it was issued from.")
    member_id: strawberry.ID = strawberry.field(description="The member who earned it.")
    recipient_name: str = strawberry.field(description="The name on the certificate.")
    achievement_name: str = strawberry.field(description="What it says was achieved, as its template said then.")
    issuer_name: str = strawberry.field(description="Who it says issued it, as its template said then.")
    source: str = strawberry.field(
        description="What issued it: challenge:<enrollment>, badge:<award>, course:<course>:<member> or manual:<key>"
    )
    issued_at: datetime = strawberry.field(description="When it was issued: the credential's validFrom.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked; null: not revoked.")
    revocation_reason: str | None = strawberry.field(
        description="Why it was revoked, shown on its public page; null: not revoked."
    )
    url: str = strawberry.field(description="The public verification page; add .json, .png or .pdf")
    credential: JSON = strawberry.field(
        description=(
            "The W3C Verifiable Credential (an Open Badges 3.0 OpenBadgeCredential) with an eddsa-rdfc-2022 proof "
            "by the issuer's did:key; its credentialStatus entry says whether it is revoked."
        )
    )

    @classmethod
    def from_dto(cls, dto: CertificateRead) -> Certificate:
        return cls(
            id=strawberry.ID(dto.id),
            serial=dto.serial,
            template_id=strawberry.ID(dto.template_id),
            member_id=strawberry.ID(dto.member_id),
            recipient_name=dto.recipient_name,
            achievement_name=dto.achievement_name,
            issuer_name=dto.issuer_name,
            source=dto.source,
            issued_at=dto.issued_at,
            revoked_at=dto.revoked_at,
            revocation_reason=dto.revocation_reason,
            url=dto.url,
            credential=cast(JSON, dto.credential),
        )
