"""Rules of a member's own fields: names, platform identities, profile attributes."""

from __future__ import annotations

from typing import Any

from kit.schema_rules import NON_BLANK, publishes

PLATFORMS = frozenset({"telegram", "slack", "discord", "feishu", "wecom", "dingtalk", "generic"})
DISPLAY_NAME_MAX_LENGTH = 100
MAX_ATTRIBUTES = 50
ATTRIBUTE_KEY_MAX_LENGTH = 40
ATTRIBUTE_TEXT_MAX_LENGTH = 200


@publishes({**NON_BLANK, "maxLength": DISPLAY_NAME_MAX_LENGTH})
def clean_display_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValueError("must not be empty")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValueError(f"must be at most {DISPLAY_NAME_MAX_LENGTH} characters")
    return name


def clean_platform(value: str) -> str:
    platform = value.strip().lower()
    if platform not in PLATFORMS:
        raise ValueError(f"must be one of {', '.join(sorted(PLATFORMS))}")
    return platform


def clean_attributes(value: dict[str, Any]) -> dict[str, Any]:
    """Flat profile attributes: text, numbers, booleans, or lists of text (tags); gates compare them."""
    if len(value) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} attributes")
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        if not key or len(key) > ATTRIBUTE_KEY_MAX_LENGTH or not key.replace("_", "").isalnum():
            raise ValueError(f"attribute name {key!r} must be 1-{ATTRIBUTE_KEY_MAX_LENGTH} letters, digits or _")
        cleaned[key] = _clean_attribute(key, item)
    return cleaned


def _clean_attribute(key: str, item: Any) -> Any:
    if isinstance(item, bool | int | float):
        return item
    if isinstance(item, str):
        if len(item) > ATTRIBUTE_TEXT_MAX_LENGTH:
            raise ValueError(f"attribute {key!r} must be at most {ATTRIBUTE_TEXT_MAX_LENGTH} characters")
        return item.strip()
    if isinstance(item, list) and all(isinstance(tag, str) for tag in item):
        return sorted({tag.strip() for tag in item if tag.strip()})
    raise ValueError(f"attribute {key!r} must be text, a number, true/false or a list of text")
