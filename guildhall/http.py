"""Serving an app over HTTP with uvicorn, shutting down cleanly on SIGTERM and SIGINT."""

from __future__ import annotations

import signal
from types import FrameType

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.runtime import settle_heap
from kit.warmup import warm_up


def _settling_after_startup(app: ASGIApp) -> ASGIApp:
    """``app``, warmed up (``kit.warmup``) and with the heap settled (``kit.runtime.settle_heap``) as soon as its
    lifespan has started, before the server takes a request."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def send_and_settle(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                if isinstance(app, FastAPI):
                    await warm_up(app)
                settle_heap()
            await send(message)

        await app(scope, receive, send_and_settle)

    return wrapped


def _after_shutdown(sig: int, frame: FrameType | None) -> None:
    """uvicorn shuts down gracefully on a signal and then raises it again; by then we only finish up."""


async def serve_http(app: FastAPI, *, host: str, port: int, lifespan: str = "on") -> None:
    # uvicorn restores these handlers after its own shutdown and re-raises the signal it caught.
    # With the default handlers that kills the process before our cleanup (workers, lifespans) runs.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _after_shutdown)
    if lifespan == "off":
        settle_heap()  # the caller has started everything already
        served: ASGIApp = app
    else:
        served = _settling_after_startup(app)
    config = uvicorn.Config(served, host=host, port=port, lifespan=lifespan, log_config=None)  # type: ignore[arg-type]
    await uvicorn.Server(config).serve()
