"""Relay cursor connections (https://relay.dev/graphql/connections.htm), written once: every paged list of the
schema is a ``Connection[Node]`` with the same fields (``edges { cursor node }``, ``nodes``, ``pageInfo``), and
every field that returns one takes ``first`` and ``after``. Services page forward by an opaque cursor; an edge's
cursor is the key the service would hand back after that node, so any edge can resume a list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Self, TypeVar

import strawberry
from graphql import GraphQLError

from kit.errors import InvalidInput
from kit.pagination import decode_cursor, encode_cursor

NodeT = TypeVar("NodeT")


@strawberry.type(description="Where this page sits in the list; pass `endCursor` as `after` to read the next page.")
class PageInfo:
    end_cursor: str | None = strawberry.field(description="The cursor of the last edge; null on an empty page.")
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    start_cursor: str | None = strawberry.field(
        default=None, description="The cursor of the first edge; null on an empty page."
    )
    has_previous_page: bool = strawberry.field(
        default=False, description="Whether items come before this page (true when it was read with `after`)."
    )

    @classmethod
    def of(cls, next_cursor: str | None) -> PageInfo:
        return cls(end_cursor=next_cursor, has_next_page=next_cursor is not None)


@strawberry.type(description="One item of a list and the cursor that points just past it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Pass as `after` to read the items that follow this one.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list: its edges, the same nodes without cursors, and where it sits.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items of this page, each with its cursor, in order.")
    page_info: PageInfo = strawberry.field(description="Where this page sits: its cursors, and whether more follow.")

    @strawberry.field(description="The nodes of `edges`, in order, for a caller that needs no cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(
        cls,
        nodes: Sequence[NodeT],
        *,
        next_cursor: str | None,
        after: str | None,
        key: Callable[[NodeT], str] = lambda node: str(node.id),  # type: ignore[attr-defined]
        **extra: Any,
    ) -> Self:
        """The page of ``nodes`` a service answered: ``next_cursor`` is its cursor past the page (None at the
        end), ``after`` the one this page was read with, ``key`` what the service pages ``nodes`` by."""
        edges = [Edge(cursor=encode_cursor(key(node)), node=node) for node in nodes]
        info = PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_next_page=next_cursor is not None,
            has_previous_page=after is not None,
        )
        return cls(edges=edges, page_info=info, **extra)


def key_after(after: str | None) -> str | None:
    """The node key an ``after`` cursor points at (an edge's cursor is its node's key), for a service or a query
    that pages by key; a cursor this API did not hand out is the caller's error, naming ``after``."""
    if after is None or after == "":
        return None
    try:
        return decode_cursor(after)
    except InvalidInput:
        raise GraphQLError(
            "after: is not a cursor this API returned", extensions={"code": "BAD_USER_INPUT", "field": "after"}
        ) from None


def cursor_of(node_id: str) -> str:
    """An edge's cursor: every membership list pages by id, so it is the id the service would hand back."""
    return encode_cursor(str(node_id))
