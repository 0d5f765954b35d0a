"""The gateway's ``Int64`` (ADR 0029): every money and point field of the schema uses it, and it reads and writes
whole numbers exactly, refusing anything else."""

from __future__ import annotations

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLScalarType, get_named_type

from gateway.schema.root import create_schema

# Schema fields (and arguments) that carry money in minor units or points; every other integer stays ``Int``.
WIDE = {
    "amount", "balance", "bonus", "budgetLeft", "cost", "dailyBudget", "dailyCap", "earnedBack", "fee",
    "finisherShareMax", "finisherShareMin", "forfeited", "held", "lifetimePoints", "maxAmount", "memberOutcomeMax",
    "memberOutcomeMin", "minAmount", "paid", "payable", "points", "pointsPerClaim", "pool", "poolToFinishers",
    "priceAmount", "refunded", "score", "share", "stakeAmount", "staked", "stakes", "threshold", "unclaimed",
    "n",  # a badge criterion's count or lifetime points
}  # fmt: skip


def _integers() -> dict[str, str]:
    """``Type.field`` (and ``Type.field(argument)``) → the name of its integer type, across the schema."""
    schema = create_schema()._schema
    found: dict[str, str] = {}
    for type_ in schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(type_, GraphQLObjectType | GraphQLInputObjectType):
            continue
        for name, field in type_.fields.items():
            named = get_named_type(field.type)
            if named.name in ("Int", "Int64"):
                found[f"{type_.name}.{name}"] = named.name
            for argument, arg in getattr(field, "args", {}).items():
                if get_named_type(arg.type).name in ("Int", "Int64"):
                    found[f"{type_.name}.{name}({argument})"] = get_named_type(arg.type).name
    return found


def _wide(key: str) -> bool:
    name = key.split("(")[1].rstrip(")") if "(" in key else key.split(".")[1]
    return name in WIDE


def test_money_and_point_fields_are_int64_and_the_rest_int() -> None:
    integers = _integers()
    wrong = [f"{key}: {kind}" for key, kind in integers.items() if (kind == "Int64") != _wide(key)]
    assert any(kind == "Int64" for kind in integers.values())
    assert wrong == []


@pytest.fixture
def int64() -> GraphQLScalarType:
    scalar = create_schema()._schema.type_map["Int64"]
    assert isinstance(scalar, GraphQLScalarType)
    return scalar


def test_int64_is_exact_both_ways_and_reads_digits(int64: GraphQLScalarType) -> None:
    assert int64.serialize(2**63 - 1) == 2**63 - 1
    assert int64.parse_value(2**53 + 1) == 2**53 + 1
    assert int64.parse_value("-9223372036854775808") == -(2**63)


@pytest.mark.parametrize("value", [True, 1.5, "1e3", "12a", "", "1" * 41, None])
def test_int64_refuses_what_is_not_a_whole_number(int64: GraphQLScalarType, value: object) -> None:
    with pytest.raises(ValueError, match="Int64 cannot represent"):
        int64.parse_value(value)
