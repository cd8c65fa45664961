"""Rule set versions keep what their findings cite (the source library's citations, JSON),
so a replay compiles the same findings from the log alone.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Versions recorded before have none: they were compiled without the library.
    with op.batch_alter_table("ruleset_versions") as batch:
        batch.add_column(sa.Column("citations", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("ruleset_versions") as batch:
        batch.drop_column("citations")
