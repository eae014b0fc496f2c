"""Write the next Alembic revision: what uxlab/models.py adds to the newest existing revision.

``make migrations MESSAGE="add audit table"`` upgrades an empty temporary SQLite file to
the head revision, compares it with the models (Alembic's autogenerate) and writes
``versions/NNNN_<message>.py`` revising that head. Existing revisions are never rewritten
(0001 is frozen); review the new file before committing it, since autogenerate cannot see
renames or data conversions.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import uxlab.models
import uxlab.security_models  # noqa: F401
from uxlab.db import MIGRATIONS_DIR, alembic_config, make_engine


def next_revision_id(versions: Path, message: str) -> str:
    """Return ``NNNN_<slug>``: one more than the highest number among the existing revisions."""
    numbers = [int(m[1]) for p in versions.glob("*.py") if (m := re.match(r"(\d+)_", p.name))]
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "change"
    return f"{max(numbers, default=0) + 1:04d}_{slug}"


def new_revision(message: str, migrations_dir: Path = MIGRATIONS_DIR) -> Path | None:
    """Write the revision for the models' changes since head; None (nothing written) if none."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine("sqlite:///" + str(Path(tmp) / "head.sqlite"))
        try:
            cfg = alembic_config(engine)
            cfg.set_main_option("script_location", str(migrations_dir))
            command.upgrade(cfg, "head")
            with engine.connect() as connection:
                if not compare_metadata(MigrationContext.configure(connection), SQLModel.metadata):
                    return None
            rev_id = next_revision_id(migrations_dir / "versions", message)
            script = command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    written = Path(script.path)
    # Alembic appends the message's slug to the id; the id already carries it.
    return written.rename(written.with_name(f"{rev_id}.py"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="make migrations", description=__doc__.splitlines()[0])
    parser.add_argument("message", help='what the revision does, e.g. "add audit table"')
    args = parser.parse_args(argv)
    written = new_revision(args.message)
    if written is None:
        raise SystemExit("uxlab: the models match the newest revision; nothing written")
    print(f"wrote {written}; review it, then commit it")


if __name__ == "__main__":
    main()
