"""Serving an app over HTTP with uvicorn, shutting down cleanly on SIGTERM and SIGINT."""

from __future__ import annotations

import signal
from types import FrameType

import uvicorn
from fastapi import FastAPI


def _after_shutdown(sig: int, frame: FrameType | None) -> None:
    """uvicorn shuts down gracefully on a signal and then raises it again; by then we only finish up."""


async def serve_http(app: FastAPI, *, host: str, port: int, lifespan: str = "on") -> None:
    # uvicorn restores these handlers after its own shutdown and re-raises the signal it caught.
    # With the default handlers that kills the process before our cleanup (workers, lifespans) runs.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _after_shutdown)
    config = uvicorn.Config(app, host=host, port=port, lifespan=lifespan, log_config=None)  # type: ignore[arg-type]
    await uvicorn.Server(config).serve()
