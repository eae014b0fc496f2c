"""attempt.abandoned: a timeout no client reported; attempt.did_not_open: a task skipped unopened

Revision ID: 0005_recording_abandoned
Revises: 0004_task_settings
Create Date: 2026-12-05 04:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_recording_abandoned"
down_revision: str | None = "0004_task_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Attempts ended before this revision keep False: nothing recorded who ended them.
    op.add_column("attempt", sa.Column("abandoned", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("attempt", sa.Column("did_not_open", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("attempt", "did_not_open")
    op.drop_column("attempt", "abandoned")
