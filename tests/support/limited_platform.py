"""A fake Telegram Bot API that enforces rate limits: a real HTTP server on a free local port, in a
thread of its own.

It counts accepted calls in sliding windows, per chat (``sendMessage``, ``sendPhoto``) and per bot (every
call), and answers a call over a limit as Telegram does: HTTP 429 with ``parameters.retry_after`` in the
body (and a ``Retry-After`` header). It records every call it gets, and can be scripted to answer the
next calls for a chat with given statuses (``script("-100", 503, 503)``) before behaving normally.
The benchmarks use it too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SEND_METHODS = frozenset({"sendMessage", "sendPhoto"})


@dataclass(frozen=True)
class Window:
    count: int
    seconds: float


@dataclass
class Arrival:
    at: float  # time.monotonic() at the server
    method: str
    chat_id: str
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Scripted:
    status: int
    retry_after: float | None = None


@dataclass
class LimitedPlatform:
    per_chat: list[Window]
    per_bot: list[Window]
    url: str = ""
    arrivals: list[Arrival] = field(default_factory=list)
    _accepted_chat: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _accepted_bot: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _script: dict[str, deque[Scripted]] = field(default_factory=lambda: defaultdict(deque))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def script(self, chat_id: str, *answers: int | Scripted) -> None:
        """Answer the next calls for ``chat_id`` with these statuses (429s with their ``retry_after``)."""
        for answer in answers:
            self._script[chat_id].append(answer if isinstance(answer, Scripted) else Scripted(answer))

    def delivered(self, chat_id: str | None = None) -> list[Arrival]:
        return [a for a in self.arrivals if a.status == 200 and (chat_id is None or a.chat_id == chat_id)]

    def rate_limited(self) -> list[Arrival]:
        return [a for a in self.arrivals if a.status == 429]

    def _over(self, accepted: deque[float], windows: list[Window], now: float) -> float | None:
        """Seconds until a call fits every window, or None if it fits now."""
        longest = max((w.seconds for w in windows), default=0.0)
        while accepted and accepted[0] <= now - longest:
            accepted.popleft()
        wait = 0.0
        for window in windows:
            inside = [t for t in accepted if t > now - window.seconds]
            if len(inside) >= window.count:
                wait = max(wait, inside[-window.count] + window.seconds - now)
        return wait if wait > 0 else None

    def answer(self, bot: str, method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        now = time.monotonic()
        chat_id = str(body.get("chat_id", ""))
        status, payload, headers = 200, {}, {}
        retry_after: float | None = None
        scripted = self._script[chat_id].popleft() if self._script.get(chat_id) else None
        waits = [self._over(self._accepted_bot[bot], self.per_bot, now)]
        if method in SEND_METHODS:
            waits.append(self._over(self._accepted_chat[f"{bot}:{chat_id}"], self.per_chat, now))
        over = max((w for w in waits if w is not None), default=None)
        if scripted is not None and scripted.status != 200:
            status = scripted.status
            retry_after = scripted.retry_after
        elif over is not None:
            status, retry_after = 429, over
        if status == 429:
            seconds = math.ceil((retry_after or 1) * 1000) / 1000
            payload = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {seconds}",
                "parameters": {"retry_after": seconds},
            }
            headers = {"Retry-After": str(seconds)}
        elif status != 200:
            payload = {"ok": False, "error_code": status, "description": "Bad Request: chat not found"}
        else:
            self._accepted_bot[bot].append(now)
            if method in SEND_METHODS:
                self._accepted_chat[f"{bot}:{chat_id}"].append(now)
            payload = {"ok": True, "result": {"message_id": next(self._ids), "chat": {"id": chat_id}}}
        self.arrivals.append(Arrival(now, method, chat_id, status, body))
        return status, payload, headers


@asynccontextmanager
async def limited_platform(
    *, per_chat: list[Window] | None = None, per_bot: list[Window] | None = None
) -> AsyncIterator[LimitedPlatform]:
    platform = LimitedPlatform(per_chat=per_chat or [], per_bot=per_bot or [])

    async def call(request: Request) -> JSONResponse:
        raw = await request.body()
        body = json.loads(raw) if raw else {}
        status, payload, headers = platform.answer(request.path_params["bot"], request.path_params["method"], body)
        return JSONResponse(payload, status_code=status, headers=headers)

    app = Starlette(routes=[Route("/bot{bot}/{method}", call, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    # Its own thread and event loop, as a platform is another machine: arrivals are stamped when they come,
    # not when the senders' loop gets round to them (a stall there would bunch them into one window).
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), name="limited-platform", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the limited platform did not start")
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        platform.url = f"http://127.0.0.1:{port}"
        yield platform
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)
