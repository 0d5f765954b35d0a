"""Rules of live codes: routes, which groups may take a newcomer, and whether a group has room."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from services.membership.domain.member import ATTRIBUTE_KEY_MAX_LENGTH

MAX_ROUTES = 50
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: people type these from posters
CODE_LENGTH = 12


def new_code() -> str:
    """The public part of a join link: 12 characters, about 59 bits, not guessable."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_routes(routes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Groups in order of preference, each once, each with an optional attribute filter ``when``."""
    if not routes:
        raise ValueError("a live code needs at least one group")
    if len(routes) > MAX_ROUTES:
        raise ValueError(f"at most {MAX_ROUTES} groups")
    seen: set[str] = set()
    cleaned = []
    for route in routes:
        group_id = str(route["group_id"])
        if group_id in seen:
            raise ValueError(f"group {group_id} is listed twice")
        seen.add(group_id)
        cleaned.append({"group_id": group_id, "when": clean_when(route.get("when") or {})})
    return cleaned


def clean_when(when: Mapping[str, Any]) -> dict[str, Any]:
    for name, value in when.items():
        if not name or len(name) > ATTRIBUTE_KEY_MAX_LENGTH or not name.replace("_", "").isalnum():
            raise ValueError(f"attribute name {name!r} must be 1-{ATTRIBUTE_KEY_MAX_LENGTH} letters, digits or _")
        if not isinstance(value, str | int | float | bool):
            raise ValueError(f"attribute {name!r} must be matched against text, a number or true/false")
    return dict(when)


def matches(when: Mapping[str, Any], attributes: Mapping[str, Any]) -> bool:
    """Every attribute in ``when`` equals the newcomer's (or is among their tags, for a list)."""
    for name, wanted in when.items():
        have = attributes.get(name)
        if isinstance(have, list):
            if wanted not in have:
                return False
        elif have != wanted:
            return False
    return True


def admits(group_tier_ids: Sequence[str], tier_id: str | None) -> bool:
    """A group with no tier list admits anyone; otherwise only the tiers it lists."""
    return not group_tier_ids or (tier_id is not None and tier_id in group_tier_ids)


def has_room(capacity: int | None, member_count: int, holds: int) -> bool:
    """Members already in the group plus newcomers routed there and still on their way."""
    return capacity is None or member_count + holds < capacity
