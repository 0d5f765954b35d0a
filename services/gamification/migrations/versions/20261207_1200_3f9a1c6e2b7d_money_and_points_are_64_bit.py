"""money and points are 64-bit: point and stake columns become BIGINT (ADR 0029)

Revision ID: 3f9a1c6e2b7d
Revises: c7e1d2f3a4b5
Create Date: 2026-12-07 12:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f9a1c6e2b7d"
down_revision: str | None = "c7e1d2f3a4b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table → (column, nullable): points (ledger, totals, rule amounts and caps, costs, thresholds, bonuses and
# budgets) and money in minor units (stakes; the money journal was BIGINT from the start).
COLUMNS: dict[str, tuple[tuple[str, bool], ...]] = {
    "point_entry": (("points", False),),
    "balance": (("balance", False), ("lifetime", False)),
    "rule_usage": (("points_today", False),),
    "pointrule": (("points", False), ("daily_cap", True)),
    "level": (("threshold", False),),
    "reward": (("cost", False),),
    "redemption": (("cost", False),),
    "surprise_rule": (("bonus", False), ("daily_budget", False)),
    "surprise_budget": (("spent", False),),
    "surprise_draw": (("bonus", False), ("budget_left", False)),
    "probe": (("points_per_claim", True),),
    "challenge": (("stake_amount", True),),
    "enrollment": (("stake_amount", True),),
}


def _alter(existing: type[sa.types.TypeEngine[int]], to: type[sa.types.TypeEngine[int]]) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable in columns:
                batch_op.alter_column(column, existing_type=existing(), type_=to(), existing_nullable=nullable)


def upgrade() -> None:
    _alter(sa.Integer, sa.BigInteger)


def downgrade() -> None:
    # Refused by PostgreSQL if a stored value no longer fits 32 bits: nothing is truncated.
    _alter(sa.BigInteger, sa.Integer)
