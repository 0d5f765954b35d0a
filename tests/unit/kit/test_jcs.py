"""JCS (RFC 8785): the RFC's own examples, its number table, and the rules they follow."""

from __future__ import annotations

import json
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.jcs import NotCanonicalizable, canonicalize, number


def test_the_rfc_example_of_numbers_strings_and_literals() -> None:
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )

    assert (
        canonicalize(json.loads(source))
        == (
            '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
        ).encode()
    )


def test_members_sort_by_utf16_code_units_not_code_points() -> None:
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }

    keys = list(json.loads(canonicalize(value)))

    # The emoji's surrogate pair (0xD83D…) sorts before U+FB33 although its code point is larger.
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("bits", "expected"),
    [
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"),
    ],
)
def test_numbers_print_as_ecmascript_does(bits: str, expected: str) -> None:
    (value,) = struct.unpack(">d", bytes.fromhex(bits))

    assert number(value) == expected


def test_strings_escape_only_what_json_requires() -> None:
    assert canonicalize("a\u001fb\u007f张/\t") == '"a\\u001fb\u007f张/\\t"'.encode()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 2**53 + 1, {1: "x"}, b"bytes"])
def test_values_json_cannot_carry_faithfully_are_refused(bad: object) -> None:
    with pytest.raises(NotCanonicalizable):
        canonicalize(bad)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_double_reads_back_as_itself(value: float) -> None:
    assert float(number(value)) == value


def test_nested_values_have_no_whitespace_and_integers_stay_integers() -> None:
    assert canonicalize({"b": [1, {"d": 2.5, "c": None}], "a": -3}) == b'{"a":-3,"b":[1,{"c":null,"d":2.5}]}'
