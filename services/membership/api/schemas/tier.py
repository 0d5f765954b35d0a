"""Tiers as the service takes them: the contract's fields, held to the domain's rules for names, keys, currencies,
benefits and a consistent price and period."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, field_validator, model_validator

from contracts.membership import tier as contract
from services.membership.domain import money
from services.membership.domain import tier as rules
from services.membership.domain.community import clean_name


class TierFields(BaseModel):
    """The rules a create and an update share; a field an update leaves out is never validated."""

    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else clean_name(value)

    @field_validator("currency", check_fields=False)
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return None if value is None else money.clean_currency(value)

    @field_validator("benefits", check_fields=False)
    @classmethod
    def _benefits(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else rules.clean_benefits(value)


class TierCreate(TierFields, contract.TierCreate):
    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        return rules.clean_key(value)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        rules.check_period(self.period, self.period_days)
        rules.check_price(self.price_amount, self.currency)
        return self


class TierUpdate(TierFields, contract.TierUpdate):
    __doc__ = contract.TierUpdate.__doc__  # the OpenAPI component's description
