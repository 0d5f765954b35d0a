"""Test clocks of sandbox communities, shared by every process through one Redis hash.

The membership service owns each sandbox community's clock (frozen time that only an advance moves) and
writes it through to ``guildhall:test-clocks``; every process keeps its ``Clocks`` in step with that hash
(``SandboxClockRefresher``, about once a second), so ``Clocks.now(community_id)`` stays a dictionary
lookup on the hot path. When Redis loses the hash, the owner writes it again from its database.

An advance runs every service's due work at a sequence of step times (``plan_steps``) so that what falls
due on the way happens at its own time, not all at once at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence, Sized
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Protocol
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from redis.asyncio import Redis
from redis.exceptions import RedisError, WatchError

from kit.auth import PrincipalDep, ensure_community_access
from kit.clock import MAX_ADVANCE, Clocks
from kit.db import Sessionmaker
from kit.errors import Conflict, InvalidInput
from kit.schema_rules import IANA_TIME_ZONE

log = logging.getLogger(__name__)

HASH_KEY = "guildhall:test-clocks"
# Written last when the owner repopulates: a hash without it was lost (or never written) and needs the owner.
LOADED_FIELD = "~loaded"
STEP = timedelta(hours=1)

# ``run_community(sessionmaker, *, community_id, now, only)`` of a service's jobs module: {work name: result}.
RunCommunity = Callable[..., Awaitable[Mapping[str, Any]]]
# Reads every sandbox community's clock from the owner's database.
ClockSource = Callable[[], Awaitable[Mapping[str, datetime]]]


def encode(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def decode(text: str | bytes) -> datetime:
    return datetime.fromisoformat(_text(text)).astimezone(UTC)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def publish(redis: Redis, community_id: str, at: datetime) -> None:
    """Write one clock through, never moving it back: two advances finishing out of order keep the later."""
    async with redis.pipeline(transaction=True) as pipe:
        while True:
            try:
                await pipe.watch(HASH_KEY)
                current = await pipe.hget(HASH_KEY, community_id)
                if current is not None and decode(current) >= at:
                    await pipe.reset()  # type: ignore[no-untyped-call]
                    return
                pipe.multi()  # type: ignore[no-untyped-call]
                pipe.hset(HASH_KEY, community_id, encode(at))
                await pipe.execute()
                return
            except WatchError:
                continue


async def repopulate(redis: Redis, times: Mapping[str, datetime]) -> None:
    """The owner's copy of every clock, without overwriting newer ones written meanwhile."""
    for community_id, at in times.items():
        await redis.hsetnx(HASH_KEY, community_id, encode(at))
    await redis.hset(HASH_KEY, LOADED_FIELD, "1")


async def read_all(redis: Redis) -> tuple[dict[str, datetime], bool]:
    """Every clock in the hash, and whether the owner has loaded it since Redis last lost it."""
    raw = {_text(key): value for key, value in (await redis.hgetall(HASH_KEY)).items()}
    times = {key: decode(value) for key, value in raw.items() if key != LOADED_FIELD}
    return times, LOADED_FIELD in raw


async def read_one(redis: Redis, community_id: str) -> datetime | None:
    value = await redis.hget(HASH_KEY, community_id)
    return decode(value) if value is not None else None


def publisher(app: FastAPI, community_id: str, at: datetime) -> Callable[[], Awaitable[None]]:
    """The owner's write-through, for after its commit: this process at once, every other within a refresh."""

    async def publish_committed() -> None:
        app.state.clocks.freeze(community_id, at)
        await publish(app.state.redis, community_id, at)

    return publish_committed


