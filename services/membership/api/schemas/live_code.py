"""Live codes and newcomers as the service takes them: the contract's fields, held to the domain's rules for names,
routes and attributes."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from contracts.membership import live_code as contract
from contracts.membership.live_code import RouteIn
from services.membership.domain import live_code as rules
from services.membership.domain import member as member_rules
from services.membership.domain.community import clean_name


class LiveCodeCreate(contract.LiveCodeCreate):
    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return clean_name(value)

    @field_validator("routes")
    @classmethod
    def _routes(cls, value: list[RouteIn]) -> list[RouteIn]:
        cleaned = rules.clean_routes([route.model_dump() for route in value])
        return [RouteIn.model_validate(route) for route in cleaned]


class NewcomerIn(contract.NewcomerIn):
    __doc__ = contract.NewcomerIn.__doc__  # the OpenAPI component's description

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return member_rules.clean_attributes(value)
