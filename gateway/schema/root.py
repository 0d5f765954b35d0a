"""The one schema of the gateway, composed from each area's queries and mutations."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types.base import get_object_definition

from gateway.schema.access.mutations import AccessMutation
from gateway.schema.access.queries import AccessQuery
from gateway.schema.apikey.mutations import ApiKeyMutation
from gateway.schema.certificate.mutations import CertificateMutation
from gateway.schema.certificate.queries import CertificateQuery
from gateway.schema.challenge.mutations import ChallengeMutation
from gateway.schema.challenge.queries import ChallengeQuery
from gateway.schema.clock.mutations import ClockMutation
from gateway.schema.community.mutations import CommunityMutation
from gateway.schema.community.queries import CommunityQuery
from gateway.schema.connection.mutations import ConnectionMutation
from gateway.schema.connection.queries import ConnectionQuery
from gateway.schema.delivery.queries import DeliveryQuery
from gateway.schema.deposit.mutations import DepositMutation
from gateway.schema.deposit.queries import DepositQuery
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.faults import GatewaySchema, MaskFaults
from gateway.schema.gamification.mutations import GamificationMutation
from gateway.schema.gamification.queries import GamificationQuery
from gateway.schema.gate.mutations import GateMutation
from gateway.schema.gate.queries import GateQuery
from gateway.schema.glossary import describe_common
from gateway.schema.group.mutations import GroupMutation
from gateway.schema.group.queries import GroupQuery
from gateway.schema.member.mutations import MemberMutation
from gateway.schema.member.queries import MemberQuery
from gateway.schema.moderation.mutations import ModerationMutation
from gateway.schema.moderation.queries import ModerationQuery
from gateway.schema.purge.mutations import PurgeMutation
from gateway.schema.purge.queries import PurgeQuery
from gateway.schema.rewards.mutations import RewardsMutation
from gateway.schema.rewards.queries import RewardsQuery
from gateway.schema.scalars import SCALARS
from gateway.schema.standing.mutations import StandingMutation
from gateway.schema.standing.queries import StandingQuery
from gateway.schema.tier.mutations import TierMutation
from gateway.schema.tier.queries import TierQuery

QUERIES = (
    CommunityQuery,
    ConnectionQuery,
    MemberQuery,
    GroupQuery,
    TierQuery,
    GateQuery,
    ModerationQuery,
    StandingQuery,
    PurgeQuery,
    AccessQuery,
    GamificationQuery,
    RewardsQuery,
    ChallengeQuery,
    DeliveryQuery,
    DepositQuery,
    CertificateQuery,
)
MUTATIONS = (
    CommunityMutation,
    ApiKeyMutation,
    ConnectionMutation,
    MemberMutation,
    GroupMutation,
    TierMutation,
    GateMutation,
    ModerationMutation,
    StandingMutation,
    PurgeMutation,
    AccessMutation,
    GamificationMutation,
    RewardsMutation,
    DepositMutation,
    CertificateMutation,
    ChallengeMutation,
    ClockMutation,
)
Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)
get_object_definition(Query, strict=True).description = (
    "Reads of a community's data; another community's looks like data that does not exist, and a member token sees "
    "only what that member may."
)
get_object_definition(Mutation, strict=True).description = (
    "Changes: each answers a payload union of its success or a user error, and changes nothing when it errs; "
    "those taking an `idempotencyKey` may be retried safely."
)


# The depth and alias limits as validation rules made once: the validation cache is keyed by the rules too, and
# QueryDepthLimiter and MaxAliasesLimiter make a new rule class per instance, so built per request (as factories)
# they made every request a cache miss and validated every document again.
LIMITS = (
    *QueryDepthLimiter(max_depth=12).validation_rules,
    *MaxAliasesLimiter(max_alias_count=30).validation_rules,
)


def create_schema() -> strawberry.Schema:
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        types=[InvalidInputError, ForbiddenError, NotFoundError, ConflictError],
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=[
            # Parsing and validating dominate the cost of small queries; identical documents skip both.
            # Extensions are made per request from these factories; the two caches live at module level.
            partial(ParserCache, maxsize=1_000),
            partial(ValidationCache, maxsize=1_000),
            partial(AddValidationRules, list(LIMITS)),
            partial(MaxTokensLimiter, max_token_count=5_000),
            MaskFaults,
        ],
    )
    describe_common(schema._schema)
    return schema
