"""A loop sleeps until its doorbell rings, its stop is set or its timeout passes, and a ring that comes while it
is busy is kept for it."""

from __future__ import annotations

import asyncio

from kit.events.doorbell import Doorbell


async def test_a_ring_before_the_wait_is_kept_and_wakes_at_once() -> None:
    doorbell = Doorbell("test")
    bell = doorbell.bell()
    doorbell.ring()

    rung = await asyncio.wait_for(bell.wait(asyncio.Event(), within=30), timeout=5)
    again = await bell.wait(asyncio.Event(), within=0.01)

    assert (rung, again) == (True, False)


async def test_a_ring_during_the_wait_wakes_every_bell() -> None:
    doorbell = Doorbell("test")
    bells = [doorbell.bell(), doorbell.bell()]
    waits = [asyncio.ensure_future(bell.wait(asyncio.Event(), within=30)) for bell in bells]
    await asyncio.sleep(0)

    doorbell.ring()

    assert await asyncio.wait_for(asyncio.gather(*waits), timeout=5) == [True, True]


async def test_stop_wakes_a_waiting_bell_and_a_quiet_one_times_out() -> None:
    bell = Doorbell("test").bell()
    stop = asyncio.Event()
    waiting = asyncio.ensure_future(bell.wait(stop, within=30))
    await asyncio.sleep(0)

    stop.set()

    assert await asyncio.wait_for(waiting, timeout=5) is False
    assert await Doorbell("quiet").bell().wait(asyncio.Event(), within=0.01) is False
