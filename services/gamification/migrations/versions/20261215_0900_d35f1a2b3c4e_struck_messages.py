"""struck messages: point entries name the chat message they were for; messages struck by moderation

Revision ID: d35f1a2b3c4e
Revises: 3f9a1c6e2b7d
Create Date: 2026-12-15 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import kit.types

revision: str = "d35f1a2b3c4e"
down_revision: str | None = "3f9a1c6e2b7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "struck_message",
        sa.Column("community_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("message_ref", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("member_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("strike_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("struck_at", kit.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("community_id", "message_ref", name=op.f("pk_struck_message")),
    )
    with op.batch_alter_table("point_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_ref", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.create_index("ix_point_entry_message", ["community_id", "message_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("point_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_point_entry_message")
        batch_op.drop_column("message_ref")
    op.drop_table("struck_message")
