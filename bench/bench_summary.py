"""Benchmark: the CX summary, the dashboard and the CSV export of a large study.

Seeds a study of ``--participants`` (default 100,000) sessions with 10 ended attempts
each (1,000,000 attempts) plus SUS, UMUX-Lite, NPS, CSAT and CES answers (15 rows per
participant). The scenario is loaded with the product's loader; the results are written
with fast bulk inserts of the ORM models' tables (executemany in batches), because
recording a million attempts event by event through the API would take hours and measure
ingestion, not reporting. Then it times:

- ``build_summary`` (median wall time of 3 runs, with the process CPU time beside it;
  target <= 2 s on SQLite); nothing is cached, every run reads the database again,
- a signed-in ``GET /studies/bench/summary`` through the Flask test client (median of 3;
  target <= 3 s),
- the attempts CSV export's peak resident memory, in a fresh child process (target < 200 MB).

The machine is shared, so the load average is printed with the figures (measure when low).
``--reuse`` runs the timings on a database seeded by an earlier run (``--database URL``).

    .venv/bin/python bench/bench_summary.py [--participants N] [--database URL [--reuse]] [--record]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert
from sqlmodel import Session

from uxlab import auth, db, report_export, studies
from uxlab.app import create_app
from uxlab.errors import Conflict
from uxlab.models import Attempt, ParticipantSession, Response
from uxlab.summary import build_summary
from uxlab.summary_types import Filters

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from results_md import record  # noqa: E402

BATCH = 20_000
TASKS = 10
STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")
SCENARIO = "slug: bench\ntitle: Benchmark study\nproduct_name: Acme\nconsent: ok\nsite: {base_url: /demo}\n"
SCENARIO += "questionnaires: [sus, umux_lite, nps, csat, ces]\ntasks:\n" + "".join(
    f"  - {{id: t{i}, prompt: Task {i}, success: {{url: /p{i}}}, time_limit_s: 300, target_time_s: 40, "
    f"stage: {STAGES[i % 5]}, touchpoint: Touchpoint {i // 2}, ideal_path: [{{click: 'a#x{i}'}}]}}\n"
    for i in range(TASKS)
)
OUTCOMES = np.array(["success", "failure", "give_up", "timeout"])
ITEMS = [("sus", i, 1, 5) for i in range(1, 11)] + [("umux_lite", 1, 1, 7), ("umux_lite", 2, 1, 7)]
ITEMS += [("nps", 1, 0, 10), ("csat", 1, 1, 5), ("ces", 1, 1, 7)]


def seed(session: Session, folder: Path, participants: int) -> None:
    path = folder / "bench.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    version, _ = studies.load_scenario_file(session, path)
    tasks = studies.tasks_of(session, version)
    rng = np.random.default_rng(2026)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    devices = rng.choice(["desktop", "phone", "tablet"], size=participants, p=[0.7, 0.25, 0.05])
    conn = session.connection()
    for start in range(0, participants, BATCH):
        ids = range(start, min(start + BATCH, participants))
        conn.execute(
            insert(ParticipantSession),
            [
                {"id": n + 1, "public_id": f"p{n:08d}", "study_version_id": version.id,
                 "started_at": t0 + timedelta(seconds=20 * n), "consented_at": t0 + timedelta(seconds=20 * n),
                 "finished_at": t0 + timedelta(seconds=20 * n + 900), "device_class": str(devices[n]),
                 "user_agent": "", "language": "en", "task_order": [t.key for t in tasks]}
                for n in ids
            ],
        )  # fmt: skip
        n_rows = len(ids) * TASKS
        p_success = np.tile(np.linspace(0.55, 0.95, TASKS), len(ids))
        ok = rng.random(n_rows) < p_success
        outcome = np.where(ok, "success", OUTCOMES[rng.integers(1, 4, n_rows)])
        times = np.round(rng.lognormal(3.4, 0.5, n_rows), 3)
        seq = np.clip(np.round(rng.normal(np.where(ok, 5.8, 3.5), 1.2)), 1, 7).astype(int)
        direct = ok & (rng.random(n_rows) < 0.6)
        rows = []
        for k in range(n_rows):
            n, i = ids[0] + k // TASKS, k % TASKS
            began = t0 + timedelta(seconds=20 * n + 60 * i)
            rows.append(
                {"session_id": n + 1, "task_id": tasks[i].id, "token": f"b{n}-{i}", "started_at": began,
                 "ended_at": began + timedelta(seconds=float(times[k])), "outcome": str(outcome[k]),
                 "time_on_task_s": float(times[k]), "path": ["/", f"/p{i}" if ok[k] else "/contact"],
                 "click_count": 2, "direct": bool(direct[k]), "seq": int(seq[k])}
            )  # fmt: skip
        conn.execute(insert(Attempt), rows)
        answers = [
            {"session_id": n + 1, "questionnaire": q, "item": item,
             "value": int(rng.integers(low, high + 1)), "scale_version": "2.0" if q == "ces" else None,
             "created_at": t0 + timedelta(seconds=20 * n + 900)}
            for n in ids
            for q, item, low, high in ITEMS
        ]  # fmt: skip
        conn.execute(insert(Response), answers)
        session.commit()
        conn = session.connection()
        print(f"  seeded {ids[-1] + 1:,} participants", file=sys.stderr)


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM peak), in MB.

    (``getrusage`` is no use here: Linux carries ru_maxrss across exec, so a child started
    by a big parent reports the parent's peak.)
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def csv_peak_mb(url: str) -> str:
    """Export the attempts CSV to nowhere in this (fresh) process; return its peak RSS and the RSS before."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    before = _status_mb("VmRSS")
    rows = 0
    with app.app_context(), Session(db.get_engine()) as session:
        for chunk in report_export.attempts_csv(session, "bench", Filters()):
            rows += chunk.count("\n")
    return f"{_status_mb('VmHWM'):.0f} MB ({before:.0f} MB before the export, {rows - 1:,} rows)"


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and process CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--database", default="", help="database URL (default: a new SQLite file)")
    parser.add_argument("--reuse", action="store_true", help="the database is seeded already: only time")
    parser.add_argument("--record", action="store_true", help="write the figures to bench/RESULTS.md")
    parser.add_argument("--csv-peak", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.csv_peak:
        print(csv_peak_mb(args.csv_peak))
        return
    folder = Path(tempfile.mkdtemp(prefix="uxlab-bench-summary-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.upgrade(db.get_engine())
        with Session(db.get_engine(), expire_on_commit=False) as session:
            if not args.reuse:
                began = time.perf_counter()
                seed(session, folder, args.participants)
                if url.startswith("sqlite"):
                    session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                else:  # what autovacuum does soon after a bulk load: statistics, visibility map
                    session.commit()
                    with db.get_engine().connect() as conn:
                        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
                print(f"seeded in {time.perf_counter() - began:.0f} s", file=sys.stderr)
            with contextlib.suppress(Conflict):  # --reuse: the account exists
                auth.create_user(session, "bench@example.org", "bench password 123")
            runs = [_timed(lambda: build_summary(session, "bench")) for _ in range(3)]
            summary = build_summary(session, "bench")
    assert summary.attempts == args.participants * TASKS
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.org", "password": "bench password 123"})
    pages = []
    for _ in range(3):
        began = time.perf_counter()
        response = client.get("/studies/bench/summary")
        pages.append(time.perf_counter() - began)
        assert response.status_code == 200
    peak = subprocess.run(
        [sys.executable, __file__, "--csv-peak", url], check=True, capture_output=True, text=True
    ).stdout.strip()
    dialect = url.split(":", 1)[0].split("+")[0]
    walls = ", ".join(f"{wall:.2f}" for wall, _ in runs)
    figure = (
        f"{args.participants:,} participants x {TASKS} tasks ({summary.attempts:,} attempts) on {dialect}: "
        f"CXSummary {statistics.median(w for w, _ in runs):.2f} s uncached (median of 3: {walls} s; "
        f"CPU {statistics.median(c for _, c in runs):.2f} s; target 2 s), "
        f"dashboard request {statistics.median(pages):.2f} s (median of 3, uncached; target 3 s), "
        f"attempts CSV peak RSS {peak} (target 200 MB), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(figure)
    if args.record:
        command = " ".join([".venv/bin/python bench/bench_summary.py", *sys.argv[1:]])
        if args.reuse:  # say how the database was seeded (record() closes the backquote)
            command += "` (database seeded by an earlier run without `--reuse"
        name = "CX summary (bench_summary.py)" if dialect == "sqlite" else "CX summary on PostgreSQL"
        record(name, figure, command)


if __name__ == "__main__":
    main()
