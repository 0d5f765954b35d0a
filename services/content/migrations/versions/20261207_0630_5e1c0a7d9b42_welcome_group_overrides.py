"""welcome group overrides

Revision ID: 5e1c0a7d9b42
Revises: d0f430f3806c
Create Date: 2026-12-07 06:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "5e1c0a7d9b42"
down_revision: str | None = "d0f430f3806c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "welcome_group_override",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("community_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("group_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("batch_window_seconds", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welcome_group_override")),
        sa.UniqueConstraint("community_id", "group_id", name=op.f("uq_welcome_group_override_community_id_group_id")),
    )


def downgrade() -> None:
    op.drop_table("welcome_group_override")
