"""Attention probes: a drop into groups, and the claims with their latency."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class Probe(GamificationModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, index=True)
    keyword: str = Field(max_length=100)
    message: str = Field(max_length=1000)
    points_per_claim: int | None = Field(default=None, sa_type=BigInteger)
    max_claims: int
    claims: int = 0
    status: str = Field(default="open", max_length=20)  # open | closed
    dropped_at: dt.datetime = Field(sa_type=UtcDateTime)
    expires_at: dt.datetime = Field(sa_type=UtcDateTime)


class ProbeGroup(GamificationModel, table=True):
    """A group the probe was dropped into, with the members present then when the operator knew it."""

    __tablename__ = "probe_group"

    probe_id: str = Field(primary_key=True, max_length=40)
    group_id: str = Field(primary_key=True, max_length=40, index=True)
    community_id: str = Field(max_length=40)
    members_present: int | None = None


class ProbeClaim(GamificationModel, table=True):
    __tablename__ = "probe_claim"
    __table_args__ = (UniqueConstraint("probe_id", "member_id"),)

    id: str = Field(primary_key=True, max_length=40)
    probe_id: str = Field(max_length=40)
    community_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    group_id: str | None = Field(default=None, max_length=40)
    via: str = Field(max_length=10)  # chat | api
    latency_ms: int
    entry_id: str | None = Field(default=None, max_length=40)
    claimed_at: dt.datetime = Field(sa_type=UtcDateTime)
