"""Who sent a chat message, as the chat consumer resolved them: the input of activity and spam checks."""

from __future__ import annotations

from dataclasses import dataclass

from services.membership.models import Group, Member, Membership


@dataclass
class Sender:
    member: Member
    membership: Membership | None
    # The bound group the message arrived in; None for a chat that no group of the community binds.
    group: Group | None
    # Messages this member has sent in the community before this one (newcomer heuristics look at it).
    earlier_messages: int
