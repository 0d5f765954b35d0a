"""money is 64-bit: tier prices and payment amounts (minor units) become BIGINT (ADR 0029)

Revision ID: 9b4e2d7a1c3f
Revises: d6c0c17474fa
Create Date: 2026-12-07 12:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b4e2d7a1c3f"
down_revision: str | None = "d6c0c17474fa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tier", schema=None) as batch_op:
        batch_op.alter_column(
            "price_amount", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
        )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.alter_column("amount", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    # Refused by PostgreSQL if a stored amount no longer fits 32 bits: nothing is truncated.
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.alter_column("amount", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table("tier", schema=None) as batch_op:
        batch_op.alter_column(
            "price_amount", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
        )
