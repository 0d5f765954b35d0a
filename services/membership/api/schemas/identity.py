"""A link code's redemption as the service takes it: the contract's fields, the platform held to the domain's rule."""

from __future__ import annotations

from pydantic import field_validator

from contracts.membership import identity as contract
from services.membership.domain import member as rules


class LinkCodeRedeem(contract.LinkCodeRedeem):
    __doc__ = contract.LinkCodeRedeem.__doc__  # the OpenAPI component's description

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        return rules.clean_platform(value)
