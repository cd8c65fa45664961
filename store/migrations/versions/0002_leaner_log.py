"""A leaner log: blobs compressed with zstd dictionaries per rule set version (named by each
evaluation), and indexes that cost less per insert (see store.schema).

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dictionaries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "ruleset_digest",
            sa.String(64),
            sa.ForeignKey("ruleset_versions.digest"),
            nullable=False,
        ),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_dictionaries_digest", "dictionaries", ["ruleset_digest", "id"])
    # Rows already recorded keep their blobs as they are (no dictionary). SQLite cannot add
    # a foreign key to a table in place: batch mode copies the table for it.
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("dictionary", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_evaluations_dictionary", "dictionaries", ["dictionary"], ["id"]
        )
    # Ids are indexed where given; PostgreSQL indexes time by block range.
    for column in ("tender_id", "contract_id", "supplier_id"):
        name = f"ix_evaluations_{column.removesuffix('_id')}"
        where = sa.text(f"{column} <> ''")
        op.drop_index(name, "evaluations")
        op.create_index(
            name, "evaluations", [column, "seq"], sqlite_where=where, postgresql_where=where
        )
    op.drop_index("ix_evaluations_recorded_at", "evaluations")
    op.create_index(
        "ix_evaluations_recorded_at", "evaluations", ["recorded_at"], postgresql_using="brin"
    )


def downgrade() -> None:
    for column in ("tender_id", "contract_id", "supplier_id"):
        name = f"ix_evaluations_{column.removesuffix('_id')}"
        op.drop_index(name, "evaluations")
        op.create_index(name, "evaluations", [column, "seq"])
    op.drop_index("ix_evaluations_recorded_at", "evaluations")
    op.create_index("ix_evaluations_recorded_at", "evaluations", ["recorded_at"])
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_constraint("fk_evaluations_dictionary", type_="foreignkey")
        batch.drop_column("dictionary")
    op.drop_table("dictionaries")
