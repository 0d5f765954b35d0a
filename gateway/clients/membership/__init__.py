"""Typed client of the membership service: one module of calls (and DTOs) per area, composed here."""

from __future__ import annotations

from gateway.clients.membership.community import CommunityCalls, CommunityCreateDTO, CommunityDTO, CommunityPageDTO
from gateway.clients.membership.gate import GateCalls
from gateway.clients.membership.tier import TierCalls, TierDTO


class MembershipClient(CommunityCalls, TierCalls, GateCalls):
    service = "membership"


__all__ = ["CommunityCreateDTO", "CommunityDTO", "CommunityPageDTO", "MembershipClient", "TierDTO"]
