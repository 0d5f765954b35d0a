"""A consumer group's failed attempts and its dead letters (ADR 0030).

An attempt counts against an entry only when that entry's own handler raised: the count lives in a Redis
hash per group (``failures.<group>``, field ``<stream> <entry id>``), not in the stream's delivery count,
which also grows every time a consumer that crashed holding the entry has it claimed away. An entry whose
handler failed ``max_attempts`` times goes to ``dead.<group>``; ``redrive`` puts dead letters back on
their source stream, where the group's inbox keeps a replay from changing anything twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from kit.events.envelope import dead_letter_stream_of
from kit.metrics import DEAD_LETTERS


def failures_key(group: str) -> str:
    return f"failures.{group}"


def _field(stream: str, entry_id: bytes | str) -> str:
    return f"{stream} {_text(entry_id)}"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class FailureCounts:
    """How often each entry's own handler failed, per consumer group."""

    def __init__(self, redis: Redis, group: str) -> None:
        self._redis = redis
        self._key = failures_key(group)

    async def of(self, stream: str, entry_ids: Sequence[bytes | str]) -> list[int]:
        if not entry_ids:
            return []
        counts: list[Any] = await self._redis.hmget(self._key, [_field(stream, e) for e in entry_ids])
        return [int(count) if count is not None else 0 for count in counts]

    async def record(self, stream: str, entry_ids: Sequence[bytes | str]) -> None:
        if not entry_ids:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for entry_id in entry_ids:
                pipe.hincrby(self._key, _field(stream, entry_id), 1)
            await pipe.execute()

    async def forget(self, stream: str, entry_ids: Sequence[bytes | str]) -> None:
        if entry_ids:
            await self._redis.hdel(self._key, *(_field(stream, e) for e in entry_ids))


@dataclass(frozen=True)
class DeadLetter:
    dead_id: str  # the entry's id in dead.<group>
    stream: str  # where it came from
    entry_id: str  # its id there
    event_type: str | None
    reason: str
    dead_at: str
    envelope: bytes

    @property
    def redrivable(self) -> bool:
        """An entry that never had an envelope would only come straight back."""
        return bool(self.envelope) and bool(self.stream)


async def dead_letters(redis: Redis, group: str) -> list[DeadLetter]:
    """``dead.<group>`` oldest first."""
    found: Any = await redis.xrange(dead_letter_stream_of(group))
    return [_dead_letter(dead_id, fields) for dead_id, fields in found]


async def depth(redis: Redis, group: str) -> int:
    """How many entries ``dead.<group>`` holds; also kept as the ``guildhall_dead_letters`` gauge."""
    count = int(await redis.xlen(dead_letter_stream_of(group)))
    DEAD_LETTERS.labels(group).set(count)
    return count


async def redrive(redis: Redis, group: str, *, dry_run: bool = False) -> list[DeadLetter]:
    """Put the group's dead letters back on their source streams (as new entries) and clear them; the
    ones moved (with ``dry_run``: the ones that would be). Each is added before it is deleted, so a crash
    in between leaves a duplicate, which the inbox turns into a no-op, never a loss."""
    letters = [letter for letter in await dead_letters(redis, group) if letter.redrivable]
    if dry_run:
        return letters
    for letter in letters:
        await redis.xadd(letter.stream, {"envelope": letter.envelope})
        await redis.xdel(dead_letter_stream_of(group), letter.dead_id)
    await depth(redis, group)
    return letters


def _dead_letter(dead_id: bytes | str, raw: dict[Any, Any]) -> DeadLetter:
    fields = {_text(k): v for k, v in raw.items()}
    envelope = fields.get("envelope", b"")
    envelope = envelope.encode() if isinstance(envelope, str) else envelope
    return DeadLetter(
        dead_id=_text(dead_id),
        stream=_text(fields.get("stream", b"")),
        entry_id=_text(fields.get("entry_id", b"")),
        event_type=_event_type(envelope),
        reason=_text(fields.get("reason", b"")),
        dead_at=_text(fields.get("dead_at", b"")),
        envelope=envelope,
    )


def _event_type(envelope: bytes) -> str | None:
    try:
        parsed = json.loads(envelope)
    except ValueError:
        return None
    kind = parsed.get("type") if isinstance(parsed, dict) else None
    return kind if isinstance(kind, str) else None
