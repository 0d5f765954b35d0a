"""Typed client of the membership service: one module of calls (and DTOs) per area, composed here."""

from __future__ import annotations

from gateway.clients.membership.community import CommunityCalls, CommunityCreateDTO, CommunityDTO, CommunityPageDTO
from gateway.clients.membership.group import GroupCalls
from gateway.clients.membership.member import MemberCalls


class MembershipClient(CommunityCalls, MemberCalls, GroupCalls):
    service = "membership"


__all__ = ["CommunityCreateDTO", "CommunityDTO", "CommunityPageDTO", "MembershipClient"]
