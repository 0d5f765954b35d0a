"""Looking ahead at what a query selects, so loaders for child fields can start with their parent's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def selected_names(selections: Iterable[Selection]) -> set[str]:
    """Names of the fields selected directly below, through fragments too (GraphQL names, camelCase)."""
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        elif isinstance(selection, FragmentSpread | InlineFragment):
            names |= selected_names(selection.selections)
    return names


def prefetch(future: Any) -> None:
    """Start a load whose result a child resolver will await; if no one awaits it, its error is dropped."""
    future.add_done_callback(lambda done: done.cancelled() or done.exception())
