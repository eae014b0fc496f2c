"""Regenerate the initial migration from the models (pre-1.0: one initial revision).

Run with ``make migrations`` after changing uxlab/models.py. Once uxlab has released,
this becomes ``alembic revision --autogenerate`` for each change instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from uxlab.db import MIGRATIONS_DIR, alembic_config, make_engine


def main() -> None:
    initial = MIGRATIONS_DIR / "versions" / "0001_initial.py"
    initial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine("sqlite:///" + str(Path(tmp) / "empty.sqlite"))
        command.revision(
            alembic_config(engine), message="initial schema", autogenerate=True, rev_id="0001_initial"
        )
        engine.dispose()
    for path in (MIGRATIONS_DIR / "versions").glob("0001_initial*.py"):
        if path.name != initial.name:
            path.rename(initial)
    print(f"wrote {initial}")


if __name__ == "__main__":
    main()
