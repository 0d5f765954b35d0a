"""Tables of the gamification service, one module per noun.

Every module of this package is imported here, so ``metadata`` always holds every table (Alembic and the
test databases are built from it) without a hand-kept list.
"""

from __future__ import annotations

import importlib
import pkgutil

from services.gamification.models.base import GamificationModel, metadata
from services.gamification.models.community import Community
from services.gamification.models.ledger import Balance, PointEntry, RuleUsage
from services.gamification.models.level import Level
from services.gamification.models.rule import PointRule

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "Balance",
    "Community",
    "GamificationModel",
    "Level",
    "PointEntry",
    "PointRule",
    "RuleUsage",
    "metadata",
]
