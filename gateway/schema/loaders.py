"""Per-request DataLoaders: every field that needs another service's data asks a loader, and each
loader turns one tick's worth of keys into one batch call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from contracts.content.welcome import WelcomeTemplateRead
from contracts.gamification.badge import AwardRead
from contracts.gamification.challenge import ChallengeRead, EnrollmentRead
from contracts.gamification.leaderboard import RankedRead, Window
from contracts.gamification.ledger import BalanceRead
from contracts.gamification.level import LevelRead
from contracts.membership.community import CommunityRead
from contracts.membership.member import MemberRead
from contracts.membership.tier import TierRead
from gateway.clients import ContentClient, GamificationClient, MembershipClient, ServiceProblem
from gateway.schema.challenge.loaders import ChallengeKey, challenge_loader, member_enrollments_loader
from gateway.schema.member.loaders import MemberKey, member_loader
from kit.auth import Principal
from kit.errors import ProblemBody


def _community_not_found(community_id: str) -> ServiceProblem:
    return ServiceProblem(
        "gateway",
        ProblemBody(
            title="Not found", status=404, code="community_not_found", detail=f"community {community_id} not found"
        ),
    )


class Loaders:
    def __init__(
        self,
        *,
        principal: Principal,
        membership: MembershipClient,
        gamification: GamificationClient,
        content: ContentClient,
    ) -> None:
        self._principal = principal
        self._membership = membership
        self._gamification = gamification
        self._content = content
        self.community = DataLoader[str, CommunityRead | None](load_fn=self._load_communities)
        self.levels = DataLoader[str, list[LevelRead]](load_fn=self._load_levels)
        self.tiers = DataLoader[str, list[TierRead]](load_fn=self._load_tiers)
        self.welcome_template = DataLoader[str, WelcomeTemplateRead | None](load_fn=self._load_welcome_templates)
        self.member: DataLoader[MemberKey, MemberRead | None] = member_loader(principal, membership)
        # Keyed by (community id, member id): one batch call per community per tick.
        self.member_points = DataLoader[tuple[str, str], BalanceRead](load_fn=self._load_member_points)
        self.member_ranks = DataLoader[tuple[str, str], dict[Window, RankedRead]](load_fn=self._load_member_ranks)
        self.member_badges = DataLoader[tuple[str, str], list[AwardRead]](load_fn=self._load_member_badges)
        self.member_enrollments: DataLoader[MemberKey, list[EnrollmentRead]] = member_enrollments_loader(
            principal, gamification
        )
        self.challenge: DataLoader[ChallengeKey, ChallengeRead | None] = challenge_loader(principal, gamification)

    def _split(self, ids: Sequence[str]) -> tuple[list[str], set[str]]:
        # Ids the caller may not see never leave the gateway; they answer "not found" like missing ones.
        allowed = [i for i in dict.fromkeys(ids) if self._principal.can_access(i)]
        return allowed, set(ids) - set(allowed)

    async def _load_communities(self, ids: list[str]) -> list[CommunityRead | None]:
        allowed, _ = self._split(ids)
        found = await self._membership.communities_by_id(allowed) if allowed else {}
        return [found.get(i) for i in ids]

    async def _load_levels(self, ids: list[str]) -> Sequence[list[LevelRead] | BaseException]:
        allowed, denied = self._split(ids)
        found = await self._gamification.levels_by_community(allowed) if allowed else {}
        return [_community_not_found(i) if i in denied else found.get(i, []) for i in ids]

    async def _load_tiers(self, ids: list[str]) -> Sequence[list[TierRead] | BaseException]:
        allowed, _ = self._split(ids)
        found = await self._membership.tiers_by_community(allowed) if allowed else {}
        return [found[i] if i in found else _community_not_found(i) for i in ids]

    async def _load_welcome_templates(self, ids: list[str]) -> Sequence[WelcomeTemplateRead | BaseException | None]:
        allowed, denied = self._split(ids)
        found = await self._content.welcome_templates_by_community(allowed) if allowed else {}
        return [_community_not_found(i) if i in denied else found.get(i) for i in ids]

    async def _load_member_points(self, keys: list[tuple[str, str]]) -> Sequence[BalanceRead | BaseException]:
        by_community: dict[str, list[str]] = defaultdict(list)
        for community_id, member_id in keys:
            by_community[community_id].append(member_id)
        found: dict[str, dict[str, BalanceRead]] = {}
        for community_id, member_ids in by_community.items():
            if self._principal.can_access(community_id):
                found[community_id] = await self._gamification.balances(community_id, member_ids)
        return [found[c][m] if c in found and m in found[c] else _community_not_found(c) for c, m in keys]

    async def _load_member_ranks(
        self, keys: list[tuple[str, str]]
    ) -> Sequence[dict[Window, RankedRead] | BaseException]:
        by_community: dict[str, list[str]] = defaultdict(list)
        for community_id, member_id in keys:
            by_community[community_id].append(member_id)
        found: dict[str, dict[str, dict[Window, RankedRead]]] = {}
        for community_id, member_ids in by_community.items():
            if self._principal.can_access(community_id):
                found[community_id] = await self._gamification.member_ranks(community_id, member_ids)
        return [found[c].get(m, {}) if c in found else _community_not_found(c) for c, m in keys]

    async def _load_member_badges(self, keys: list[tuple[str, str]]) -> Sequence[list[AwardRead] | BaseException]:
        by_community: dict[str, list[str]] = defaultdict(list)
        for community_id, member_id in keys:
            by_community[community_id].append(member_id)
        found: dict[str, dict[str, list[AwardRead]]] = {}
        for community_id, member_ids in by_community.items():
            if self._principal.can_access(community_id):
                found[community_id] = await self._gamification.member_badges(community_id, member_ids)
        return [found[c].get(m, []) if c in found else _community_not_found(c) for c, m in keys]
