"""Rules of a community's own fields."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from kit.schema_rules import IANA_TIME_ZONE, NON_BLANK, publishes

NAME_MAX_LENGTH = 100
MISSION_MAX_LENGTH = 2_000
RULES_MAX_LENGTH = 20_000


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@publishes({**NON_BLANK, "maxLength": NAME_MAX_LENGTH})
def clean_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValueError("must not be empty")
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(f"must be at most {NAME_MAX_LENGTH} characters")
    return name


@publishes(IANA_TIME_ZONE)
def clean_timezone(value: str) -> str:
    """An IANA time zone name such as ``Asia/Shanghai``; "a day" in this community is a day there."""
    key = value.strip()
    if key not in _known_timezones():
        raise ValueError(f"{value!r} is not an IANA time zone name (for example Asia/Shanghai or Europe/Berlin)")
    try:
        ZoneInfo(key)
    except ZoneInfoNotFoundError:
        raise ValueError(f"{value!r} is not an IANA time zone name") from None
    return key


@publishes(lambda max_length: {"maxLength": max_length})
def clean_text(value: str | None, *, max_length: int) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > max_length:
        raise ValueError(f"must be at most {max_length} characters")
    return text or None
