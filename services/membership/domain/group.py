"""Rules of groups: the chat rooms of a community."""

from __future__ import annotations

from kit.schema_rules import NON_BLANK, publishes

PLATFORM_CHAT_ID_MAX_LENGTH = 200


@publishes({**NON_BLANK, "maxLength": PLATFORM_CHAT_ID_MAX_LENGTH})
def clean_platform_chat_id(value: str) -> str:
    chat_id = value.strip()
    if not chat_id:
        raise ValueError("must not be empty")
    if len(chat_id) > PLATFORM_CHAT_ID_MAX_LENGTH:
        raise ValueError(f"must be at most {PLATFORM_CHAT_ID_MAX_LENGTH} characters")
    return chat_id


def clean_tier_ids(values: list[str]) -> list[str]:
    """The tiers whose members belong in the group; empty means any member. Order and repeats don't matter."""
    if any(not value.strip() for value in values):
        raise ValueError("must not contain empty ids")
    return sorted({value.strip() for value in values})


def has_room(member_count: int, capacity: int | None) -> bool:
    return capacity is None or member_count < capacity
