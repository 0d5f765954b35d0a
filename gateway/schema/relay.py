"""Relay connection pieces shared by every area's connections."""

from __future__ import annotations

import strawberry

from kit.pagination import encode_cursor


@strawberry.type(description="Where the next page starts; `endCursor` goes into `after`.")
class PageInfo:
    end_cursor: str | None
    has_next_page: bool

    @classmethod
    def of(cls, next_cursor: str | None) -> PageInfo:
        return cls(end_cursor=next_cursor, has_next_page=next_cursor is not None)


def cursor_of(node_id: str) -> str:
    """An edge's cursor: every membership list pages by id, so it is the id the service would hand back."""
    return encode_cursor(str(node_id))
