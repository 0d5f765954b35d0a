"""Per-request context carried across await points and across services: the request id."""

from __future__ import annotations

from contextvars import ContextVar

from kit.ids import ulid

REQUEST_ID_HEADER = "X-Request-ID"

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def new_request_id() -> str:
    return f"req_{ulid()}"
