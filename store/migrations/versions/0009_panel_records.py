"""A tender panel's records: appointments, declarations, mitigations, scores, moderations.

Revision ID: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "panel_records",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("tender_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("by_name", sa.String(200), nullable=False),
        sa.Column("by_role", sa.String(20), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("submission_id", sa.String(200), nullable=False),
        sa.Column("criterion", sa.String(100), nullable=False),
        sa.Column("evaluator", sa.String(200), nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("conflict", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("evaluators", sa.Text, nullable=False),
        sa.Column("divergence", sa.Integer, nullable=False),
        sa.UniqueConstraint(
            "tender_id",
            "kind",
            "by_name",
            "submission_id",
            "criterion",
            "evaluator",
            name="uq_panel_records_step",
        ),
    )
    op.create_index("ix_panel_records_tender", "panel_records", ["tender_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_panel_records_tender", "panel_records")
    op.drop_table("panel_records")
