"""One ASGI middleware per app for the request id, metrics and an access log line.

Pure ASGI (no BaseHTTPMiddleware) because it wraps every request on the hot paths.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.context import REQUEST_ID_HEADER, new_request_id, request_id_var
from kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = logging.getLogger("guildhall.access")

_REQUEST_ID_BYTES = REQUEST_ID_HEADER.lower().encode()
_UNTRACKED = {"/metrics", "/healthz", "/readyz"}
# nginx's "client closed request": the client hung up before an answer, so there is none, and no fault of ours.
CLIENT_CLOSED = 499


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service
        # The metric children by (method, route, status): ``labels()`` takes a lock and builds a key each call.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope["headers"]:
            if name == _REQUEST_ID_BYTES:
                request_id = value.decode("latin-1")[:64]
                break
        request_id = request_id or new_request_id()
        token = request_id_var.set(request_id)
        status = 500
        started = time.perf_counter()
        responded = disconnected = False

        async def receive_watched() -> Message:
            nonlocal disconnected
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected = True
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                nonlocal responded
                responded = True
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (_REQUEST_ID_BYTES, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive_watched, send_with_id)
        except ClientDisconnect:
            # Starlette's request.body() saw the hang-up: nobody is left to answer, and it is no server error.
            if responded:
                raise
            disconnected = True
        finally:
            if disconnected and not responded:
                status = CLIENT_CLOSED
            path = scope["path"]
            if path not in _UNTRACKED:
                route = scope.get("route")
                template = getattr(route, "path", "unmatched")
                elapsed = time.perf_counter() - started
                key = (scope["method"], template, status)
                children = self._children.get(key)
                if children is None:
                    children = self._children[key] = (
                        HTTP_REQUESTS.labels(self.service, key[0], template, str(status)),
                        HTTP_LATENCY.labels(self.service, template),
                    )
                children[0].inc()
                children[1].observe(elapsed)
                if log.isEnabledFor(logging.DEBUG) or status >= 500 or status == CLIENT_CLOSED:
                    log.log(
                        _access_level(status),
                        "request",
                        extra={
                            "method": scope["method"],
                            "path": path,
                            "status": status,
                            "ms": round(elapsed * 1000, 2),
                        },
                    )
            request_id_var.reset(token)


def _access_level(status: int) -> int:
    if status == CLIENT_CLOSED:
        return logging.INFO
    return logging.ERROR if status >= 500 else logging.DEBUG
