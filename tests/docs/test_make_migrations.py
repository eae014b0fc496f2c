"""`make migrations` (documented in the README) writes the next revision; it never rewrites one."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from uxlab.db import MIGRATIONS_DIR, alembic_config, make_engine
from uxlab.migrations.revision import new_revision, next_revision_id

# A head that lacks a table the models have: the next revision must add it back.
DROP_SHARE_LINKS = '''"""drop share links"""
from alembic import op

revision = "{revision}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("sharelink")


def downgrade() -> None:
    raise NotImplementedError
'''


def _copy_migrations(tmp_path: Path) -> Path:
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_nothing_is_written_when_the_models_match_head(tmp_path: Path) -> None:
    migrations = _copy_migrations(tmp_path)
    before = sorted(p.name for p in (migrations / "versions").iterdir())
    assert new_revision("nothing new", migrations) is None
    assert sorted(p.name for p in (migrations / "versions").iterdir()) == before


def test_the_new_revision_revises_head_and_brings_the_schema_to_the_models(tmp_path: Path) -> None:
    migrations = _copy_migrations(tmp_path)
    versions = migrations / "versions"
    head = ScriptDirectory(str(migrations)).get_current_head()
    drop = next_revision_id(versions, "drop share links")
    text = DROP_SHARE_LINKS.replace("{revision}", drop).replace("{head}", str(head))
    (versions / f"{drop}.py").write_text(text, encoding="utf-8")
    initial = (versions / "0001_initial.py").read_bytes()

    written = new_revision("Bring back share links!", migrations)

    assert written == versions / f"{int(drop[:4]) + 1:04d}_bring_back_share_links.py"
    text = written.read_text(encoding="utf-8")
    assert f"down_revision: str | None = '{drop}'" in text
    assert "op.create_table('sharelink'" in text
    assert (migrations / "versions" / "0001_initial.py").read_bytes() == initial
    engine = make_engine("sqlite:///" + str(tmp_path / "fresh.sqlite"))
    cfg = alembic_config(engine)
    cfg.set_main_option("script_location", str(migrations))
    command.upgrade(cfg, "head")
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    engine.dispose()


def test_revision_ids_count_up_from_the_highest(tmp_path: Path) -> None:
    for name in ("0001_initial.py", "0007_time_on_task_ms.py", "env_notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert next_revision_id(tmp_path, "Add audit table") == "0008_add_audit_table"
