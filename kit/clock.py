"""An injectable clock, per community, so tests and sandbox communities can move time deterministically."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

# How far one advance of a test clock may go: a year of rollovers and then some, never an accident of units.
MAX_ADVANCE = timedelta(days=400)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: for tests and test clocks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start: a ManualClock needs a timezone-aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("delta: a clock never moves backwards")
        self._now += delta
        return self._now

    def advance_to(self, at: datetime) -> datetime:
        """Moves to ``at`` when that is later; an older time (a stale copy) changes nothing."""
        self._now = max(self._now, at.astimezone(UTC))
        return self._now


class Clocks:
    """Hands out the clock of a community: the system clock unless that community has its own."""

    def __init__(self, default: Clock | None = None) -> None:
        self.default: Clock = default or SystemClock()
        self._by_community: dict[str, Clock] = {}

    def for_community(self, community_id: str | None) -> Clock:
        if community_id is None:
            return self.default
        return self._by_community.get(community_id, self.default)

    def set(self, community_id: str, clock: Clock) -> None:
        self._by_community[community_id] = clock

    def now(self, community_id: str | None = None) -> datetime:
        return self.for_community(community_id).now()

    def freeze(self, community_id: str, at: datetime) -> datetime:
        """A sandbox community's test clock stands at ``at`` (or later, if this process already saw later)."""
        clock = self._by_community.get(community_id)
        if isinstance(clock, ManualClock):
            return clock.advance_to(at)
        self._by_community[community_id] = ManualClock(at)
        return at.astimezone(UTC)

    def freeze_all(self, times: Mapping[str, datetime]) -> None:
        for community_id, at in times.items():
            self.freeze(community_id, at)
