"""The schema's own scalars.

``Int64``: money in minor units and points, which outgrow GraphQL's 32-bit ``Int`` (ADR 0029).
Serialized as a JSON number, exactly. Read from a number or from its decimal digits as a string (a JavaScript
client cannot write a number past 2**53 exactly). The bound is the service's: past ±2**63 a mutation answers
``InvalidInputError`` naming the field, like any other value the service refuses.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode, value_from_ast_untyped
from strawberry.types.scalar import ScalarDefinition

_WHOLE = re.compile(r"-?[0-9]{1,40}")  # past 2**63 already; longer strings are refused here


def _serialize(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Int64 cannot represent {value!r}")
    return value


def _whole(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        return int(value)
    raise ValueError(f"Int64 cannot represent {value!r}: give a whole number, or its decimal digits in a string")


def _parse_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> int:
    if isinstance(node, IntValueNode | StringValueNode):
        return _whole(int(node.value) if isinstance(node, IntValueNode) else node.value)
    raise ValueError("Int64 cannot represent a non-integer value")


# Strawberry maps the NewType to the scalar through the schema's ``scalar_map`` (root.py); type checkers see an int.
if TYPE_CHECKING:
    Int64 = int
else:
    Int64 = NewType("Int64", int)

INT64 = strawberry.scalar(
    name="Int64",
    description=(
        "A whole number of minor units of money or of points, up to 64 bits: a JSON number, exact (past 2^53 "
        "read it with a parser that keeps big integers); as input also its decimal digits in a string."
    ),
    serialize=_serialize,
    parse_value=_whole,
    parse_literal=_parse_literal,
)


# ``ProfileValue``: what a profile attribute holds and a gate's criterion compares it with. Its shape is known (a
# string, a number, a boolean, or a list of them) but GraphQL has no input union, so it is a scalar of its own.
def _profile_value(value: object) -> object:
    if _profile_scalar(value) or (isinstance(value, list) and value and all(_profile_scalar(v) for v in value)):
        return value
    raise ValueError(f"ProfileValue cannot represent {value!r}: give a string, number or boolean, or a list of them")


def _profile_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _parse_profile_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> object:
    return _profile_value(value_from_ast_untyped(node, variables))


if TYPE_CHECKING:
    ProfileValue = str | int | float | bool | list[str | int | float | bool]
else:
    ProfileValue = NewType("ProfileValue", object)

PROFILE_VALUE = strawberry.scalar(
    name="ProfileValue",
    description=(
        'A profile attribute\'s value: a string, a number or a boolean, or a non-empty list of them (e.g. "Shanghai", '
        '3, ["Shanghai", "Hangzhou"]).'
    ),
    serialize=_profile_value,
    parse_value=_profile_value,
    parse_literal=_parse_profile_literal,
)
SCALARS: dict[object, ScalarDefinition] = {Int64: INT64, ProfileValue: PROFILE_VALUE}
