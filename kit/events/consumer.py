"""Consumer groups over Redis Streams, with an inbox so a redelivered event changes nothing.

Each service reads the streams it cares about as one consumer group (many replicas share it). An
event is handled in one database transaction together with its inbox row, then acknowledged: a crash
before the ack means redelivery, and the inbox row turns the redelivery into a no-op. A batch of entries
shares one transaction (one multi-row inbox insert, a savepoint per event), which is what lets one
process handle thousands of events a second. A handler that fails rolls back its savepoint and its inbox
row and leaves the entry pending; it is retried after ``retry_after`` and, once its own handler has
failed ``max_attempts`` times, moved to the group's dead-letter stream so the stream goes on. Only the
handler failing counts (kit.events.deadletter, ADR 0030): entries held by a consumer that crashed are
claimed by a live one after ``retry_after`` without penalty, however often that happens, and consumers
that died are pruned from the group once they have been idle for ``dead_consumer_idle_ms``.

A service may also register a batch handler for an event type (``@subscriptions.on_batch(X)``): consecutive
fresh events of that type in a batch are then handed over together, in stream order, in one savepoint.
When the batch handler fails, its savepoint rolls back and each of those events goes through the per-event
handler in its own savepoint, so inbox, retry and dead-letter behave exactly as without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.context import request_id_var
from kit.db import Sessionmaker, discard_after_commit, pending_after_commit, run_after_commit
from kit.events.deadletter import FailureCounts, depth
from kit.events.doorbell import STREAMS
from kit.events.envelope import Envelope, EventData, dead_letter_stream_of
from kit.metrics import CONSUMER_LAG, CONSUMER_PENDING, EVENTS_CONSUMED, EVENTS_DEAD_LETTERED
from kit.tables import processed_event

log = logging.getLogger(__name__)

D = TypeVar("D", bound=EventData)
Handler = Callable[[AsyncSession, Envelope, Any], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, Sequence[tuple[Envelope, Any]]], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    data_model: type[EventData]
    handler: Handler
    batch_handler: BatchHandler | None = None


class Subscriptions:
    """What a service does with which event type: ``@subscriptions.on(CommunityCreated)``."""

    def __init__(self) -> None:
        self._by_type: dict[str, Subscription] = {}

    def on(self, data_model: type[D]) -> Callable[[Callable[[AsyncSession, Envelope, D], Awaitable[None]]], Handler]:
        def register(handler: Callable[[AsyncSession, Envelope, D], Awaitable[None]]) -> Handler:
            if data_model.event_type in self._by_type:
                raise ValueError(f"{data_model.event_type}: already has a handler")
            self._by_type[data_model.event_type] = Subscription(data_model, handler)
            return handler

        return register

    def on_batch(
        self, data_model: type[D]
    ) -> Callable[[Callable[[AsyncSession, Sequence[tuple[Envelope, D]]], Awaitable[None]]], BatchHandler]:
        """Also handle consecutive events of ``data_model`` together: the handler gets ``(envelope, data)``
        pairs in stream order and must leave the same result as the per-event handler called on each in
        turn. The per-event handler (registered first with ``on``) stays the fallback when a batch fails."""

        def register(handler: Callable[[AsyncSession, Sequence[tuple[Envelope, D]]], Awaitable[None]]) -> BatchHandler:
            subscription = self._by_type.get(data_model.event_type)
            if subscription is None:
                raise ValueError(f"{data_model.event_type}: register the per-event handler (on) first")
            if subscription.batch_handler is not None:
                raise ValueError(f"{data_model.event_type}: already has a batch handler")
            self._by_type[data_model.event_type] = replace(subscription, batch_handler=handler)
            return handler

        return register

    def get(self, event_type: str) -> Subscription | None:
        return self._by_type.get(event_type)

    @property
    def event_types(self) -> list[str]:
        return sorted(self._by_type)


@dataclass(frozen=True)
class _Work:
    entry_id: bytes
    envelope: Envelope
    subscription: Subscription
    data: EventData


class _Poison(Exception):
    """An entry that can never be handled (unreadable envelope, payload that fails its schema)."""


def _retrieve(task: asyncio.Future[Any]) -> None:
    """A cancelled read's outcome, taken so that one that failed as it was cancelled is not logged as unhandled."""
    if not task.cancelled():
        task.exception()


