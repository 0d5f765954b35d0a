"""Small pieces for lean ASGI paths that answer a hot route ahead of FastAPI's router (ADR 0017, ADR 0023),
and the one reader of request bodies that refuses oversize ones before anything parses them."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.errors import Problem, problem_response


def route_path(scope: Scope) -> str:
    """The path below the app's root path (behind a proxy's prefix), as Starlette's router matches it."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] == "/":
        return path[len(root) :]
    return path


@dataclass(frozen=True)
class RouteTemplate:
    """What ``RequestContextMiddleware`` reads of a matched route: the template its metrics are labelled with."""

    path: str


class PayloadTooLarge(Problem):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"

    @classmethod
    def at_most(cls, limit: int) -> PayloadTooLarge:
        return cls(f"body: at most {limit} bytes")


class ClientGone(Exception):
    """The client hung up before its body was read: nothing to answer."""


async def read_body(receive: Receive, declared: str | None, limit: int) -> bytes:
    """The raw body, refusing more than ``limit`` bytes with 413 whatever Content-Length claims."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge.at_most(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge.at_most(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class BodyLimit:
    """Reads the whole body of requests to ``paths`` first, answering 413 problem+json past ``limit`` bytes, so
    the app behind (a GraphQL parser, say) never sees, buffers or parses an oversize one."""

    def __init__(self, app: ASGIApp, *, paths: Collection[str], limit: int) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or route_path(scope) not in self.paths:
            await self.app(scope, receive, send)
            return
        try:
            body = await read_body(receive, _header(scope, b"content-length"), self.limit)
        except PayloadTooLarge as problem:
            await problem_response(problem.body())(scope, receive, send)
            return
        except ClientGone:
            return  # nobody to answer; the request middleware records a client disconnect
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then whatever the server says next (a disconnect)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def call_app(
    app: ASGIApp,
    method: str,
    path: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
    answer: bytearray | None = None,
    *,
    host: bytes = b"local",
) -> int:
    """One request to ``app`` in this process, without a server: the status it answered (its body added to
    ``answer`` when one is given), or 0 if it answered nothing. For the embedded gateway's service calls, warming an
    app up and the profilers. An app that raised after its error handler answered gives that answer (the 500 a
    client across the network would get); one that raised before answering raises here."""
    path_part, _, query = path.partition("?")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(path_part),
        "raw_path": path_part.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", host), (b"content-length", str(len(body)).encode()), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    status = 0
    done = asyncio.Event()
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            if answer is not None:
                answer.extend(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    try:
        await app(scope, receive, send)
    except Exception:
        if not done.is_set():
            raise
    return status
