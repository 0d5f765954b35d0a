"""The chat sender: takes queued deliveries from the log, fairly and within every platform limit, and
calls the platforms.

One loop per replica. It holds a window of the log's queued deliveries in ``ChatQueues`` (at most
``queued_per_chat`` per chat, reloaded when the intake queues more and every ``poll_seconds``), takes
the next ready chat in turn, looks at the shared ``RateLimiter`` (``peek``: when is a slot of that chat's and
that connection's limits free?) and, from ``claim_ahead_seconds`` before that slot, starts a task that **first
claims** the delivery (a lease in the log; claims that arrive together share one statement) and then takes
the slot (``acquire``) when it comes, in turn with this replica's other deliveries on the connection (its
``Lane``), or gives the claim back if the slot is more than ``max_slot_wait_seconds`` away. So a replica
that loses the claim to another one takes no slot, and the claim's round trip overlaps the wait (ADR 0016
and its addendum). Denied, the chat (or the connection) waits for the slot while the others go on.
Outcomes:

- sent: ``status=sent`` and ``chat.delivered``, in one transaction (shared with the outcomes sent meanwhile);
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
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from prometheus_client import Counter

from contracts.chat import ChatAction, ChatDelivered, ChatDeliveryFailed, ChatSend
from gateway.connections.directory import ConnectionDirectory
from gateway.connectors import Connector, Delivered, PlatformCall, PlatformError
from gateway.dispatch.delivery import (
    DueDelivery,
    Sent,
    claim_deliveries,
    due_deliveries,
    record_outcome,
    record_sent,
    release_delivery,
)
from gateway.dispatch.grouping import GroupWriter
from gateway.dispatch.limiter import Limit, RateLimiter, block_limit, chat_tag, connection_tag, rate_limit
from gateway.dispatch.limits import PlatformLimits, Rate, limits_table
from gateway.dispatch.schedule import ChatQueues, Pending, backoff_seconds
from gateway.models import ChatDelivery
from gateway.settings import GatewaySettings
from kit.db import Sessionmaker
from kit.events import Emission, emit, emit_many

log = logging.getLogger("guildhall.dispatch")

DELIVERIES = Counter(
    "guildhall_chat_deliveries_total", "Chat platform calls by platform and outcome", ["platform", "outcome"]
)


@dataclass(frozen=True)
class DispatchSettings:
    limits: Mapping[str, PlatformLimits]
    scale: float = 1.0
    headroom: float = 0.05
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
    claim_ahead_seconds: float = 0.05  # a delivery starts (is claimed) this long before its slot is free

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
            poll_seconds=settings.dispatch_poll_seconds or settings.idle_poll,
            lease_seconds=settings.dispatch_lease_seconds,
            queued_per_chat=settings.dispatch_queued_per_chat,
            claim_ahead_seconds=settings.dispatch_claim_ahead_seconds,
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
        self._lanes: dict[str, Lane] = {}
        self._claims = GroupWriter(self._claim_group)
        self._sent = GroupWriter(self._record_sent_group)

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
        self._lanes = {key: lane for key, lane in self._lanes.items() if lane.waiting or lane.next_at > now}
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
        ahead = self.settings.claim_ahead_seconds
        while len(self._in_flight) < self.settings.concurrency:
            now = self._now()
            item = self.queues.take(now)
            if item is None:
                break
            limits, chat_gap, connection_gap = self._limits_of(item)
            decision = await self._limiter.peek(limits, now=now)
            if decision.wait_seconds > ahead:
                self.queues.release(item, until=now + decision.wait_seconds - ahead, scope=decision.scope)
                continue
            # Its task claims the delivery now and takes the slot when it comes, so the claim's round trip
            # overlaps the wait. The limiter knows the slots taken, the lane those our started tasks will take.
            lane = self._lane(item.connection_id)
            slot_at = max(now + decision.wait_seconds, lane.after_waiting(connection_gap))
            if slot_at - now > ahead:
                self.queues.release(item, until=slot_at - ahead, scope="connection")
                continue
            lane.waiting.add(item.delivery_id)
            self.queues.hold(
                item, chat_until=slot_at + chat_gap - ahead, connection_until=slot_at + connection_gap - ahead
            )
            task = asyncio.create_task(self._deliver(item, slot_at=slot_at))
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

    async def _deliver(self, item: Pending, *, slot_at: float) -> None:
        retry_at: float | None = None
        try:
            retry_at = await self._attempt(item, slot_at=slot_at)
        except Exception:
            log.exception("delivery attempt crashed", extra={"delivery_id": item.delivery_id})
            retry_at = self._now() + self.settings.backoff_seconds
        finally:
            self._lane(item.connection_id).waiting.discard(item.delivery_id)  # if it never got to its slot
            self.queues.finish(item, retry_at=retry_at)
            self._kick.set()

    async def _attempt(self, item: Pending, *, slot_at: float) -> float | None:
        """One try at ``item`` once its slot, expected at ``slot_at``, is taken; the time to try again, or
        None when it is done (or not ours)."""
        row = await self._claims.submit(item.delivery_id)
        if row is None:
            # Another replica took it, or it is done: no slot spent on it, and the one it was parking the
            # connection for goes to the next chat (the limiter and the lane say when that may go). The chat's
            # later deliveries are that replica's to send in order: this one leaves them until the log says
            # the chat is free again.
            self._lane(item.connection_id).waiting.discard(item.delivery_id)
            self.queues.unpark_connection(item.connection_id)
            self.queues.drop_chat(item)
            return None
        attempt = row.attempts + 1
        try:
            # Everything but the request itself is ready before the slot is taken: between the slot and the
            # platform there is no lookup to wait for, which would bunch this call with the next ones.
            call = await self._prepare(row)
        except PlatformError as error:
            return await self._failed(row, item, error, attempt)
        free_at = await self._take_slot(item, expected_at=slot_at)
        if free_at is not None:
            async with self._sessionmaker() as session, session.begin():
                await release_delivery(session, row.id, now=_utc(self._now()))
            return free_at
        try:
            delivered = await call()
        except PlatformError as error:
            return await self._failed(row, item, error, attempt)
        DELIVERIES.labels(row.platform, "sent").inc()
        sent = Sent(row.id, attempt, delivered.platform_message_id, _utc(self._now()))
        await self._sent.submit((row, sent))
        return None

    async def _claim_group(self, delivery_ids: Sequence[str]) -> list[ChatDelivery | None]:
        now = self._now()
        lease_until = _utc(now + self.settings.lease_seconds)
        async with self._sessionmaker() as session, session.begin():
            won = await claim_deliveries(session, delivery_ids, now=_utc(now), lease_until=lease_until)
        return [won.get(delivery_id) for delivery_id in delivery_ids]

    async def _record_sent_group(self, group: Sequence[tuple[ChatDelivery, Sent]]) -> list[None]:
        events = [
            Emission(
                ChatDelivered(
                    command_id=row.command_id, chat=_command(row).chat, platform_message_id=sent.platform_message_id
                ),
                community_id=row.community_id,
                at=sent.at,
            )
            for row, sent in group
        ]
        async with self._sessionmaker() as session, session.begin():
            await record_sent(session, [sent for _, sent in group])
            await emit_many(session, events)
        return [None] * len(group)

    def _lane(self, connection_id: str) -> Lane:
        lane = self._lanes.get(connection_id)
        if lane is None:
            lane = self._lanes[connection_id] = Lane()
        return lane

    async def _take_slot(self, item: Pending, *, expected_at: float) -> float | None:
        """Take a slot of ``item``'s limits for the claimed delivery, at ``expected_at`` or later, in turn with
        this replica's other deliveries on its connection, waiting up to ``max_slot_wait_seconds`` for one that
        another replica took; None once taken, else the time it is free (the claim should go back)."""
        limits, chat_gap, connection_gap = self._limits_of(item)
        lane = self._lane(item.connection_id)
        ahead = self.settings.claim_ahead_seconds
        try:
            # Waiting for the chat's own slot happens outside the lane: it holds back no other chat.
            await self._sleep_until(expected_at)
            async with lane.turn:
                slot_at = lane.next_at
                while True:
                    await self._sleep_until(slot_at)
                    # Asked at the slot, not before: the limiter takes it as of the time we ask, so a late
                    # wake-up moves the schedule (past the slack) rather than squeezing the next calls.
                    now = self._now()
                    decision = await self._limiter.acquire(limits, now=now)
                    if decision.allowed:
                        lane.taken(limits, slot_at=slot_at, now=now)
                        return None
                    until = now + decision.wait_seconds
                    if decision.scope == "connection":
                        self.queues.hold(item, chat_until=0.0, connection_until=until + connection_gap - ahead)
                    else:
                        self.queues.hold(item, chat_until=until + chat_gap - ahead, connection_until=0.0)
                    if decision.scope != "connection" or decision.wait_seconds > self.settings.max_slot_wait_seconds:
                        return until  # a chat's block (a 429) waits outside the lane, without the claim
                    slot_at = until
        finally:
            lane.waiting.discard(item.delivery_id)

    async def _sleep_until(self, at: float) -> None:
        wait = at - self._now()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _prepare(self, row: ChatDelivery) -> Callable[[], Awaitable[Delivered]]:
        """The platform call for ``row``, ready to make: its connection found and open, its connector chosen."""
        connection = await self._directory.get(row.connection_id)
        if connection is None or connection.ref.community_id != row.community_id:
            raise PlatformError("connection not found in this community")
        if connection.disabled:
            raise PlatformError("the connection is disabled")
        connector = self._connectors.get(row.platform)
        if connector is None:
            raise PlatformError(f"no connector for {row.platform}")
        assert self._http is not None, "run() or an http client given at construction"
        http, credentials, command = self._http, connection.current, _command(row)

        async def call() -> Delivered:
            platform_call = PlatformCall(http=http, now=_utc(self._now()))
            if isinstance(command, ChatSend):
                return await connector.send(platform_call, credentials, command)
            return await connector.act(platform_call, credentials, command)

        return call

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


class Lane:
    """One connection's deliveries in this replica, taking its slots one after another: each knows when the
    previous one left the connection's next slot (``next_at``), so it sleeps until then and asks once."""

    def __init__(self) -> None:
        self.turn = asyncio.Lock()  # FIFO: deliveries take the slots in the order they were started
        self.next_at = 0.0
        self.waiting: set[str] = set()  # deliveries started here that have not taken their slot yet

    def after_waiting(self, gap: float) -> float:
        """The earliest slot a delivery started now could take: after those already waiting for theirs."""
        return self.next_at + len(self.waiting) * gap

    def taken(self, limits: list[Limit], *, slot_at: float, now: float) -> None:
        """A slot was taken at ``now`` (expected at ``slot_at``): where the limiter now puts the next one."""
        following = [
            max(slot_at, now - limit.slack_ms / 1000) + limit.interval_ms / 1000
            for limit in limits
            if limit.scope == "connection" and limit.interval_ms is not None
        ]
        self.next_at = max(following, default=now)


def _command(row: ChatDelivery) -> ChatSend | ChatAction:
    if row.kind == "send":
        return ChatSend.model_validate_json(row.command)
    return ChatAction.model_validate_json(row.command)
