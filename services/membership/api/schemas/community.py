"""Communities and test clock advances as the service takes them: the contract's fields, held to the domain's rules
for names, time zones, texts and durations."""

from __future__ import annotations

from pydantic import field_validator

from contracts.membership import community as contract
from services.membership.domain import community as rules
from services.membership.domain import test_clock


class CommunityCreate(contract.CommunityCreate):
    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return rules.clean_name(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return rules.clean_timezone(value)

    @field_validator("mission")
    @classmethod
    def _mission(cls, value: str | None) -> str | None:
        return rules.clean_text(value, max_length=rules.MISSION_MAX_LENGTH)

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: str | None) -> str | None:
        return rules.clean_text(value, max_length=rules.RULES_MAX_LENGTH)


class CommunityUpdate(contract.CommunityUpdate):
    __doc__ = contract.CommunityUpdate.__doc__  # the OpenAPI component's description

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("must not be null")
        return rules.clean_name(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("must not be null")
        return rules.clean_timezone(value)

    @field_validator("mission")
    @classmethod
    def _mission(cls, value: str | None) -> str | None:
        return rules.clean_text(value, max_length=rules.MISSION_MAX_LENGTH)

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: str | None) -> str | None:
        return rules.clean_text(value, max_length=rules.RULES_MAX_LENGTH)


class TestClockAdvance(contract.TestClockAdvance):
    __doc__ = contract.TestClockAdvance.__doc__
    __test__ = False  # not a pytest class, whatever its name

    @field_validator("by")
    @classmethod
    def _by(cls, value: str | None) -> str | None:
        if value is not None:
            test_clock.parse_duration(value)
        return value

    @field_validator("step")
    @classmethod
    def _step(cls, value: str) -> str:
        test_clock.clean_step(value)
        return value
