"""GraphQL types of sandbox communities' test clocks."""

from __future__ import annotations

from datetime import datetime

import strawberry

from kit.sandbox_clock import Ran


@strawberry.type(description="A sandbox community's own time: frozen until an admin advances it.")
class TestClock:
    now: datetime = strawberry.field(description="The community's time now, as its services reckon it.")

    __test__ = False  # not a pytest class, whatever its name


@strawberry.type(description="One named count of what a piece of due work did, e.g. expired: 1.")
class DueWorkCount:
    name: str = strawberry.field(
        description="What was counted: count, or one of the due work's own counts (e.g. notices, expiries, removals)."
    )
    value: int = strawberry.field(description="How many, summed over every step of the advance.")


@strawberry.type(description="What one service's due work (e.g. membership.expiry) did during an advance.")
class DueWorkRun:
    service: str = strawberry.field(description="The service that ran it: membership, gamification or content.")
    work: str = strawberry.field(description="The due work's dotted name, e.g. membership.expiry.")
    counts: list[DueWorkCount] = strawberry.field(description="What it did, one count per name, by name.")

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