class SandboxClockRefresher:
    """Keeps one process's ``Clocks`` in step with the hash; with ``source`` (the owner), refills a lost hash."""

    def __init__(
        self, *, redis: Redis, clocks: Clocks, source: ClockSource | None = None, interval: float = 1.0
    ) -> None:
        self._redis = redis
        self._clocks = clocks
        self._source = source
        self._interval = interval

    async def refresh_once(self) -> None:
        times, loaded = await read_all(self._redis)
        if not loaded and self._source is not None:
            await repopulate(self._redis, await self._source())
            times, _ = await read_all(self._redis)
        self._clocks.freeze_all(times)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.refresh_once()
            except (RedisError, OSError):
                log.warning("test clocks not refreshed: Redis unavailable", exc_info=True)
            except Exception:
                log.exception("test clocks not refreshed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._interval)


def plan_steps(start: datetime, end: datetime, *, timezone: str, step: timedelta = STEP) -> list[datetime]:
    """The times in ``(start, end]`` at which an advance runs due work: every whole ``step`` of UTC, every
    midnight of ``timezone`` (which UTC hours miss in zones such as +05:45), and ``end`` itself.

    Whatever falls due between two steps runs at the later one, so due work must catch up (take everything
    due up to ``now``), but a community-local day never passes without a step inside it."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return [end] if end == start else []
    unit = step.total_seconds()
    first = datetime.fromtimestamp((start.timestamp() // unit + 1) * unit, UTC)
    grid = {first + i * step for i in range(int((end - first) / step) + 1) if first + i * step <= end}
    return sorted(grid | set(local_midnights(start, end, timezone=timezone)) | {end})


def local_midnights(start: datetime, end: datetime, *, timezone: str) -> list[datetime]:
    """Each start of a day in ``timezone`` inside ``(start, end]``, in UTC."""
    zone = ZoneInfo(timezone)
    day = start.astimezone(zone).date() + timedelta(days=1)
    midnights: list[datetime] = []
    while True:
        # A midnight that a DST change skips becomes the first instant of that day (fold resolves it).
        at = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        if at > end:
            return midnights
        if at > start:
            midnights.append(at)
        day += timedelta(days=1)


def counts_of(result: Any) -> dict[str, int]:
    """What one due-work run reports, as named counts: a number or a collection is ``count``; a dataclass
    or model of numbers (such as an expiry run's notices, expiries, removals) gives each of its fields."""
    if is_dataclass(result) and not isinstance(result, type):
        result = asdict(result)
    elif isinstance(result, BaseModel):
        result = result.model_dump()
    if isinstance(result, Mapping):
        return {str(key): int(value) for key, value in result.items() if isinstance(value, int | float)}
    if result is None:
        return {"count": 0}
    if isinstance(result, bool | int | float):
        return {"count": int(result)}
    if isinstance(result, Sized):
        return {"count": len(result)}
    return {"count": 1}


Ran = dict[str, dict[str, int]]


class DueWorkEntry(Protocol):
    @property
    def every_seconds(self) -> float:
        """The least time between two runs that can find something new; 0 means every step."""
        ...


async def run_steps(
    run_community: RunCommunity,
    sessionmaker: Sessionmaker,
    *,
    due_work: Mapping[str, DueWorkEntry],
    community_id: str,
    steps: Sequence[datetime],
) -> Ran:
    """Each due-work function of one service at the steps its cadence asks for (reckoned in clock time, as
    the worker loop reckons it in real time) and at the last step, in order; counts summed per work name."""
    totals: Ran = {}
    last_run: dict[str, datetime] = {}
    for index, at in enumerate(steps):
        final = index == len(steps) - 1
        for name, work in due_work.items():
            if not final and name in last_run and (at - last_run[name]).total_seconds() < work.every_seconds:
                continue
            last_run[name] = at
            results = await run_community(sessionmaker, community_id=community_id, now=at, only=name)
            for key, value in counts_of(results.get(name)).items():
                counts = totals.setdefault(name, {})
                counts[key] = counts.get(key, 0) + value
    return totals


class DueWorkRun(BaseModel):
    """Run a service's due work over ``(from, to]`` of a sandbox community's test clock."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: AwareDatetime = Field(alias="from")
    to: AwareDatetime
    timezone: str = Field(json_schema_extra=dict(IANA_TIME_ZONE))
    step_seconds: int = Field(default=int(STEP.total_seconds()), ge=60, le=86_400)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, KeyError):
            raise ValueError("must be an IANA time zone name") from None
        return value


class DueWorkRan(BaseModel):
    service: str
    now: datetime
    steps: int
    ran: Ran


async def _clocks(request: Request) -> Clocks:
    clocks: Clocks = request.app.state.clocks
    return clocks


def due_work_router(run_community: RunCommunity, due_work: Mapping[str, DueWorkEntry]) -> APIRouter:
    """``POST /v1/communities/{id}/test-clock/due-work``: what an advance asks of each service but the owner.

    The test clock is read from Redis, not taken from the caller: a service only runs due work up to where
    the owner has already moved the clock, so this can never run a real community's work early."""
    router = APIRouter(prefix="/v1/communities/{community_id}/test-clock", tags=["test clocks"])

    @router.post("/due-work")
    async def run_due_work(
        community_id: str,
        body: DueWorkRun,
        request: Request,
        principal: PrincipalDep,
        clocks: Annotated[Clocks, Depends(_clocks)],
    ) -> DueWorkRan:
        ensure_community_access(principal, community_id)
        now = await read_one(request.app.state.redis, community_id)
        if now is None:
            raise Conflict(f"community {community_id} has no test clock", code="not_a_sandbox")
        if body.to > now:
            raise InvalidInput.of("to", "must not be later than the community's test clock")
        if body.to - body.from_ > MAX_ADVANCE:
            raise InvalidInput.of("from", f"must be at most {MAX_ADVANCE.days} days before to")
        clocks.freeze(community_id, now)
        steps = plan_steps(body.from_, body.to, timezone=body.timezone, step=timedelta(seconds=body.step_seconds))
        ran = await run_steps(
            run_community, request.app.state.sessionmaker, due_work=due_work, community_id=community_id, steps=steps
        )
        return DueWorkRan(service=request.app.state.service_name, now=now, steps=len(steps), ran=ran)

    return router
