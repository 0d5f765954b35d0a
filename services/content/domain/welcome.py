"""Welcome templates: the greeting a group sees when people join, batched when many join together."""

from __future__ import annotations

import string

PLACEHOLDERS = frozenset({"names", "community", "rules_link"})
DEFAULT_BATCH_WINDOW_SECONDS = 60
BODY_MAX_LENGTH = 2_000
BATCH_WINDOW_MAX_SECONDS = 3_600  # longer, and the greeting arrives after the newcomer has moved on


def default_body(community_name: str) -> str:
    # Community names are plain text: braces in them must not turn into placeholders.
    safe_name = community_name.replace("{", "{{").replace("}", "}}")
    return f"Welcome {{names}} to {safe_name}! Say hello and tell us what brought you here."


def placeholders_in(body: str) -> set[str]:
    """Names of the ``{placeholders}``; raises ValueError for anything but a plain ``{name}``."""
    names: set[str] = set()
    for _, name, spec, conversion in string.Formatter().parse(body):
        if name is None:
            continue
        if not name:
            raise ValueError("placeholders need a name, like {names}")
        if spec or conversion:
            # Format specs can nest fields and pad to any width: "{names:>999999999}" renders a gigabyte.
            raise ValueError(f"placeholder {{{name}}} must not carry a format spec or conversion")
        names.add(name)
    return names


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


def validate_batch_window(seconds: int) -> str | None:
    if not 0 <= seconds <= BATCH_WINDOW_MAX_SECONDS:
        return f"must be between 0 and {BATCH_WINDOW_MAX_SECONDS} seconds"
    return None


def for_group(
    body: str, batch_window_seconds: int, *, override_body: str | None, override_window: int | None
) -> tuple[str, int]:
    """The greeting and batch window one group uses: its own where it has them, else the community's."""
    return (override_body or body, batch_window_seconds if override_window is None else override_window)
