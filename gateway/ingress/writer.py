"""Group commit for the ingress: deliveries that arrive together are committed together.

Each request hands its verified delivery to the writer and waits for the commit of the group it joined;
only then is it acknowledged, so an ack still means "committed with its outbox events". While one group
commits, the next fills up; an idle writer commits a lone delivery at once, so nothing waits for a timer.
One transaction (and one fsync) per group instead of per delivery, and one writer instead of every
request fighting for SQLite's write lock. A group that fails is retried one delivery at a time, so one bad
delivery fails only its own request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from gateway.ingress.record import Delivery, record_deliveries
from kit.context import current_request_id
from kit.db import Sessionmaker
from kit.events import EventData

log = logging.getLogger("guildhall.ingress")


@dataclass
class _Pending:
    delivery: Delivery
    done: asyncio.Future[bool] = field(repr=False)


class DeliveryWriter:
    def __init__(self, sessionmaker: Sessionmaker, *, max_group: int = 200) -> None:
        self._sessionmaker = sessionmaker
        self._max_group = max_group
        self._pending: list[_Pending] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    async def record(
        self,
        *,
        connection_id: str,
        community_id: str,
        dedupe_key: str | None,
        events: Sequence[EventData],
        now: datetime,
    ) -> bool:
        """Commit the delivery (its dedupe row and its events) with its group; True when it was new."""
        if self._closed:
            raise RuntimeError("the delivery writer is closed")
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        delivery = Delivery(connection_id, community_id, dedupe_key, events, now, current_request_id())
        self._pending.append(_Pending(delivery, done))
        self._wakeup.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="ingress delivery writer")
        return await asyncio.shield(done)  # a client that hangs up does not take the group down with it

    async def close(self) -> None:
        """Commit what is pending, then stop."""
        self._closed = True
        self._wakeup.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                group, self._pending = self._pending[: self._max_group], self._pending[self._max_group :]
                await self._commit(group)
            if self._closed:
                return

    async def _commit(self, group: list[_Pending]) -> None:
        try:
            async with self._sessionmaker() as session, session.begin():
                results = await record_deliveries(session, [pending.delivery for pending in group])
        except Exception as error:
            if len(group) > 1:
                for pending in group:  # find the one that fails; the others still commit
                    await self._commit([pending])
                return
            log.warning("webhook delivery not recorded", exc_info=True)
            if not group[0].done.done():
                group[0].done.set_exception(error)
            return
        for pending, new in zip(group, results, strict=True):
            if not pending.done.done():
                pending.done.set_result(new)
