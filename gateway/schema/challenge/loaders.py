"""Loading members' challenge enrollments by (community id, member id): one batch call per community per tick;
and challenges by (community id, challenge id): one call per challenge a page names, however many times."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from contracts.gamification.challenge import ChallengeRead, EnrollmentRead
from gateway.clients import ServiceProblem
from gateway.clients.challenges import ChallengeCalls
from kit.auth import Principal

MemberKey = tuple[str, str]  # (community id, member id)
ChallengeKey = tuple[str, str]  # (community id, challenge id)
BATCH_MAX = 200  # the batch endpoint's limit


def member_enrollments_loader(
    principal: Principal, gamification: ChallengeCalls
) -> DataLoader[MemberKey, list[EnrollmentRead]]:
    async def load(keys: list[MemberKey]) -> Sequence[list[EnrollmentRead]]:
        wanted: dict[str, list[str]] = defaultdict(list)
        for community_id, member_id in dict.fromkeys(keys):
            # A community the caller may not see reads as one where the member has no enrollments.
            if principal.can_access(community_id):
                wanted[community_id].append(member_id)
        found: dict[MemberKey, list[EnrollmentRead]] = {}
        for community_id, ids in wanted.items():
            for start in range(0, len(ids), BATCH_MAX):
                batch = await gamification.enrollments_of_members(community_id, ids[start : start + BATCH_MAX])
                found.update({(community_id, member_id): rows for member_id, rows in batch.items()})
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def challenge_loader(
    principal: Principal, gamification: ChallengeCalls
) -> DataLoader[ChallengeKey, ChallengeRead | None]:
    async def one(key: ChallengeKey) -> ChallengeRead | None:
        try:
            return await gamification.challenge(*key)
        except ServiceProblem as problem:
            if problem.status == 404:
                return None
            raise

    async def load(keys: list[ChallengeKey]) -> Sequence[ChallengeRead | None]:
        # A community the caller may not see reads as one without the challenge.
        wanted = [key for key in dict.fromkeys(keys) if principal.can_access(key[0])]
        found = dict(zip(wanted, await asyncio.gather(*(one(key) for key in wanted)), strict=True))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)
