"""The gateway's housekeeping: forget what no longer needs keeping, in bounded batches.

- ``processed_webhook`` rows (the ingress's dedupe keys) older than ``webhook_dedupe_retention_hours``:
  no platform redelivers that late (ADR 0010 lists their retry horizons), so the key has done its job.
- ``chat_delivery`` rows that are finished (sent or failed) longer than ``delivery_log_retention_days``;
  queued rows are never touched, however old.

Each batch is its own short transaction (``DELETE … WHERE key IN (SELECT … LIMIT n)``), so pruning a
large backlog never holds locks for long nor blocks the ingress's group commits. Time is passed in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, tuple_

from gateway.models import ChatDelivery, ProcessedWebhook
from gateway.settings import GatewaySettings
from kit.db import Sessionmaker

log = logging.getLogger("guildhall.gateway.housekeeping")

_processed = ProcessedWebhook.__table__  # type: ignore[attr-defined]
_deliveries = ChatDelivery.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Pruned:
    processed_webhooks: int = 0
    deliveries: int = 0


class Housekeeping:
    def __init__(
        self,
        *,
        sessionmaker: Sessionmaker,
        dedupe_retention: timedelta,
        delivery_retention: timedelta,
        interval_seconds: float = 3600.0,
        batch_size: int = 1000,
        max_batches: int = 100,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessionmaker = sessionmaker
        self._dedupe_retention = dedupe_retention
        self._delivery_retention = delivery_retention
        self._interval = interval_seconds
        self._batch_size = batch_size
        self._max_batches = max_batches  # per table and pass: a huge backlog is worked off over several passes
        self._now = now

    @classmethod
    def of(cls, sessionmaker: Sessionmaker, settings: GatewaySettings) -> Housekeeping:
        return cls(
            sessionmaker=sessionmaker,
            dedupe_retention=timedelta(hours=settings.webhook_dedupe_retention_hours),
            delivery_retention=timedelta(days=settings.delivery_log_retention_days),
            interval_seconds=settings.housekeeping_interval_seconds,
            batch_size=settings.housekeeping_batch_size,
        )

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                pruned = await self.run_once()
                if pruned.processed_webhooks or pruned.deliveries:
                    log.info(
                        "gateway housekeeping",
                        extra={"processed_webhooks": pruned.processed_webhooks, "deliveries": pruned.deliveries},
                    )
            except Exception:
                log.exception("gateway housekeeping failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._interval)

    async def run_once(self) -> Pruned:
        now = self._now()
        return Pruned(
            processed_webhooks=await self._prune(self._processed_batch, now - self._dedupe_retention),
            deliveries=await self._prune(self._deliveries_batch, now - self._delivery_retention),
        )

    async def _prune(self, batch: Callable[[datetime], Any], before: datetime) -> int:
        total = 0
        for _ in range(self._max_batches):
            async with self._sessionmaker() as session, session.begin():
                result: Any = await session.exec(batch(before))
            total += result.rowcount
            if result.rowcount < self._batch_size:
                break
        return total

    def _processed_batch(self, before: datetime) -> Any:
        keys = (
            select(_processed.c.connection_id, _processed.c.dedupe_key)
            .where(_processed.c.received_at < before)
            .limit(self._batch_size)
        )
        return delete(_processed).where(tuple_(_processed.c.connection_id, _processed.c.dedupe_key).in_(keys))

    def _deliveries_batch(self, before: datetime) -> Any:
        ids = (
            select(_deliveries.c.id)
            .where(_deliveries.c.status.in_(("sent", "failed")), _deliveries.c.finished_at < before)
            .limit(self._batch_size)
        )
        return delete(_deliveries).where(_deliveries.c.id.in_(ids))
