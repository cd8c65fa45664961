"""A tender's ranking as sent (price scores and ranks), so its report can be made from the log.

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenders",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("tender_id", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("caller_name", sa.String(200), nullable=False),
        sa.Column("caller_role", sa.String(20), nullable=False),
        sa.Column("ruleset_id", sa.String(200), nullable=False),
        sa.Column("ruleset_version", sa.String(100), nullable=False),
        sa.Column(
            "ruleset_digest",
            sa.String(64),
            sa.ForeignKey("ruleset_versions.digest"),
            nullable=False,
        ),
        sa.Column("bids", sa.Integer, nullable=False),
        sa.Column("ranking", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_tenders_tender", "tenders", ["tender_id", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_tenders_tender", "tenders")
    op.drop_table("tenders")
