"""Typed client of the membership service: one module of calls per area, composed here; answers are parsed into
``contracts.membership``."""

from __future__ import annotations

from gateway.clients.membership.access import AccessCalls
from gateway.clients.membership.community import CommunityCalls
from gateway.clients.membership.gate import GateCalls
from gateway.clients.membership.group import GroupCalls
from gateway.clients.membership.member import MemberCalls
from gateway.clients.membership.moderation import ModerationCalls
from gateway.clients.membership.purge import PurgeCalls
from gateway.clients.membership.standing import StandingCalls
from gateway.clients.membership.tier import TierCalls
from gateway.clients.sandbox_clock import ClockAdvanceCalls


class MembershipClient(
    CommunityCalls,
    MemberCalls,
    GroupCalls,
    TierCalls,
    GateCalls,
    ModerationCalls,
    StandingCalls,
    PurgeCalls,
    AccessCalls,
    ClockAdvanceCalls,
):
    service = "membership"


__all__ = ["MembershipClient"]
