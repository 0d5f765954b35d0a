"""Welcome templates: the greeting a group sees when people join, batched when many join together."""

from __future__ import annotations

import string

PLACEHOLDERS = frozenset({"names", "community", "rules_link"})
DEFAULT_BATCH_WINDOW_SECONDS = 60
BODY_MAX_LENGTH = 2_000


def default_body(community_name: str) -> str:
    # Community names are plain text: braces in them must not turn into placeholders.
    safe_name = community_name.replace("{", "{{").replace("}", "}}")
    return f"Welcome {{names}} to {safe_name}! Say hello and tell us what brought you here."


def placeholders_in(body: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(body) if name}


def validate_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise ValueError("must not be empty")
    if len(text) > BODY_MAX_LENGTH:
        raise ValueError(f"must be at most {BODY_MAX_LENGTH} characters")
    try:
        unknown = placeholders_in(text) - PLACEHOLDERS
    except ValueError as error:
        raise ValueError(f"is not a valid template: {error}") from None
    if unknown:
        raise ValueError(f"unknown placeholders {sorted(unknown)}; use {sorted(PLACEHOLDERS)}")
    return text


def render(body: str, *, names: list[str], community: str, rules_link: str = "") -> str:
    """The greeting for everyone who joined in one batch window."""
    return body.format(names=", ".join(names), community=community, rules_link=rules_link)
