"""Joins and payments as the service takes them: the contract's fields, held to the domain's rules for a new
person's name and attributes and a payment's currency."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from contracts.membership import gate as contract
from services.membership.api.schemas.member import IdentityIn
from services.membership.domain import member as member_rules
from services.membership.domain import money


class PersonIn(contract.PersonIn):
    __doc__ = contract.PersonIn.__doc__  # the OpenAPI component's description

    # Restated only to nest the identity held to the platform rule (the list of a subclass: mypy's invariance).
    identities: list[IdentityIn] = Field(default_factory=list, max_length=10)  # type: ignore[assignment]

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str) -> str:
        return member_rules.clean_display_name(value)

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return member_rules.clean_attributes(value)


class JoinCreate(contract.JoinCreate):
    __doc__ = contract.JoinCreate.__doc__

    # Restated only to nest the person held to the domain's rules.
    person: PersonIn | None = None


class PaymentCreate(contract.PaymentCreate):
    __doc__ = contract.PaymentCreate.__doc__

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return money.clean_currency(value)
