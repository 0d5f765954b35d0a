"""Members whose standing, tier, role or status changed in this transaction.

Use cases note each change here; after the commit the entitlement cache drops those members' entries
(see ``usecases.invalidation``), so a check is correct as soon as the change is visible.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

CHANGED_KEY = "membership.changed_members"


def note_member_changed(session: AsyncSession | Session, community_id: str, member_id: str) -> None:
    changed: set[tuple[str, str]] = session.info.setdefault(CHANGED_KEY, set())
    changed.add((community_id, member_id))


CHANGED_COMMUNITIES_KEY = "membership.changed_communities"


def note_community_changed(session: AsyncSession | Session, community_id: str) -> None:
    """A tier or group changed: every member's entitlements in the community may have changed."""
    changed: set[str] = session.info.setdefault(CHANGED_COMMUNITIES_KEY, set())
    changed.add(community_id)


def take_changes(session: Session) -> tuple[set[tuple[str, str]], set[str]]:
    """The members and communities noted so far, forgotten as they are handed out."""
    return session.info.pop(CHANGED_KEY, set()), session.info.pop(CHANGED_COMMUNITIES_KEY, set())
