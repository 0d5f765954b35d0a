"""The entitlement check as the service takes it: the contract's fields, each key cleaned by the domain's rule."""

from __future__ import annotations

from pydantic import field_validator

from contracts.membership import entitlement as contract
from services.membership.domain import entitlement as rules


class EntitlementCheck(contract.EntitlementCheck):
    __doc__ = contract.EntitlementCheck.__doc__  # the OpenAPI component's description

    @field_validator("keys")
    @classmethod
    def _keys(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(rules.clean_key(key) for key in value))
