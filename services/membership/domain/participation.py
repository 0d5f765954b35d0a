"""Participation: what a member does in the product besides chatting, read from other services' events.

A check-in, a makeup check-in, a claimed probe, a redeemed reward (and later a submission, an RSVP, a vote,
a hosted day) is activity just as a message is: it keeps a member off the purge list, counts towards
standing and moves ``last_active_at``. ``SOURCES`` is the one table of which event means which kind; each
kind names the payload field that identifies the thing done, so the same act counts once however often
its event arrives (ADR 0028).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ParticipationKind(StrEnum):
    CHECKIN = "checkin"
    MAKEUP_CHECKIN = "makeup_checkin"
    PROBE_CLAIM = "probe_claim"
    REDEMPTION = "redemption"


# The kinds that are check-ins too (the ``checkins`` counter of a day, a standing metric of its own).
CHECKIN_KINDS = frozenset({ParticipationKind.CHECKIN, ParticipationKind.MAKEUP_CHECKIN})


@dataclass(frozen=True)
class Source:
    """How one event type reads as participation: its kind, and the payload field naming what was done.

    ``makeup`` is the kind when the payload's ``makeup`` flag is set (a check-in made up later)."""

    kind: ParticipationKind
    ref: str
    makeup: ParticipationKind | None = None


# event type → participation. A new kind is one line here (and its event model in ``consumers.PARTICIPATIONS``).
SOURCES: Mapping[str, Source] = {
    "checkin.recorded": Source(ParticipationKind.CHECKIN, ref="checkin_id", makeup=ParticipationKind.MAKEUP_CHECKIN),
    "probe.claimed": Source(ParticipationKind.PROBE_CLAIM, ref="claim_id"),
    "reward.redeemed": Source(ParticipationKind.REDEMPTION, ref="redemption_id"),
}


@dataclass(frozen=True)
class Participation:
    kind: ParticipationKind
    member_id: str
    # The id of the check-in, claim, redemption, ...: a participation counts once per ref.
    ref: str

    @property
    def checkins(self) -> int:
        return 1 if self.kind in CHECKIN_KINDS else 0


def participation_of(event_type: str, data: Mapping[str, Any]) -> Participation | None:
    """The participation an event records, or None for an event that is none."""
    source = SOURCES.get(event_type)
    if source is None:
        return None
    kind = source.makeup if source.makeup is not None and data.get("makeup") else source.kind
    return Participation(kind=kind, member_id=str(data["member_id"]), ref=str(data[source.ref]))
