"""Group commit for the sender's writes: calls that arrive while one group is being written join the next.

A claim (the lease ``UPDATE``) and a sent outcome (its row and its ``chat.delivered``) each cost a transaction
of a few round trips and far more CPU in the driver and the ORM than the statement itself. Under load they
pile up while one is written, so they are written together: one transaction per group. An idle writer
writes a lone call at once, so nothing waits for a timer. A group that fails is written again one call at a
time, so one bad call fails only itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Waiting(Generic[T, R]):
    item: T
    done: asyncio.Future[R] = field(repr=False)


class GroupWriter(Generic[T, R]):
    def __init__(self, write: Callable[[Sequence[T]], Awaitable[Sequence[R]]], *, max_group: int = 100) -> None:
        self._write = write
        self._max_group = max_group
        self._waiting: list[_Waiting[T, R]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Write ``item`` with the next group; its own result once that group is committed."""
        done: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        done.add_done_callback(_retrieved)  # a caller cancelled meanwhile never reads its error: no warning
        self._waiting.append(_Waiting(item, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return await asyncio.shield(done)  # a cancelled caller does not take its group down

    async def _run(self) -> None:
        # Ends as soon as nothing waits (no idle task outlives the sender); the next submit starts another.
        while self._waiting:
            group, self._waiting = self._waiting[: self._max_group], self._waiting[self._max_group :]
            await self._commit(group)

    async def _commit(self, group: list[_Waiting[T, R]]) -> None:
        try:
            results = await self._write([waiting.item for waiting in group])
        except Exception as error:  # noqa: BLE001 - each caller gets its own error
            if len(group) > 1:
                for waiting in group:
                    await self._commit([waiting])
                return
            if not group[0].done.done():
                group[0].done.set_exception(error)
            return
        for waiting, result in zip(group, results, strict=True):
            if not waiting.done.done():
                waiting.done.set_result(result)


def _retrieved(future: asyncio.Future[R]) -> None:
    if not future.cancelled():
        future.exception()
