"""certificate status index: each certificate's place in its community's Bitstring Status List

Revision ID: c7e1d2f3a4b5
Revises: ad648ca3ebf4
Create Date: 2026-12-07 07:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c7e1d2f3a4b5"
down_revision: str | None = "ad648ca3ebf4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificate_community_id_status_index"), ["community_id", "status_index"]
        )


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_certificate_community_id_status_index"), type_="unique")
        batch_op.drop_column("status_index")
