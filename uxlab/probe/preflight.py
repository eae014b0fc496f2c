"""What ``uxlab probe`` checks before any browser starts, so a mistake costs a line, not a run."""

from __future__ import annotations

from uxlab import probe_report


def max_runs() -> int:
    """The most runs per page and profile a report may hold: its schema's ``runs`` maximum.

    Read from the schema itself, so that the option and the schema cannot drift apart.
    """
    return int(probe_report.schema()["properties"]["runs"]["maximum"])
