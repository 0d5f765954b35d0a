"""After a membership session commits, the entitlement cache forgets what the commit changed.

Installed on the service's sessionmaker, so every writer is covered: request sessions, event
consumers, jobs and the CLI alike, without any of them remembering to do it.

- ``after_flush`` notes what the flush wrote: a membership row (its member), a tier or a group (its
  whole community). Use cases also note members themselves (``note_member_changed``); core
  ``UPDATE`` statements (seat and group counts) are not seen, and do not affect entitlements.
- ``after_commit`` bumps the generations of what was noted, before ``commit()`` returns to the caller,
  so the very next request reads the change. SQLAlchemy calls it synchronously inside the async
  session's greenlet, where ``await_only`` runs the Redis pipeline on the event loop.
  Notes from a rolled-back transaction die with their session (or cost one needless bump).

A Redis failure here is logged and swallowed: the change is committed and must be reported as done;
cached snapshots then live out their TTL (ADR 0011).
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session as SaSession
from sqlalchemy.util import await_only
from sqlmodel import Session

from kit.db import Sessionmaker
from services.membership.models import Group, Membership, Tier
from services.membership.repo.entitlement_cache import EntitlementCache
from services.membership.usecases.changes import note_community_changed, note_member_changed, take_changes

log = logging.getLogger(__name__)
CACHE_INFO_KEY = "membership.entitlement_cache"


class TrackedSession(Session):
    """The synchronous session under the service's async sessions, with the listeners below."""


def _after_flush(session: SaSession, _: Any) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Membership):
            note_member_changed(session, row.community_id, row.member_id)
        elif isinstance(row, Tier | Group):
            note_community_changed(session, row.community_id)


def _after_commit(session: SaSession) -> None:
    members, communities = take_changes(session)
    cache: EntitlementCache | None = session.info.get(CACHE_INFO_KEY)
    if cache is None or not (members or communities):
        return
    try:
        await_only(cache.invalidate(members=members, communities=communities))
    except (RedisError, OSError) as error:
        log.warning(
            "entitlement cache not invalidated (%d members, %d communities): %r", len(members), len(communities), error
        )


event.listen(TrackedSession, "after_flush", _after_flush)
event.listen(TrackedSession, "after_commit", _after_commit)


def track_changes(sessionmaker: Sessionmaker, cache: EntitlementCache) -> None:
    """Make every session of ``sessionmaker`` invalidate ``cache`` after it commits."""
    info = {**sessionmaker.kw.get("info", {}), CACHE_INFO_KEY: cache}
    sessionmaker.configure(sync_session_class=TrackedSession, info=info)
