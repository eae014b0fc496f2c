"""attempt times as whole milliseconds

Revision ID: 0002_times_in_ms
Revises: 0001_initial
Create Date: 2026-12-05 02:00:00

``attempt.time_on_task_s`` (seconds, float) becomes ``attempt.time_on_task_ms`` (integer),
rounded to the nearest millisecond, halves up (``uxlab.models.whole_ms`` rounds new times
the same way). Whole milliseconds are exact integers, so the CX summary's one-pass scan
packs every time beside its task id, whatever its size. Downgrade converts back to seconds.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_times_in_ms"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUMMARY_INDEX = "ix_attempt_summary"
SUMMARY_COLUMNS = ["session_id", "outcome", "task_id", "seq", "direct"]


def _swap(old: str, new: str, new_type: sa.types.TypeEngine, convert: str) -> None:
    """Add column ``new``, fill it with ``convert`` (SQL over ``old``), drop ``old`` from table and index."""
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column(new, new_type, nullable=True))
    op.execute(f"UPDATE attempt SET {new} = {convert} WHERE {old} IS NOT NULL")
    with op.batch_alter_table("attempt") as batch:
        batch.drop_index(SUMMARY_INDEX)
        batch.drop_column(old)
        batch.create_index(SUMMARY_INDEX, [*SUMMARY_COLUMNS, new], unique=False)


def upgrade() -> None:
    # ROUND of a NUMERIC (PostgreSQL) and SQLite's ROUND both round halves away from zero;
    # PostgreSQL's ROUND of a double precision would round them to even.
    if op.get_bind().dialect.name == "postgresql":
        ms = "CAST(ROUND(CAST(time_on_task_s AS NUMERIC) * 1000) AS INTEGER)"
    else:
        ms = "CAST(ROUND(time_on_task_s * 1000) AS INTEGER)"
    _swap("time_on_task_s", "time_on_task_ms", sa.Integer(), ms)


def downgrade() -> None:
    _swap("time_on_task_ms", "time_on_task_s", sa.Float(), "time_on_task_ms / 1000.0")
