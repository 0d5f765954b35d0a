"""Certificates (奖状/证书): templates, issued certificates with their signed credential, members' names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class CertificateTemplate(GamificationModel, table=True):
    """What a certificate says, who issues it, and what issues it automatically (``trigger_kind``)."""

    __tablename__ = "certificate_template"
    __table_args__ = (
        UniqueConstraint("community_id", "name"),
        Index("ix_certificate_template_trigger", "community_id", "trigger_kind", "trigger_ref"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    name: str = Field(max_length=100)
    achievement_name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    issuer_name: str = Field(max_length=200)
    trigger_kind: str = Field(default="manual", max_length=20)  # manual | challenge | badge | course
    trigger_ref: str | None = Field(default=None, max_length=40)  # the challenge, badge or course id
    enabled: bool = True
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    updated_at: dt.datetime = Field(sa_type=UtcDateTime)


class Certificate(GamificationModel, table=True):
    """One issued certificate. Its texts are kept as issued: editing the template later changes nothing here.
    ``source`` (``challenge:<enrollment>``, ``badge:<award>``, ``manual:<key>``) issues at most once."""

    __table_args__ = (
        UniqueConstraint("serial"),
        UniqueConstraint("community_id", "template_id", "member_id", "source"),
        UniqueConstraint("community_id", "status_index"),
        Index("ix_certificate_member", "community_id", "member_id", "id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    serial: str = Field(max_length=24)
    community_id: str = Field(max_length=40)
    template_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    recipient_name: str = Field(max_length=100)
    achievement_name: str = Field(max_length=200)
    issuer_name: str = Field(max_length=200)
    source: str = Field(max_length=200)
    issued_at: dt.datetime = Field(sa_type=UtcDateTime)
    # The signed OpenBadgeCredential, exactly as signed.
    credential: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    revocation_reason: str | None = Field(default=None, max_length=500)
    # Its bit in the community's Bitstring Status List (random, for herd privacy); None until re-signed for
    # certificates issued before status lists.
    status_index: int | None = None


class MemberName(GamificationModel, table=True):
    """A member's display name as membership last announced it: certificates are issued in it."""

    __tablename__ = "member_name"

    community_id: str = Field(primary_key=True, max_length=40)
    member_id: str = Field(primary_key=True, max_length=40)
    display_name: str = Field(max_length=100)
    updated_at: dt.datetime = Field(sa_type=UtcDateTime)
