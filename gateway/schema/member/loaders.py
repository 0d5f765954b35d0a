"""Loading members by (community id, member id): one list call per community per tick."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from contracts.membership.member import MemberRead
from gateway.clients.membership import MembershipClient
from kit.auth import Principal

MemberKey = tuple[str, str]  # (community id, member id)
BATCH_MAX = 200  # the list endpoint's page limit


def member_loader(principal: Principal, membership: MembershipClient) -> DataLoader[MemberKey, MemberRead | None]:
    async def load(keys: list[MemberKey]) -> Sequence[MemberRead | None]:
        wanted: dict[str, list[str]] = defaultdict(list)
        for community_id, member_id in dict.fromkeys(keys):
            if principal.can_access(community_id):
                wanted[community_id].append(member_id)
        found: dict[MemberKey, MemberRead] = {}
        for community_id, ids in wanted.items():
            for start in range(0, len(ids), BATCH_MAX):
                page = await membership.members_by_id(community_id, ids[start : start + BATCH_MAX])
                found.update({(community_id, member_id): dto for member_id, dto in page.items()})
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)
