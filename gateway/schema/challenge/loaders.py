"""Loading members' challenge enrollments by (community id, member id): one batch call per community per tick."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from gateway.clients.challenges import ChallengeCalls, EnrollmentDTO
from kit.auth import Principal

MemberKey = tuple[str, str]  # (community id, member id)
BATCH_MAX = 200  # the batch endpoint's limit


def member_enrollments_loader(
    principal: Principal, gamification: ChallengeCalls
) -> DataLoader[MemberKey, list[EnrollmentDTO]]:
    async def load(keys: list[MemberKey]) -> Sequence[list[EnrollmentDTO]]:
        wanted: dict[str, list[str]] = defaultdict(list)
        for community_id, member_id in dict.fromkeys(keys):
            # A community the caller may not see reads as one where the member has no enrollments.
            if principal.can_access(community_id):
                wanted[community_id].append(member_id)
        found: dict[MemberKey, list[EnrollmentDTO]] = {}
        for community_id, ids in wanted.items():
            for start in range(0, len(ids), BATCH_MAX):
                batch = await gamification.enrollments_of_members(community_id, ids[start : start + BATCH_MAX])
                found.update({(community_id, member_id): rows for member_id, rows in batch.items()})
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
