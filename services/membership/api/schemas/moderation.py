"""Strikes and bans as the service takes them: the contract's fields, the rule and the platform held to the domain's
rules."""

from __future__ import annotations

from pydantic import field_validator

from contracts.membership import moderation as contract
from services.membership.domain import moderation as rules
from services.membership.domain.member import clean_platform


class StrikeCreate(contract.StrikeCreate):
    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str) -> str:
        return rules.clean_rule(value)


class BanTarget(contract.BanTarget):
    __doc__ = contract.BanTarget.__doc__  # the OpenAPI component's description

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str | None) -> str | None:
        return None if value is None else clean_platform(value)
