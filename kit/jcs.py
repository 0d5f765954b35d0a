"""JSON Canonicalization Scheme (RFC 8785): the one byte string a JSON value signs as.

Members are sorted by the UTF-16 code units of their names, strings escape only what JSON requires,
numbers print as ECMAScript's ``Number.prototype.toString`` does, and there is no whitespace. Integers
outside IEEE 754's exact range (±2**53) are refused rather than silently rounded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

MAX_EXACT_INTEGER = 2**53

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class NotCanonicalizable(ValueError):
    """A value JSON cannot carry the same way everywhere (NaN, infinities, huge integers, other types)."""


def canonicalize(value: Any) -> bytes:
    """The canonical UTF-8 bytes of ``value`` (dicts, lists, str, int, float, bool, None)."""
    return _serialize(value).encode("utf-8")


def _serialize(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        if abs(value) > MAX_EXACT_INTEGER:
            raise NotCanonicalizable(f"integer {value} is beyond what an IEEE 754 double holds exactly")
        return str(value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise NotCanonicalizable(f"object member names are strings, not {type(key).__name__}")
        members = sorted(value.items(), key=lambda item: item[0].encode("utf-16-be"))
        return "{" + ",".join(f"{_string(k)}:{_serialize(v)}" for k, v in members) + "}"
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return "[" + ",".join(_serialize(v) for v in value) + "]"
    raise NotCanonicalizable(f"{type(value).__name__} is not a JSON value")


def _string(text: str) -> str:
    out = ['"']
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char < " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def number(value: float) -> str:
    """ECMAScript's shortest round-tripping form of a double (ECMA-262 Number::toString)."""
    if math.isnan(value) or math.isinf(value):
        raise NotCanonicalizable("NaN and infinities are not JSON numbers")
    if value == 0:
        return "0"  # -0 too
    sign = "-" if value < 0 else ""
    # repr is the shortest string that reads back as the same double: its digits are ECMAScript's digits.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    # value = 0.digits * 10**n
    n = len("".join(map(str, digit_tuple))) + exponent
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text
