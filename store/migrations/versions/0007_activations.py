"""Rule sets live in the store: each activation of a version, who made it, when and why.

Revision ID: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activations",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("ruleset_id", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column(
            "digest", sa.String(64), sa.ForeignKey("ruleset_versions.digest"), nullable=False
        ),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("by_name", sa.String(200), nullable=False),
        sa.Column("by_role", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("activated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_activations_ruleset", "activations", ["ruleset_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_activations_ruleset", "activations")
    op.drop_table("activations")
