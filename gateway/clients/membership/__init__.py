"""Typed client of the membership service: one module of calls (and DTOs) per area, composed here."""

from __future__ import annotations

from gateway.clients.membership.access import AccessCalls
from gateway.clients.membership.community import CommunityCalls, CommunityCreateDTO, CommunityDTO, CommunityPageDTO


class MembershipClient(CommunityCalls, AccessCalls):
    service = "membership"


__all__ = ["CommunityCreateDTO", "CommunityDTO", "CommunityPageDTO", "MembershipClient"]
