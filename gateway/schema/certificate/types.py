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
    MANUAL = "manual"
    CHALLENGE = "challenge"
    BADGE = "badge"
    COURSE = "course"


@strawberry.type(
    description="What a certificate says and who issues it; `triggerRef` is the challenge, badge or course."
)
class CertificateTemplate:
    id: strawberry.ID
    name: str
    achievement_name: str
    description: str
    issuer_name: str
    trigger_kind: CertificateTrigger
    trigger_ref: strawberry.ID | None
    enabled: bool
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
    serial: str
    template_id: strawberry.ID
    member_id: strawberry.ID
    recipient_name: str
    achievement_name: str
    issuer_name: str
    source: str = strawberry.field(description="challenge:<enrollment>, badge:<award> or manual:<key>")
    issued_at: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    url: str = strawberry.field(description="The public verification page; add .json, .png or .pdf")
    credential: JSON = strawberry.field(description="The signed Open Badges 3.0 credential")

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
