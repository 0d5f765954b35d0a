"""The sender's group commit: calls that arrive while a group is written share the next write, a lone call
is written at once, and a failing call fails only itself."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from gateway.dispatch.grouping import GroupWriter


class Recorder:
    def __init__(self, *, bad: str | None = None) -> None:
        self.writes: list[list[str]] = []
        self.bad = bad

    async def write(self, items: Sequence[str]) -> list[str]:
        self.writes.append(list(items))
        await asyncio.sleep(0.01)  # a transaction's round trips: others arrive meanwhile
        if self.bad in items:
            raise ValueError(f"cannot write {self.bad}")
        return [item.upper() for item in items]


async def test_calls_that_arrive_during_a_write_share_the_next_one() -> None:
    recorder = Recorder()
    writer = GroupWriter(recorder.write)

    first = asyncio.create_task(writer.submit("a"))
    await asyncio.sleep(0.001)  # "a" is being written, alone: nothing waited for company
    results = await asyncio.gather(*(writer.submit(item) for item in ["b", "c", "d"]))

    assert (await first, results) == ("A", ["B", "C", "D"])
    assert recorder.writes == [["a"], ["b", "c", "d"]]


async def test_a_group_is_at_most_max_group_calls() -> None:
    recorder = Recorder()
    writer = GroupWriter(recorder.write, max_group=2)

    await asyncio.gather(*(writer.submit(item) for item in ["a", "b", "c", "d", "e"]))

    assert recorder.writes == [["a", "b"], ["c", "d"], ["e"]]


async def test_a_failing_call_fails_alone_and_the_others_are_written() -> None:
    recorder = Recorder(bad="c")
    writer = GroupWriter(recorder.write)

    results = await asyncio.gather(*(writer.submit(item) for item in ["a", "b", "c", "d"]), return_exceptions=True)

    assert results[:2] == ["A", "B"] and results[3] == "D"
    assert isinstance(results[2], ValueError)
    assert recorder.writes == [["a", "b", "c", "d"], ["a"], ["b"], ["c"], ["d"]]


async def test_the_writer_leaves_no_task_behind_when_idle() -> None:
    writer = GroupWriter(Recorder().write)

    assert await writer.submit("x") == "X"
    await asyncio.sleep(0)

    assert writer._task is not None and writer._task.done()
    with pytest.raises(ValueError, match="cannot write y"):
        await GroupWriter(Recorder(bad="y").write).submit("y")
