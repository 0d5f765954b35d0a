"""Process-local wake-ups for the event backbone's loops, so that idle costs nothing and work is not delayed.

A relay sleeps while its outbox is empty and a consumer while its streams are (the in-process Redis stand-in
cannot block on XREADGROUP). Each loop holds a ``Bell`` of a ``Doorbell``: a commit that wrote outbox rows rings
``OUTBOX``, a relay that published rings ``STREAMS``, and a ringing wakes every bell at once. A bell stays rung
until its loop has woken, so a ring that comes while the loop is busy is not lost. Loops still wake on a timeout
(growing while nothing happens), for work another process wrote: a CLI command's events, a retry falling due.
"""

from __future__ import annotations

import asyncio
import weakref

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

_RINGS_ON_COMMIT = "guildhall.doorbell.rings_on_commit"


class Bell:
    """One loop's latch: rung by its doorbell, cleared when the loop wakes."""

    def __init__(self) -> None:
        self._rung = False
        self._waiter: asyncio.Future[None] | None = None

    def ring(self) -> None:
        self._rung = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def wait(self, stop: asyncio.Event, *, within: float) -> bool:
        """Until rung, ``stop`` is set or ``within`` seconds pass; whether it was rung."""
        if not self._rung and not stop.is_set():
            loop = asyncio.get_running_loop()
            self._waiter = loop.create_future()
            stopping = asyncio.ensure_future(stop.wait())
            stopping.add_done_callback(lambda _: self._wake())
            handle = loop.call_later(within, self._wake)
            try:
                await self._waiter
            finally:
                handle.cancel()
                stopping.cancel()
                self._waiter = None
        rung, self._rung = self._rung, False
        return rung

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class Doorbell:
    """Rings every bell of this process that listens to it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._bells: weakref.WeakSet[Bell] = weakref.WeakSet()

    def bell(self) -> Bell:
        bell = Bell()
        self._bells.add(bell)
        return bell

    def ring(self) -> None:
        for bell in list(self._bells):
            bell.ring()


OUTBOX = Doorbell("outbox")  # a transaction that wrote outbox rows committed
STREAMS = Doorbell("streams")  # a relay published entries to the streams


def ring_outbox_on_commit(session: AsyncSession) -> None:
    """Ring ``OUTBOX`` when the transaction that is writing outbox rows in ``session`` commits."""
    session.sync_session.info[_RINGS_ON_COMMIT] = True


# One listener for every session, not one per transaction: a commit looks at one flag, set only by a session
# that wrote outbox rows; a rollback drops the flag with the rows.
@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_RINGS_ON_COMMIT, False):
        OUTBOX.ring()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_RINGS_ON_COMMIT, None)
