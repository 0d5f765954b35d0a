"""Groups as the service takes them: the contract's fields, held to the domain's rules for names, platforms, chat
ids and tier lists."""

from __future__ import annotations

from pydantic import BaseModel, field_validator

from contracts.membership import group as contract
from services.membership.domain import group as rules
from services.membership.domain.community import clean_name
from services.membership.domain.member import clean_platform


class GroupFields(BaseModel):
    """The rules a create and an update share; a field an update leaves out is never validated."""

    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("must not be null")
        return clean_name(value)

    @field_validator("platform", check_fields=False)
    @classmethod
    def _platform(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("must not be null")
        return clean_platform(value)

    @field_validator("platform_chat_id", check_fields=False)
    @classmethod
    def _chat_id(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("must not be null")
        return rules.clean_platform_chat_id(value)

    @field_validator("tier_ids", check_fields=False)
    @classmethod
    def _tier_ids(cls, value: list[str] | None) -> list[str]:
        if value is None:
            raise ValueError("must not be null; an empty list lets any member in")
        return rules.clean_tier_ids(value)


class GroupCreate(GroupFields, contract.GroupCreate):
    pass


class GroupUpdate(GroupFields, contract.GroupUpdate):
    __doc__ = contract.GroupUpdate.__doc__  # the OpenAPI component's description
