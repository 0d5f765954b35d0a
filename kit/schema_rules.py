"""What a cleaning function enforces, said as JSON Schema, so that the OpenAPI document of every field it cleans
says it too (ADR 0025).

A request model checks a field by calling a rule of its domain in a validator (``clean_name``,
``clean_timezone``); the validator is invisible to the document. Marking the rule with ``@publishes(...)``
puts what it enforces next to its code, and ``kit.openapi`` adds it to each field whose validator calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "__published_schema__"

# Not empty once trimmed: at least one character that is not white space.
NON_BLANK: Mapping[str, Any] = {"minLength": 1, "pattern": r"\S"}
# A name of the IANA time zone database as Python's zoneinfo knows it; the list is too long for an enum.
IANA_TIME_ZONE: Mapping[str, Any] = {
    "format": "iana-time-zone",
    "examples": ["Asia/Shanghai", "Europe/Berlin", "UTC"],
    "x-format-description": "a name of the IANA time zone database, such as Asia/Shanghai",
}

Published = Mapping[str, Any] | Callable[..., Mapping[str, Any]]


def publishes(schema: Published) -> Callable[[F], F]:
    """Mark a cleaning function with the JSON Schema it enforces on a string: a mapping, or a function of the
    keyword arguments it is called with (``clean_text(value, max_length=...)``)."""

    def mark(function: F) -> F:
        setattr(function, ATTRIBUTE, schema)
        return function

    return mark


def published(function: object, keywords: Mapping[str, Any]) -> dict[str, Any] | None:
    """What ``function`` publishes when called with ``keywords``; None when it publishes nothing or the call's
    keywords can't be known from the source."""
    schema: Published | None = getattr(function, ATTRIBUTE, None)
    if schema is None:
        return None
    if callable(schema):
        try:
            return dict(schema(**keywords))
        except TypeError:
            return None
    return dict(schema)
