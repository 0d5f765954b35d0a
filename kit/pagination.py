"""Cursor pagination over id-ordered rows. Cursors are opaque to clients."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from kit.errors import InvalidInput

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        key = ""
    if not key:
        raise InvalidInput.of("cursor", "is not a cursor this API returned")
    return key


@dataclass(frozen=True)
class PageRequest:
    after: str | None
    limit: int


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None

    @classmethod
    def from_rows(cls, rows: list[T], *, page: PageRequest, key: Callable[[T], str]) -> Page[T]:
        """``rows`` was fetched with ``limit + 1``: the extra row only says that there is more."""
        items = rows[: page.limit]
        more = len(rows) > page.limit
        return cls(items=items, next_cursor=encode_cursor(key(items[-1])) if more and items else None)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


# async though it awaits nothing: FastAPI runs a plain def dependency in a worker thread, a hop per request.
async def page_request(
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> PageRequest:
    return PageRequest(after=decode_cursor(cursor) if cursor else None, limit=limit)


PageRequestDep = Annotated[PageRequest, Depends(page_request)]
