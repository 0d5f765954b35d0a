"""Gates and the ways in: a tier's gate, invitation codes, joins, applications and their decisions, payments and
referral codes."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.membership.member import IdentityIn, MemberRead
from kit.types import INT64_MAX

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{4,40}$")


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class GateSet(BaseModel):
    """The tier's whole gate; requirements are checked by ``domain.gate`` (kinds, fields, consistency)."""

    model_config = ConfigDict(extra="forbid")

    requirements: list[dict[str, Any]] = Field(max_length=6)
    acting_member_id: str | None = None


class InvitationCodeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier_id: str
    max_uses: int | None = Field(default=None, ge=1, le=1_000_000)
    expires_at: datetime | None = None
    code: str | None = Field(default=None, description="a code of your own; a random one when left out")
    note: str | None = Field(default=None, max_length=200)
    acting_member_id: str | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        if value is not None and not CODE_PATTERN.fullmatch(value.strip()):
            raise ValueError("must be 4-40 letters, digits, _ or -")
        return value

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must carry a time zone offset (e.g. 2025-01-01T00:00:00Z)")
        return value


class ActingMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    acting_member_id: str | None = None


class InvitationCodeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    tier_id: str
    code: str
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    revoked_at: datetime | None
    note: str | None
    created_by: str
    created_at: datetime


class PersonIn(BaseModel):
    """Someone new to the community."""

    model_config = ConfigDict(extra="forbid")

    display_name: str
    external_ref: str | None = Field(default=None, max_length=200)
    attributes: dict[str, Any] = Field(default_factory=dict)
    identities: list[IdentityIn] = Field(default_factory=list, max_length=10)


class JoinCreate(BaseModel):
    """A person asks to enter ``tier_id``; give ``member_id`` (known) or ``person`` (new), and the gate's inputs."""

    model_config = ConfigDict(extra="forbid")

    tier_id: str
    member_id: str | None = None
    person: PersonIn | None = None
    invitation_code: str | None = Field(default=None, max_length=40)
    answers: dict[str, str] = Field(default_factory=dict, max_length=20)
    referral_code: str | None = Field(default=None, max_length=40)


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    member_id: str
    tier_id: str
    answers: dict[str, Any]
    status: ApplicationStatus
    submitted_at: datetime
    decided_at: datetime | None
    reviewer: str | None
    reason: str | None


class JoinRead(BaseModel):
    """Where the person stands now: ``member.membership.status`` is active, probation, applied or pending_payment."""

    status: str
    member: MemberRead
    application: ApplicationRead | None


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Decision
    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None


class DecisionRead(BaseModel):
    application: ApplicationRead
    member: MemberRead


class PaymentCreate(BaseModel):
    """The integrator confirms a payment it received; send an ``Idempotency-Key`` header with it."""

    model_config = ConfigDict(extra="forbid")

    member_id: str
    tier_id: str | None = Field(default=None, description="the tier paid for; the member's current tier if left out")
    amount: int = Field(ge=1, le=INT64_MAX, description="in minor units (fen, cents)")
    currency: str
    provider: str = Field(min_length=1, max_length=40, description="e.g. wechat_pay, alipay, stripe")
    provider_ref: str = Field(min_length=1, max_length=200, description="the provider's id of this payment")


class PaymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    member_id: str
    tier_id: str
    amount: int
    currency: str
    provider: str
    provider_ref: str
    kind: Literal["join", "renewal", "upgrade"]
    paid_until: datetime | None
    recorded_at: datetime


class PaymentResultRead(BaseModel):
    payment: PaymentRead
    duplicate: bool
    member: MemberRead


class AmountRead(BaseModel):
    amount: int = Field(description="minor units")
    currency: str


class ReferralCodeRead(BaseModel):
    member_id: str
    code: str
    created_at: datetime
    joins: int = Field(description="members who joined with the code")
    conversions: int = Field(description="of them, those who then paid for a priced tier")
    converted_amounts: list[AmountRead] = Field(description="what the converting payments came to, by currency")
