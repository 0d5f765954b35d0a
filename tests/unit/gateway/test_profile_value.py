"""``ProfileValue`` takes what a profile attribute can hold, and nothing shaped otherwise."""

from __future__ import annotations

import pytest
from graphql import parse_value

from gateway.schema.scalars import PROFILE_VALUE


@pytest.mark.parametrize("value", ["Shanghai", 3, 2.5, True, ["Shanghai", "Hangzhou"], [1, "a"]])
def test_a_scalar_or_a_list_of_them_is_taken_as_it_is(value: object) -> None:
    assert PROFILE_VALUE.parse_value(value) == value  # type: ignore[misc]


@pytest.mark.parametrize("value", [{"region": "Shanghai"}, [], [["nested"]], None])
def test_an_object_an_empty_or_nested_list_is_refused_with_the_reason(value: object) -> None:
    with pytest.raises(ValueError, match="a string, number or boolean, or a list of them"):
        PROFILE_VALUE.parse_value(value)  # type: ignore[misc]


def test_a_literal_is_read_like_a_variable() -> None:
    assert PROFILE_VALUE.parse_literal(parse_value('["Shanghai", 3]'), None) == ["Shanghai", 3]  # type: ignore[misc]
    with pytest.raises(ValueError, match="ProfileValue cannot represent"):
        PROFILE_VALUE.parse_literal(parse_value('{region: "Shanghai"}'), None)  # type: ignore[misc]
