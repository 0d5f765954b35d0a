"""The chat sender: takes queued deliveries from the log, fairly and within every platform limit, and
calls the platforms.

One loop per replica. It holds a window of the log's queued deliveries in ``ChatQueues`` (at most
``queued_per_chat`` per chat, reloaded when the intake queues more and every ``poll_seconds``), takes
the next ready chat in turn, looks at the shared ``RateLimiter`` (``peek``: is a slot of that chat's and
that connection's limits free?) and, if so, starts a task that **first claims** the delivery (a lease in
the log) and only then takes the slot (``acquire``), waiting up to ``max_slot_wait_seconds`` for it while
holding the claim, or giving the claim back if the slot is further away. So a replica that loses the claim
to another one takes no slot (ADR 0016). Denied, the chat (or the connection) waits for the slot while the
others go on. Outcomes:

- sent: ``status=sent`` and ``chat.delivered``, in one transaction;
- 429: retried after the platform's ``Retry-After`` (or a backoff), which also blocks the chat for every
  replica through the limiter;
- 5xx, transport errors: retried with exponential backoff and jitter, up to ``max_attempts``;
- any other refusal (4xx, an unsupported action, a missing or disabled connection), or the attempts
  spent: ``status=failed`` and ``chat.delivery_failed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from prometheus_client import Counter

from contracts.chat import ChatAction, ChatDelivered, ChatDeliveryFailed, ChatSend
from gateway.connections.directory import ConnectionDirectory
from gateway.connectors import Connector, Delivered, PlatformCall, PlatformError
from gateway.dispatch.delivery import DueDelivery, claim_delivery, due_deliveries, record_outcome, release_delivery
from gateway.dispatch.limiter import Limit, RateLimiter, block_limit, chat_tag, connection_tag, rate_limit
from gateway.dispatch.limits import PlatformLimits, Rate, limits_table
from gateway.dispatch.schedule import ChatQueues, Pending, backoff_seconds
from gateway.models import ChatDelivery
from gateway.settings import GatewaySettings
from kit.db import Sessionmaker
from kit.events import emit

log = logging.getLogger("guildhall.dispatch")

DELIVERIES = Counter(
    "guildhall_chat_deliveries_total", "Chat platform calls by platform and outcome", ["platform", "outcome"]
)


@dataclass(frozen=True)
class DispatchSettings:
    limits: Mapping[str, PlatformLimits]
    scale: float = 1.0
    headroom: float = 0.02
    max_attempts: int = 6
    backoff_seconds: float = 2.0
    backoff_max_seconds: float = 300.0
    concurrency: int = 32
    poll_seconds: float = 1.0
    lease_seconds: float = 60.0
    queued_per_chat: int = 50
    window: int = 10_000  # deliveries held in memory at most
    timeout_seconds: float = 10.0
    max_slot_wait_seconds: float = 1.0  # a claimed delivery waits this long for its slot, else gives the claim back

    @classmethod
    def of(cls, settings: GatewaySettings) -> DispatchSettings:
        return cls(
            limits=limits_table(settings.dispatch_limits),
            scale=settings.dispatch_limit_scale,
            headroom=settings.dispatch_limit_headroom,
            max_attempts=settings.dispatch_max_attempts,
            backoff_seconds=settings.dispatch_backoff_seconds,
            backoff_max_seconds=settings.dispatch_backoff_max_seconds,
            concurrency=settings.dispatch_concurrency,
            poll_seconds=settings.dispatch_poll_seconds,
            lease_seconds=settings.dispatch_lease_seconds,
            queued_per_chat=settings.dispatch_queued_per_chat,
            timeout_seconds=settings.platform_timeout_seconds,
        )


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class Dispatcher:
    def __init__(
        self,
        *,
        sessionmaker: Sessionmaker,
        limiter: RateLimiter,
        connectors: Mapping[str, Connector],
        directory: ConnectionDirectory,
        settings: DispatchSettings,
        http: httpx.AsyncClient | None = None,
        now: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._limiter = limiter
        self._connectors = connectors
        self._directory = directory
        self.settings = settings
        self._http = http
        self._now = now
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self.queues = ChatQueues()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._kick = asyncio.Event()
        self._reload = True
        self._next_poll = 0.0
        self._loading: asyncio.Task[None] | None = None

    async def wake(self) -> None:
        """Something was queued (in this process): look at the log now rather than at the next poll."""
        self._reload = True
        self._kick.set()

    async def run(self, stop: asyncio.Event) -> None:
        log.info("chat dispatcher started")
        owns_http = self._http is None
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.settings.timeout_seconds)
        try:
            while not stop.is_set():
                try:
                    await self.run_once()
                except Exception:
                    log.exception("dispatcher pass failed")
                    self._reload = True
                await self._idle(stop)
        finally:
            if self._loading is not None:
                await asyncio.gather(self._loading, return_exceptions=True)
            if self._in_flight:
                await asyncio.wait(self._in_flight, timeout=self.settings.timeout_seconds)
            if owns_http:
                await self._http.aclose()
                self._http = None

    async def _idle(self, stop: asyncio.Event) -> None:
        now = self._now()
        until = self._next_poll
        ready_at = self.queues.next_time(now)
        if ready_at is not None:
            until = min(until, ready_at)
        timeout = max(until - now, 0.001)
        if len(self._in_flight) >= self.settings.concurrency:
            timeout = self.settings.poll_seconds  # a finishing send kicks us
        kicked = asyncio.ensure_future(self._kick.wait())
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({kicked, stopped}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (kicked, stopped):
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
        self._kick.clear()

    async def run_once(self) -> int:
        """Start loading what is due if it is time (in the background: sends go on meanwhile), then start
        every send that may go now. Returns sends started."""
        if (self._reload or self._now() >= self._next_poll) and (self._loading is None or self._loading.done()):
            self._reload = False
            self._next_poll = self._now() + self.settings.poll_seconds
            self._loading = asyncio.create_task(self._load_and_kick())
        return await self._start_ready()

    async def _load_and_kick(self) -> None:
        try:
            if await self.load():
                self._kick.set()
        except Exception:
            log.exception("loading due deliveries failed")

    async def load(self) -> int:
        now = self._now()
        if len(self.queues) >= self.settings.window:
            return 0
        async with self._sessionmaker() as session:
            due = await due_deliveries(
                session, now=_utc(now), per_chat=self.settings.queued_per_chat, limit=self.settings.window
            )
        # Chats new to this replica join the turns in a random order (each chat's deliveries stay in order):
        # replicas that loaded the same rows then mostly claim different chats rather than collide on each.
        by_chat: dict[tuple[str, str], list[DueDelivery]] = {}
        for row in due:
            by_chat.setdefault((row.connection_id, row.platform_chat_id), []).append(row)
        chats = list(by_chat.values())
        self._rng.shuffle(chats)
        added = 0
        for row in (row for rows in chats for row in rows):
            item = Pending(
                delivery_id=row.id,
                community_id=row.community_id,
                connection_id=row.connection_id,
                platform=row.platform,
                platform_chat_id=row.platform_chat_id,
                kind=row.kind,
                not_before=row.next_attempt_at.timestamp(),
            )
            added += self.queues.add(item)
        return added

    async def _start_ready(self) -> int:
        started = 0
        while len(self._in_flight) < self.settings.concurrency:
            now = self._now()
            item = self.queues.take(now)
            if item is None:
                break
            limits, chat_gap, connection_gap = self._limits_of(item)
            decision = await self._limiter.peek(limits, now=now)
            if not decision.allowed:
                self.queues.release(item, until=now + decision.wait_seconds, scope=decision.scope)
                continue
            # Its task will take the slot, after the claim; no other slot of these limits is free before then.
            self.queues.hold(item, chat_until=now + chat_gap, connection_until=now + connection_gap)
            task = asyncio.create_task(self._deliver(item))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
            started += 1
        return started

    def _limits_of(self, item: Pending) -> tuple[list[Limit], float, float]:
        """The limiter keys of ``item``, and the least time until its chat's and its connection's next slot."""
        platform_limits = self._platform_limits(item)
        chat, bot = chat_tag(item.connection_id, item.platform_chat_id), connection_tag(item.connection_id)
        limits = [block_limit(chat, "chat"), block_limit(bot, "connection")]
        chat_gap = connection_gap = 0.0
        if item.kind == "send":
            for index, rate in enumerate(platform_limits.per_chat):
                limit, gap = self._rate_limit(chat, index, "chat", rate)
                limits.append(limit)
                chat_gap = max(chat_gap, gap)
        for index, rate in enumerate(platform_limits.per_connection):
            limit, gap = self._rate_limit(bot, index, "connection", rate)
            limits.append(limit)
            connection_gap = max(connection_gap, gap)
        return limits, chat_gap, connection_gap

    def _rate_limit(self, tag: str, index: int, scope: str, rate: Rate) -> tuple[Limit, float]:
        # A quarter of the headroom lets a late wake-up keep the schedule (slack); the rest absorbs jitter.
        scale, headroom = self.settings.scale, self.settings.headroom
        interval = rate.interval(scale=scale, headroom=headroom)
        slack = rate.seconds / scale * headroom / 4
        return rate_limit(tag, index, scope, interval, slack), interval - slack

    def _platform_limits(self, item: Pending) -> PlatformLimits:
        return self.settings.limits.get(item.platform, PlatformLimits())

    async def _deliver(self, item: Pending) -> None:
        retry_at: float | None = None
        try:
            retry_at = await self._attempt(item)
        except Exception:
            log.exception("delivery attempt crashed", extra={"delivery_id": item.delivery_id})
            retry_at = self._now() + self.settings.backoff_seconds
        finally:
            self.queues.finish(item, retry_at=retry_at)
            self._kick.set()

    async def _attempt(self, item: Pending) -> float | None:
        """One try at ``item``; the time to try again, or None when it is done (or not ours)."""
        now = self._now()
        async with self._sessionmaker() as session, session.begin():
            row = await claim_delivery(
                session, item.delivery_id, now=_utc(now), lease_until=_utc(now + self.settings.lease_seconds)
            )
        if row is None:
            return None  # another replica took it, or it is done: no slot spent on it
        slot_at = await self._take_slot(item)
        if slot_at is not None:
            async with self._sessionmaker() as session, session.begin():
                await release_delivery(session, row.id, now=_utc(self._now()))
            return slot_at
        attempt = row.attempts + 1
        try:
            delivered = await self._call(row)
        except PlatformError as error:
            return await self._failed(row, item, error, attempt)
        DELIVERIES.labels(row.platform, "sent").inc()
        async with self._sessionmaker() as session, session.begin():
            at = _utc(self._now())
            await record_outcome(
                session,
                row.id,
                status="sent",
                attempts=attempt,
                now=at,
                platform_message_id=delivered.platform_message_id,
            )
            event = ChatDelivered(
                command_id=row.command_id, chat=_command(row).chat, platform_message_id=delivered.platform_message_id
            )
            await emit(session, event, community_id=row.community_id, at=at)
        return None

    async def _take_slot(self, item: Pending) -> float | None:
        """Take a slot of ``item``'s limits for the claimed delivery, waiting for it if it comes within
        ``max_slot_wait_seconds``; None once taken, else the time it is free (the claim should go back)."""
        limits, _, _ = self._limits_of(item)
        while True:
            now = self._now()
            decision = await self._limiter.acquire(limits, now=now)
            if decision.allowed:
                return None
            until = now + decision.wait_seconds
            if decision.scope == "connection":
                self.queues.hold(item, chat_until=0.0, connection_until=until)
            else:
                self.queues.hold(item, chat_until=until, connection_until=0.0)
            if decision.wait_seconds > self.settings.max_slot_wait_seconds:
                return until
            await asyncio.sleep(decision.wait_seconds)

    async def _call(self, row: ChatDelivery) -> Delivered:
        connection = await self._directory.get(row.connection_id)
        if connection is None or connection.ref.community_id != row.community_id:
            raise PlatformError("connection not found in this community")
        if connection.disabled:
            raise PlatformError("the connection is disabled")
        connector = self._connectors.get(row.platform)
        if connector is None:
            raise PlatformError(f"no connector for {row.platform}")
        assert self._http is not None, "run() or an http client given at construction"
        call = PlatformCall(http=self._http, now=_utc(self._now()))
        command = _command(row)
        if isinstance(command, ChatSend):
            return await connector.send(call, connection.current, command)
        return await connector.act(call, connection.current, command)

    async def _failed(self, row: ChatDelivery, item: Pending, error: PlatformError, attempt: int) -> float | None:
        now = self._now()
        retry_at: float | None = None
        if error.retryable and attempt < self.settings.max_attempts:
            wait = error.retry_after
            if wait is None:
                wait = backoff_seconds(
                    attempt, base=self.settings.backoff_seconds, cap=self.settings.backoff_max_seconds, rng=self._rng
                )
            retry_at = now + wait
            if error.rate_limited:
                # Every replica holds this chat back, not just the one that was told.
                chat = block_limit(chat_tag(item.connection_id, item.platform_chat_id), "chat")
                await self._limiter.block(chat, until=retry_at, now=now)
        outcome = "retry" if retry_at is not None else "failed"
        DELIVERIES.labels(row.platform, "rate_limited" if error.rate_limited else outcome).inc()
        log.warning(
            "chat delivery attempt failed",
            extra={"delivery_id": row.id, "attempt": attempt, "outcome": outcome, "reason": error.reason},
        )
        async with self._sessionmaker() as session, session.begin():
            at = _utc(now)
            if retry_at is not None:
                await record_outcome(
                    session,
                    row.id,
                    status="queued",
                    attempts=attempt,
                    now=at,
                    next_attempt_at=_utc(retry_at),
                    error=error.reason,
                )
            else:
                await record_outcome(session, row.id, status="failed", attempts=attempt, now=at, error=error.reason)
                failed = ChatDeliveryFailed(
                    command_id=row.command_id, chat=_command(row).chat, reason=error.reason, attempts=attempt
                )
                await emit(session, failed, community_id=row.community_id, at=at)
        return retry_at


def _command(row: ChatDelivery) -> ChatSend | ChatAction:
    if row.kind == "send":
        return ChatSend.model_validate_json(row.command)
    return ChatAction.model_validate_json(row.command)
