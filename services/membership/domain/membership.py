"""The membership state machine: which status may follow which."""

from __future__ import annotations

from contracts.membership.member import Status as Status

# Statuses in which a person is inside the community (counts against capacity, holds entitlements).
INSIDE = frozenset({Status.PROBATION, Status.ACTIVE})
# Statuses from which a person may come back in through a gate.
OUTSIDE = frozenset({Status.EXPIRED, Status.LEFT, Status.REMOVED})

_ENTRY = frozenset({Status.APPLIED, Status.PENDING_PAYMENT, Status.PROBATION, Status.ACTIVE})

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.APPLIED: frozenset(
        {Status.PENDING_PAYMENT, Status.PROBATION, Status.ACTIVE, Status.LEFT, Status.REMOVED, Status.BANNED}
    ),
    Status.PENDING_PAYMENT: frozenset({Status.PROBATION, Status.ACTIVE, Status.LEFT, Status.REMOVED, Status.BANNED}),
    Status.PROBATION: frozenset({Status.ACTIVE, Status.EXPIRED, Status.LEFT, Status.REMOVED, Status.BANNED}),
    Status.ACTIVE: frozenset({Status.PROBATION, Status.EXPIRED, Status.LEFT, Status.REMOVED, Status.BANNED}),
    Status.EXPIRED: _ENTRY | {Status.LEFT, Status.REMOVED, Status.BANNED},
    Status.LEFT: _ENTRY | {Status.BANNED},
    Status.REMOVED: _ENTRY | {Status.BANNED},
    # Lifting a ban leaves the person outside; they come back in through a gate like anyone else.
    Status.BANNED: frozenset({Status.REMOVED}),
}


class TransitionNotAllowed(ValueError):
    def __init__(self, from_status: Status, to_status: Status) -> None:
        allowed = ", ".join(sorted(ALLOWED[from_status])) or "none"
        super().__init__(f"a membership that is {from_status} cannot become {to_status} (allowed: {allowed})")
        self.from_status = from_status
        self.to_status = to_status


def ensure_transition(from_status: Status, to_status: Status) -> None:
    if to_status not in ALLOWED[from_status]:
        raise TransitionNotAllowed(from_status, to_status)


def is_inside(status: str) -> bool:
    return status in INSIDE
