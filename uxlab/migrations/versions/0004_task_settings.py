"""task settings live in the scenario only: drop task.time_limit_s and task.target_time_s

Revision ID: 0004_task_settings
Revises: 0003_researcher_sessions
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_task_settings"
down_revision: str | None = "0003_researcher_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Each version's scenario JSON holds the same values (written from the same TaskSpec).
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of the table would drop
    # it, which SQLite refuses while attempts refer to its rows.
    op.drop_column("task", "target_time_s")
    op.drop_column("task", "time_limit_s")


def downgrade() -> None:
    op.add_column("task", sa.Column("time_limit_s", sa.Float(), nullable=True))
    op.add_column("task", sa.Column("target_time_s", sa.Float(), nullable=True))
    connection = op.get_bind()
    versions = sa.table("studyversion", sa.column("id"), sa.column("scenario", sa.JSON))
    tasks = sa.table(
        "task", sa.column("study_version_id"), sa.column("key"), sa.column("time_limit_s"), sa.column("target_time_s")
    )
    for version_id, scenario in connection.execute(sa.select(versions.c.id, versions.c.scenario)).all():
        for spec in (scenario or {}).get("tasks", []):
            connection.execute(
                tasks.update()
                .where(tasks.c.study_version_id == version_id, tasks.c.key == spec["id"])
                .values(time_limit_s=spec.get("time_limit_s", 300.0), target_time_s=spec.get("target_time_s"))
            )
    # A task its version's JSON does not describe gets the format's default limit.
    connection.execute(tasks.update().where(tasks.c.time_limit_s.is_(None)).values(time_limit_s=300.0))
    if connection.dialect.name != "sqlite":  # SQLite cannot add NOT NULL without copying the table
        op.alter_column("task", "time_limit_s", existing_type=sa.Float(), nullable=False)
