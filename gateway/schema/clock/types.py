"""GraphQL types of sandbox communities' test clocks."""

from __future__ import annotations

from datetime import datetime

import strawberry

from kit.sandbox_clock import Ran


@strawberry.type(description="A sandbox community's own time: frozen until an admin advances it.")
class TestClock:
    now: datetime

    __test__ = False  # not a pytest class, whatever its name


@strawberry.type(description="One named count of what a piece of due work did, e.g. expired: 1.")
class DueWorkCount:
    name: str
    value: int


@strawberry.type(description="What one service's due work (e.g. membership.expiry) did during an advance.")
class DueWorkRun:
    service: str
    work: str = strawberry.field(description="The due work's dotted name, e.g. membership.expiry.")
    counts: list[DueWorkCount]

    @classmethod
    def all_from(cls, service: str, ran: Ran) -> list[DueWorkRun]:
        return [
            cls(
                service=service,
                work=work,
                counts=[DueWorkCount(name=name, value=value) for name, value in sorted(counts.items())],
            )
            for work, counts in ran.items()
        ]
