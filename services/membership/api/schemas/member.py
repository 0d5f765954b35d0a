"""Members as the service takes them: the contract's fields, held to the domain's rules for names, attributes and
platforms."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from contracts.membership import member as contract
from services.membership.domain import member as rules


class IdentityIn(contract.IdentityIn):
    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        return rules.clean_platform(value)


class MemberCreate(contract.MemberCreate):
    __doc__ = contract.MemberCreate.__doc__  # the OpenAPI component's description

    # Restated only to nest the identity held to the platform rule (the list of a subclass: mypy's invariance).
    identities: list[IdentityIn] = Field(default_factory=list, max_length=10)  # type: ignore[assignment]

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str) -> str:
        return rules.clean_display_name(value)

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return rules.clean_attributes(value)
