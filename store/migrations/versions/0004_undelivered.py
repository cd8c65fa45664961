"""Results recorded but never delivered: a stream that ended before they were sent.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undelivered",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("item", sa.Integer, primary_key=True),
        sa.Column("noted_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("undelivered")
