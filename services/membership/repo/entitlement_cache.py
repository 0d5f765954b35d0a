"""The entitlement cache in Redis: one decision snapshot per member, checked against generations.

Keys (the ``{community}`` hash tag keeps a community's keys in one Redis Cluster slot, so one MGET
reads them all):

- ``ent:{cid}:gen``            bumped when a tier or group of the community changes
- ``ent:{cid}:m:<mid>:gen``    bumped when that member's membership changes
- ``ent:{cid}:m:<mid>``        the snapshot, stored with the two generations it was read under

A snapshot counts only while both generations still match. A reader takes the generations in the
same MGET as the snapshot, before it reads the database on a miss, and stores what it read under
those generations: a change committed in between bumped one of them, so the stale snapshot it
writes is never used. A check after a commit therefore sees the change, with no TTL involved; the
TTL only bounds how long a snapshot lives if an invalidation is ever lost (Redis unreachable).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from services.membership.domain.entitlement import Snapshot

# A member's generation outlives any snapshot tagged with it by far; an idle one may then vanish.
GENERATION_TTL_SECONDS = 24 * 3600
Generations = tuple[int, int]  # (member, community)


@dataclass(frozen=True)
class Cached:
    member_id: str
    generations: Generations
    snapshot: Snapshot | None  # None: a miss


def _community_gen(community_id: str) -> str:
    return f"ent:{{{community_id}}}:gen"


def _member_gen(community_id: str, member_id: str) -> str:
    return f"ent:{{{community_id}}}:m:{member_id}:gen"


def _snapshot(community_id: str, member_id: str) -> str:
    return f"ent:{{{community_id}}}:m:{member_id}"


class EntitlementCache:
    def __init__(self, redis: Redis, *, ttl_seconds: int = 60) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds

    async def read(self, community_id: str, member_ids: Sequence[str]) -> list[Cached]:
        keys = [_community_gen(community_id)]
        for member_id in member_ids:
            keys += (_snapshot(community_id, member_id), _member_gen(community_id, member_id))
        values = await self.redis.mget(keys)
        community_gen = int(values[0] or 0)
        found = []
        for index, member_id in enumerate(member_ids):
            raw, member_gen = values[1 + 2 * index], int(values[2 + 2 * index] or 0)
            generations = (member_gen, community_gen)
            found.append(Cached(member_id, generations, _valid(raw, generations)))
        return found

    async def write(self, community_id: str, entries: Iterable[tuple[str, Generations, Snapshot]]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for member_id, generations, snapshot in entries:
                value = json.dumps({"g": list(generations), "v": snapshot.to_dict()}, separators=(",", ":"))
                pipe.set(_snapshot(community_id, member_id), value, ex=self.ttl_seconds)
            await pipe.execute()

    async def invalidate(self, *, members: Iterable[tuple[str, str]], communities: Iterable[str]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for community_id, member_id in members:
                pipe.incr(_member_gen(community_id, member_id))
                pipe.expire(_member_gen(community_id, member_id), GENERATION_TTL_SECONDS)
                pipe.delete(_snapshot(community_id, member_id))
            for community_id in communities:
                pipe.incr(_community_gen(community_id))
            await pipe.execute()


def _valid(raw: bytes | str | None, generations: Generations) -> Snapshot | None:
    if raw is None:
        return None
    stored = json.loads(raw)
    if tuple(stored["g"]) != generations:
        return None
    return Snapshot.from_dict(stored["v"])
