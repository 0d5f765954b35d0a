"""Request and response bodies for certificate templates and certificates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kit.pagination import PageOut


class TemplateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="The operator's name for the template")
    achievement_name: str = Field(min_length=1, max_length=200, description="What the certificate says was achieved")
    description: str = Field(default="", max_length=2000)
    issuer_name: str = Field(min_length=1, max_length=200)
    trigger_kind: str = Field(default="manual", description="manual, challenge, badge or course")
    trigger_ref: str | None = Field(default=None, max_length=40, description="The challenge, badge or course id")


class TemplateUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    achievement_name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    issuer_name: str | None = Field(default=None, min_length=1, max_length=200)
    trigger_kind: str | None = None
    trigger_ref: str | None = Field(default=None, max_length=40)
    enabled: bool | None = None

    def changes(self) -> dict[str, Any]:
        """The keys given; ``trigger_ref`` may be given as null to clear it."""
        given = self.model_dump(exclude_unset=True)
        return {k: v for k, v in given.items() if v is not None or k == "trigger_ref"}


class TemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    achievement_name: str
    description: str
    issuer_name: str
    trigger_kind: str
    trigger_ref: str | None
    enabled: bool
    created_at: datetime
    updated_at: datetime


class CertificateIssue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template_id: str = Field(min_length=1, max_length=40)
    member_id: str = Field(min_length=1, max_length=40)
    recipient_name: str | None = Field(
        default=None, min_length=1, max_length=100, description="Defaults to the member's display name"
    )


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class CertificateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    serial: str
    community_id: str
    template_id: str
    member_id: str
    recipient_name: str
    achievement_name: str
    issuer_name: str
    source: str
    issued_at: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    url: str = ""
    credential: dict[str, Any]


CertificatePage = PageOut[CertificateRead]


class IssuerKey(BaseModel):
    id: str = Field(description="The did:key verification method")
    type: str = "Multikey"
    public_key_multibase: str
    current: bool


class IssuerKeys(BaseModel):
    keys: list[IssuerKey]