class ConsumerGroup:
    def __init__(
        self,
        *,
        group: str,
        streams: Iterable[str],
        subscriptions: Subscriptions,
        sessionmaker: Sessionmaker,
        redis: Redis,
        consumer: str | None = None,
        batch_size: int = 100,
        block_ms: int = 1000,
        idle_sleep: float = 0.02,
        max_idle_sleep: float = 1.0,
        linger: float = 0.05,
        max_attempts: int = 5,
        retry_after_ms: int = 2000,
        metrics_every: float = 5.0,
        dead_consumer_idle_ms: int = 3_600_000,
    ) -> None:
        self.group = group
        self.streams = list(streams)
        self.dead_letter_stream = dead_letter_stream_of(group)
        self._subscriptions = subscriptions
        self._sessionmaker = sessionmaker
        self._redis = redis
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{id(self):x}"
        self._batch_size = batch_size
        self._block_ms = block_ms
        self._idle_sleep = idle_sleep
        # A wait grows from ``idle_sleep`` again after every batch, so a failed entry is looked at again soon
        # after its retry delay whatever this is; only entries a crashed consumer left wait up to it.
        self._max_idle_sleep = max(idle_sleep, max_idle_sleep)
        self._bell = STREAMS.bell()
        self._linger = linger
        self._max_attempts = max_attempts
        self._retry_after_ms = retry_after_ms
        self._metrics_every = metrics_every
        self._dead_consumer_idle_ms = dead_consumer_idle_ms
        self._failures = FailureCounts(redis, group)
        self._next_metrics = 0.0
        self._groups_ready = False

    async def ensure_groups(self) -> None:
        self._groups_ready = True
        for stream in self.streams:
            try:
                # From the start of the stream: a group created after events were published still sees them.
                await self._redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    async def run(self, stop: asyncio.Event) -> None:
        await self.ensure_groups()
        log.info("consumer started", extra={"group": self.group, "streams": self.streams})
        idle = self._idle_sleep
        while not stop.is_set():
            started = time.monotonic()
            try:
                handled = await self.run_once(block_ms=self._block_ms, stop=stop)
            except Exception:
                log.exception("consumer pass failed", extra={"group": self.group})
                await self._recover()
                handled = 0
            # The in-process stand-in does not block on XREADGROUP: sleep until a relay of this process publishes,
            # or a timeout that grows while nothing comes (up to ``max_idle_sleep``).
            if handled == 0 and time.monotonic() - started < self._idle_sleep:
                idle = min(idle * 2, self._max_idle_sleep)
                await self._bell.wait(stop, within=idle)
                continue
            idle = self._idle_sleep
            # A short batch: let the next one gather. A pass costs its round trips to Redis and the database
            # (and a look-up of the community's rules) whatever its size, and events that trickle in at a few
            # hundred a second would otherwise come one or two a pass, at up to ten times the CPU per event.
            if 0 < handled < self._batch_size and self._linger > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self._linger)

    async def _recover(self) -> None:
        self._groups_ready = False
        await asyncio.sleep(self._idle_sleep)

    async def run_once(self, *, block_ms: int | None = None, stop: asyncio.Event | None = None) -> int:
        """Retry or dead-letter what is due, then read and handle one batch. Returns entries handled. A wait for
        new entries ends early when ``stop`` is set, so a stopping process does not sit out the block."""
        if not self._groups_ready:
            await self.ensure_groups()
        try:
            return await self._pass(block_ms, stop)
        except ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            # Redis lost the stream or the group (a restart that keeps nothing): make them again.
            self._groups_ready = False
            return 0

    async def _pass(self, block_ms: int | None, stop: asyncio.Event | None) -> int:
        handled = await self._retry_pending()
        response = await self._read(block_ms if handled == 0 else None, stop)
        for stream_name, entries in response or []:
            stream = stream_name.decode() if isinstance(stream_name, bytes) else stream_name
            handled += await self._handle_batch(stream, entries)
        if time.monotonic() >= self._next_metrics:
            await self.record_metrics()
            await self.prune_consumers()
            self._next_metrics = time.monotonic() + self._metrics_every
        return handled

    async def _read(self, block_ms: int | None, stop: asyncio.Event | None) -> Any:
        read = self._redis.xreadgroup(
            self.group, self.consumer, dict.fromkeys(self.streams, ">"), count=self._batch_size, block=block_ms
        )
        if not block_ms or stop is None:
            return await read
        reading = asyncio.ensure_future(read)
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait((reading, stopping), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if reading.done():
            return reading.result()
        # Stopping while blocked: the read is cancelled and left to end on its own (redis-py can sit out the block
        # after a cancel), its connection closed with the client. An entry Redis handed over just then stays
        # pending and is claimed again by the next consumer's pass.
        reading.cancel()
        reading.add_done_callback(_retrieve)
        return None

    async def _retry_pending(self) -> int:
        handled = 0
        for stream in self.streams:
            pending: list[dict[str, Any]] = await self._redis.xpending_range(
                stream, self.group, min="-", max="+", count=self._batch_size
            )
            due = [p for p in pending if p["time_since_delivered"] >= self._retry_after_ms]
            # Not ``times_delivered``: that also counts every claim of an entry that a crashed consumer held.
            failures = await self._failures.of(stream, [entry["message_id"] for entry in due])
            retry: list[Any] = []
            for entry, failed in zip(due, failures, strict=True):
                entry_id = entry["message_id"]
                if failed >= self._max_attempts:
                    entries: Any = await self._redis.xrange(stream, min=entry_id, max=entry_id)
                    fields = entries[0][1] if entries else {}
                    await self._dead_letter(stream, entry_id, fields, reason="too many attempts")
                else:
                    retry.append(entry_id)
            if not retry:
                continue
            claimed: Any = await self._redis.xclaim(stream, self.group, self.consumer, self._retry_after_ms, retry)
            batch = []
            for claimed_id, fields in claimed:
                if fields is None:  # trimmed away meanwhile
                    await self._redis.xack(stream, self.group, claimed_id)
                    await self._failures.forget(stream, [claimed_id])
                else:
                    batch.append((claimed_id, fields))
            handled += await self._handle_batch(stream, batch, retried=True)
        return handled

    async def _handle_batch(
        self, stream: str, entries: list[tuple[bytes, dict[bytes, bytes]]], *, retried: bool = False
    ) -> int:
        """Handle a batch of entries in one transaction, each event in its own savepoint; ack what is done,
        and count an attempt against each entry whose own handler failed."""
        work: list[_Work] = []
        outcomes: dict[bytes, str] = {}
        for entry_id, fields in entries:
            try:
                item = self._parse(entry_id, fields)
            except _Poison as poison:
                await self._dead_letter(stream, entry_id, fields, reason=str(poison))
                continue
            if item is None:
                outcomes[entry_id] = "ignored"
            else:
                work.append(item)
        if work:
            outcomes.update(await self._process(work))
        done = [entry_id for entry_id, outcome in outcomes.items() if outcome not in _UNFINISHED]
        if done:
            await self._redis.xack(stream, self.group, *done)
            if retried:
                await self._failures.forget(stream, done)
        await self._failures.record(stream, [entry_id for entry_id, outcome in outcomes.items() if outcome == "failed"])
        for outcome in outcomes.values():
            EVENTS_CONSUMED.labels(self.group, stream, outcome).inc()
        return len(outcomes)

    def _parse(self, entry_id: bytes, fields: dict[bytes, bytes]) -> _Work | None:
        raw = fields.get(b"envelope")
        if raw is None:
            raise _Poison("entry has no envelope field")
        try:
            envelope = Envelope.model_validate_json(raw)
        except ValidationError as error:
            raise _Poison(f"unreadable envelope: {error.error_count()} errors") from None
        subscription = self._subscriptions.get(envelope.type)
        if subscription is None:
            return None
        try:
            data = subscription.data_model.model_validate(envelope.data)
        except ValidationError as error:
            raise _Poison(f"{envelope.type} payload does not match its schema: {error}") from None
        return _Work(entry_id, envelope, subscription, data)

    async def _process(self, work: list[_Work]) -> dict[bytes, str]:
        """One transaction: a multi-row inbox insert claims the events not seen before, then each
        handler runs in a savepoint, so one failing event leaves the others of the batch in place."""
        outcomes: dict[bytes, str] = {}
        first: dict[str, _Work] = {}
        for item in work:
            if item.envelope.id in first:
                outcomes[item.entry_id] = "duplicate"  # the same event twice in one batch
            else:
                first[item.envelope.id] = item
        async with self._sessionmaker() as session:
            try:
                fresh = await self._claim_inbox(session, sorted(first))
                todo: list[_Work] = []
                for event_id, item in first.items():
                    if event_id in fresh:
                        todo.append(item)
                    else:
                        outcomes[item.entry_id] = "duplicate"
                for run in _runs(todo):
                    if len(run) > 1 and run[0].subscription.batch_handler is not None:
                        outcomes.update(await self._run_batch_handler(session, run))
                    else:
                        for item in run:
                            outcomes[item.entry_id] = await self._run_handler(session, item)
                await session.commit()
            except Exception:
                await session.rollback()
                discard_after_commit(session)
                # Not the fault of any one event (the database went away, the commit failed): retried without
                # counting an attempt, so an outage dead-letters nothing.
                log.exception("event batch failed; will retry", extra={"group": self.group})
                return {item.entry_id: "aborted" for item in work}
        await run_after_commit(session)
        return outcomes

    async def _claim_inbox(self, session: AsyncSession, event_ids: list[str]) -> set[str]:
        """Insert inbox rows for ``event_ids`` (sorted, so concurrent consumers lock in one order);
        the ids inserted now, not by an earlier delivery."""
        if not event_ids:
            return set()
        connection = await session.connection()
        now = datetime.now(UTC)
        # One cached statement with many parameter sets: SQLAlchemy sends it as multi-row INSERTs
        # (RETURNING included) without compiling a new statement for every batch.
        rows = [{"consumer": self.group, "event_id": event_id, "processed_at": now} for event_id in event_ids]
        result = await connection.execute(_inbox_insert(connection.dialect.name), rows)
        return set(result.scalars().all())

    async def _run_batch_handler(self, session: AsyncSession, run: list[_Work]) -> dict[bytes, str]:
        """``run`` (events of one type with a batch handler) in one savepoint; each event on its own when
        that fails, so a poison event fails (and is retried, then dead-lettered) alone."""
        handler = run[0].subscription.batch_handler
        assert handler is not None
        mark = len(pending_after_commit(session))
        try:
            async with session.begin_nested():
                await handler(session, [(item.envelope, item.data) for item in run])
        except Exception:
            discard_after_commit(session, keep=mark)
            log.warning(
                "event batch handler failed; handling its events one by one",
                exc_info=True,
                extra={"group": self.group, "type": run[0].envelope.type, "events": len(run)},
            )
            return {item.entry_id: await self._run_handler(session, item) for item in run}
        return dict.fromkeys((item.entry_id for item in run), "handled")

    async def _run_handler(self, session: AsyncSession, item: _Work) -> str:
        token = request_id_var.set(item.envelope.trace)
        mark = len(pending_after_commit(session))
        try:
            async with session.begin_nested():
                await item.subscription.handler(session, item.envelope, item.data)
        except Exception:
            discard_after_commit(session, keep=mark)
            # Its inbox row goes too, so that the retry is not taken for a duplicate.
            await session.exec(
                delete(processed_event).where(
                    processed_event.c.consumer == self.group, processed_event.c.event_id == item.envelope.id
                )
            )
            log.exception("event handler failed; will retry", extra={"group": self.group, "entry": item.entry_id})
            return "failed"
        finally:
            request_id_var.reset(token)
        return "handled"

    async def _dead_letter(self, stream: str, entry_id: bytes, fields: dict[bytes, bytes], *, reason: str) -> None:
        entry = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        await self._redis.xadd(
            self.dead_letter_stream,
            {
                "envelope": fields.get(b"envelope", b""),
                "stream": stream,
                "entry_id": entry,
                "reason": reason,
                "dead_at": datetime.now(UTC).isoformat(),
            },
        )
        await self._redis.xack(stream, self.group, entry_id)
        await self._failures.forget(stream, [entry_id])
        EVENTS_DEAD_LETTERED.labels(self.group, stream).inc()
        EVENTS_CONSUMED.labels(self.group, stream, "dead_lettered").inc()
        log.error(
            "event dead-lettered", extra={"group": self.group, "stream": stream, "entry": entry, "reason": reason}
        )

    async def record_metrics(self) -> None:
        for stream in self.streams:
            for info in await self._redis.xinfo_groups(stream):
                name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
                if name != self.group:
                    continue
                CONSUMER_PENDING.labels(self.group, stream).set(info.get("pending") or 0)
                if info.get("lag") is not None:
                    CONSUMER_LAG.labels(self.group, stream).set(info["lag"])
        await depth(self._redis, self.group)

    async def prune_consumers(self) -> list[str]:
        """Remove from the group the consumers that hold nothing and have not read for
        ``dead_consumer_idle_ms`` (processes that died; a live one reads every ``block_ms``); their names."""
        pruned: list[str] = []
        for stream in self.streams:
            consumers: list[dict[str, Any]] = await self._redis.xinfo_consumers(stream, self.group)
            for info in consumers:
                name = info["name"].decode() if isinstance(info["name"], bytes) else str(info["name"])
                # Only with nothing pending: deleting a consumer drops its pending entries from the group.
                if name == self.consumer or info["pending"] or info["idle"] < self._dead_consumer_idle_ms:
                    continue
                await self._redis.xgroup_delconsumer(stream, self.group, name)
                pruned.append(name)
        if pruned:
            log.info("dead consumers pruned", extra={"group": self.group, "consumers": pruned})
        return pruned


# Outcomes that leave an entry pending: its handler failed (an attempt counted), or the batch's transaction did.
_UNFINISHED = frozenset({"failed", "aborted"})
_INBOX_INSERTS: dict[str, Any] = {}


def _inbox_insert(dialect: str) -> Any:
    if dialect not in _INBOX_INSERTS:
        insert_into = pg_insert if dialect == "postgresql" else sqlite_insert
        _INBOX_INSERTS[dialect] = (
            insert_into(processed_event).on_conflict_do_nothing().returning(processed_event.c.event_id)
        )
    return _INBOX_INSERTS[dialect]


def _runs(work: list[_Work]) -> list[list[_Work]]:
    """``work`` cut into runs of consecutive events of one type, so handling each run together keeps the
    stream order between types."""
    runs: list[list[_Work]] = []
    for item in work:
        if runs and runs[-1][0].envelope.type == item.envelope.type:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs
