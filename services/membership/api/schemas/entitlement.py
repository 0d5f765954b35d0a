"""Request and response bodies for entitlement checks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.membership.domain import entitlement as rules
from services.membership.domain.entitlement import Reason
from services.membership.usecases.entitlement import MAX_BATCH_KEYS, MAX_BATCH_MEMBERS


class EntitlementCheck(BaseModel):
    """Every key for every member: many keys for one member, one key for many members, or both."""

    model_config = ConfigDict(extra="forbid")

    member_ids: list[str] = Field(min_length=1, max_length=MAX_BATCH_MEMBERS)
    keys: list[str] = Field(min_length=1, max_length=MAX_BATCH_KEYS)

    @field_validator("member_ids")
    @classmethod
    def _member_ids(cls, value: list[str]) -> list[str]:
        if any(not item or len(item) > 40 for item in value):
            raise ValueError("each member id must be 1-40 characters")
        return list(dict.fromkeys(value))

    @field_validator("keys")
    @classmethod
    def _keys(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(rules.clean_key(key) for key in value))


class EntitlementRead(BaseModel):
    member_id: str
    key: str
    allowed: bool
    reason: Reason


class EntitlementResults(BaseModel):
    results: list[EntitlementRead]
