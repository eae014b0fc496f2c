"""Benchmark: `uxlab export` streams rows, so its memory stays flat as a study grows.

Seeds a study (loaded with the product's scenario loader) with N sessions of 4 attempts
and 5 questionnaire answers each, in one bulk transaction per size (recording them event
by event through the API would take minutes and measure ingestion, not export), then
exports CSV and JSON to a null sink under tracemalloc. Prints rows/s and the peak Python
memory for a small and a large study; streaming means the two peaks stay close.

    .venv/bin/python bench/bench_export.py [--sessions N] [--record]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from uxlab import db, studies
from uxlab.app import create_app
from uxlab.models import Attempt, ParticipantSession, Response, Task, utcnow
from uxlab.reports import export

ROOT = Path(__file__).resolve().parent.parent


class NullSink(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def seed(session: Session, sessions: int) -> None:
    version, _ = studies.load_scenario_file(session, ROOT / "scenarios" / "helpdesk.yaml")
    tasks = session.exec(select(Task).where(Task.study_version_id == version.id)).all()
    start = utcnow()
    for n in range(sessions):
        ps = ParticipantSession(
            public_id=f"bench-{n:08d}",
            study_version_id=version.id,  # type: ignore[arg-type]
            started_at=start + timedelta(seconds=n),
            task_order=[t.key for t in tasks],
        )
        session.add(ps)
        session.flush()
        for i, task in enumerate(tasks):
            began = ps.started_at + timedelta(seconds=60 * i)
            session.add(
                Attempt(
                    session_id=ps.id,  # type: ignore[arg-type]
                    task_id=task.id,  # type: ignore[arg-type]
                    token=f"bench-{n}-{i}",
                    started_at=began,
                    ended_at=began + timedelta(seconds=30 + i),
                    outcome="success",
                    time_on_task_ms=(30 + i) * 1000,
                    path=["/", "/support", "/support/portal", "/support/helpdesk"],
                    click_count=3,
                    seq=6,
                )
            )
        for item in range(1, 6):
            session.add(Response(session_id=ps.id, questionnaire="sus", item=item, value=4))  # type: ignore[arg-type]
    session.commit()


def measure(sessions: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": "sqlite:///" + str(Path(tmp) / "bench.sqlite")})
        figures: dict[str, float] = {}
        with app.app_context():
            db.upgrade(db.get_engine())
            seed(db.get_session(), sessions)
            for fmt in ("csv", "json"):
                tracemalloc.start()
                began = time.perf_counter()
                rows = export.export_study(db.get_session(), "helpdesk", NullSink(), fmt)
                elapsed = time.perf_counter() - began
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                figures[f"{fmt}_rows_per_s"] = rows / elapsed
                figures[f"{fmt}_peak_mb"] = peak / 1e6
                figures["rows"] = rows
        app.extensions["uxlab.engine"].dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--record", action="store_true", help="write the figure to bench/RESULTS.md")
    args = parser.parse_args()
    small, large = measure(args.sessions // 20), measure(args.sessions)
    for name, f in (("small", small), ("large", large)):
        csv_part = f"CSV {f['csv_rows_per_s']:.0f} rows/s, peak {f['csv_peak_mb']:.1f} MB"
        json_part = f"JSON {f['json_rows_per_s']:.0f} rows/s, peak {f['json_peak_mb']:.1f} MB"
        print(f"{name}: {f['rows']:.0f} rows; {csv_part}; {json_part}")
    figure = (
        f"{large['rows']:.0f} rows: CSV {large['csv_rows_per_s']:.0f} rows/s, "
        f"JSON {large['json_rows_per_s']:.0f} rows/s; peak Python memory {large['csv_peak_mb']:.1f} MB (CSV) "
        f"vs {small['csv_peak_mb']:.1f} MB at {small['rows']:.0f} rows"
    )
    print(figure)
    if args.record:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from results_md import record

        record("export streaming (bench_export.py)", figure, "python bench/bench_export.py --record")


if __name__ == "__main__":
    main()
