"""kimtrain's tables: forms, roster groups, chosen options per item, settings.

Revision ID: 0001
Revises:
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
        "kimtrain_setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "kimtrain_form",
        sa.Column("assessment", sa.String(128), primary_key=True),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("manifest", sa.Text, nullable=False),  # the public manifest, JSON
    )
    op.create_table(
        "kimtrain_participant",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("nama", sa.Text, nullable=False, server_default=""),
        sa.Column("kim", sa.Text, nullable=False, server_default=""),
        sa.Column("desa", sa.Text, nullable=False, server_default=""),
        sa.Column("kecamatan", sa.Text, nullable=False, server_default=""),
        sa.Column("kabupaten", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "kimtrain_response",
        sa.Column("assessment", sa.String(128), primary_key=True),
        sa.Column("participant", sa.String(128), primary_key=True),
        sa.Column("item", sa.String(128), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("response", sa.Text, nullable=True),  # what was chosen or typed, JSON
        sa.Column("points", sa.Float, nullable=True),
        sa.Column("max_points", sa.Float, nullable=False),
        sa.Column("status", sa.String(32), nullable=False, server_default=""),
    )


def downgrade() -> None:
    for table in ("kimtrain_response", "kimtrain_participant", "kimtrain_form",
                  "kimtrain_setting"):
        op.drop_table(table)
