"""Members whose standing, tier, role or status changed in this transaction.

Use cases note each change here; after the commit the entitlement cache drops those members' entries
(see ``usecases.entitlement``), so a check is correct as soon as the change is visible.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

CHANGED_KEY = "membership.changed_members"


def note_member_changed(session: AsyncSession, community_id: str, member_id: str) -> None:
    changed: set[tuple[str, str]] = session.info.setdefault(CHANGED_KEY, set())
    changed.add((community_id, member_id))


def changed_members(session: AsyncSession) -> set[tuple[str, str]]:
    changed: set[tuple[str, str]] = session.info.get(CHANGED_KEY, set())
    return changed
