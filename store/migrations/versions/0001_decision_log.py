"""The decision log: rule set versions and evaluations.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ruleset_versions",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("ruleset_id", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("file", sa.String(500), nullable=False),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("by_name", sa.String(200), nullable=False),
        sa.Column("by_role", sa.String(20), nullable=False),
        sa.Column("first_seen", sa.String(32), nullable=False),
    )
    op.create_index("ix_ruleset_versions_id_version", "ruleset_versions", ["ruleset_id", "version"])
    op.create_table(
        "evaluations",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("item", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("caller_name", sa.String(200), nullable=False),
        sa.Column("caller_role", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("tender_id", sa.String(200), nullable=False),
        sa.Column("contract_id", sa.String(200), nullable=False),
        sa.Column("supplier_id", sa.String(200), nullable=False),
        sa.Column("ruleset_id", sa.String(200), nullable=False),
        sa.Column("ruleset_version", sa.String(100), nullable=False),
        sa.Column(
            "ruleset_digest",
            sa.String(64),
            sa.ForeignKey("ruleset_versions.digest"),
            nullable=False,
        ),
        sa.Column("submission", sa.LargeBinary, nullable=False),
        sa.Column("result", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("request_id", "item", name="uq_evaluations_request_item"),
    )
    for name, columns in [
        ("ix_evaluations_tender", ["tender_id", "seq"]),
        ("ix_evaluations_contract", ["contract_id", "seq"]),
        ("ix_evaluations_supplier", ["supplier_id", "seq"]),
        ("ix_evaluations_ruleset", ["ruleset_id", "seq"]),
        ("ix_evaluations_recorded_at", ["recorded_at"]),
    ]:
        op.create_index(name, "evaluations", columns)
    if op.get_bind().dialect.name == "postgresql":
        # Results are 5-25 kB: PostgreSQL would compress each (pglz) on the service's
        # critical path, for little gain on protobuf bytes. Store them as they are.
        for column in ("submission", "result"):
            op.execute(f"ALTER TABLE evaluations ALTER COLUMN {column} SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("evaluations")
    op.drop_table("ruleset_versions")
