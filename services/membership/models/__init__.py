"""Tables of the membership service, one module per noun.

Every module of this package is imported here, so ``metadata`` always holds every table (Alembic and the
test databases are built from it) without a hand-kept list.
"""

from __future__ import annotations

import importlib
import pkgutil

from services.membership.models.activity import ActivityDay
from services.membership.models.base import MembershipModel, metadata
from services.membership.models.community import Community, Group
from services.membership.models.member import Identity, Member
from services.membership.models.membership import Membership, MembershipTransition
from services.membership.models.tier import Tier

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "ActivityDay",
    "Community",
    "Group",
    "Identity",
    "Member",
    "Membership",
    "MembershipModel",
    "MembershipTransition",
    "Tier",
    "metadata",
]
