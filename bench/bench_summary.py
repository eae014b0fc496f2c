"""Benchmark: the CX summary, the dashboard and the CSV export of a large study.

Seeds a study of ``--participants`` (default 100,000) sessions with 10 ended attempts
each (1,000,000 attempts) plus SUS, UMUX-Lite, NPS, CSAT and CES answers (15 rows per
participant). The scenario is loaded with the product's loader; the results are written
with fast bulk inserts of the ORM models' tables (executemany in batches), because
recording a million attempts event by event through the API would take hours and measure
ingestion, not reporting. Then it times:

- ``build_summary`` (median wall time of ``--rounds`` runs, default 3, with the process CPU
  time beside it and, on a local PostgreSQL, its backend's CPU time; target <= 2 s on SQLite
  and PostgreSQL); nothing is cached, every run reads the database again,
- a signed-in ``GET /studies/bench/summary`` through the Flask test client (median of 3;
  target <= 3 s),
- the attempts CSV export's peak resident memory, in a fresh child process (target < 200 MB),
- where one ``build_summary`` spends its time: each SQL statement's wall time (from the
  engine's cursor events), the three slowest named by what they read, and the rest (numpy
  and the metric functions).

The machine is shared, so the load average (1 minute) is printed before and after the
timings (measure when low).
``--reuse`` runs the timings on a database seeded by an earlier run (``--database URL``).
``--baseline DIR`` (with ``--database``) pairs this checkout's summary with another
checkout's on the same database, child processes interleaved, and prints both.

    .venv/bin/python bench/bench_summary.py [--participants N] [--database URL [--reuse]] [--record]
    .venv/bin/python bench/bench_summary.py --database URL --baseline DIR [--pairs N] [--record]
"""

from __future__ import annotations

import argparse
import contextlib
import json
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
from sqlalchemy import event, insert
from sqlmodel import Session

from uxlab import auth, db, studies
from uxlab.app import create_app
from uxlab.errors import Conflict
from uxlab.models import Attempt, ParticipantSession, Response
from uxlab.reports import downloads
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary

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
        ms = np.rint(times * 1000).astype(np.int64)
        seq = np.clip(np.round(rng.normal(np.where(ok, 5.8, 3.5), 1.2)), 1, 7).astype(int)
        direct = ok & (rng.random(n_rows) < 0.6)
        rows = []
        for k in range(n_rows):
            n, i = ids[0] + k // TASKS, k % TASKS
            began = t0 + timedelta(seconds=20 * n + 60 * i)
            rows.append(
                {"session_id": n + 1, "task_id": tasks[i].id, "token": f"b{n}-{i}", "started_at": began,
                 "ended_at": began + timedelta(seconds=float(times[k])), "outcome": str(outcome[k]),
                 "time_on_task_ms": int(ms[k]), "path": ["/", f"/p{i}" if ok[k] else "/contact"],
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
        for chunk in downloads.attempts_csv(session, "bench", Filters()):
            rows += chunk.count("\n")
    return f"{_status_mb('VmHWM'):.0f} MB ({before:.0f} MB before the export, {rows - 1:,} rows)"


def statement_profile(session: Session) -> str:
    """One ``build_summary`` run: its slowest SQL statements' wall times and the time outside SQL."""
    spent: list[tuple[float, str]] = []
    began: list[float] = []

    def before(*_args: object) -> None:
        began.append(time.perf_counter())

    def after(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        spent.append((time.perf_counter() - began.pop(), statement))

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        total, _ = _timed(lambda: build_summary(session, "bench"))
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    top = sorted(spent, reverse=True)[:3]
    named = ", ".join(f"{_reads(sql)} {seconds:.2f} s" for seconds, sql in top)
    outside = total - sum(seconds for seconds, _ in spent)
    return f"{named}; {len(spent)} statements {total - outside:.2f} s, outside SQL {outside:.2f} s"


def _reads(sql: str) -> str:
    """What a summary statement reads, in a few words (its aggregate and first table)."""
    table = sql.split("FROM", 1)[1].split()[0] if "FROM" in sql else "?"
    kind = "string_agg" if "string_agg" in sql else "group_concat" if "group_concat" in sql else ""
    kind = kind or ("json" if "json" in sql else "count" if "count(" in sql else "rows")
    return f"{table} ({kind})"


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and process CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def server_cpu(session: Session) -> Callable[[], float] | None:
    """The CPU seconds so far of the session's PostgreSQL backend process (a local server's
    /proc), or None (SQLite runs in this process; a remote server). Parallel workers are
    other processes: not counted."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    stat = Path(f"/proc/{session.connection().exec_driver_sql('SELECT pg_backend_pid()').scalar()}/stat")
    if not stat.exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")

    def seconds() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    return seconds


def _summaries(session: Session, rounds: int) -> tuple[list[tuple[float, float]], list[float]]:
    """``rounds`` timed summaries: (wall, CPU) each, and the database server's CPU of each."""
    server = server_cpu(session)
    runs, served = [], []
    for _ in range(rounds):
        before = server() if server else 0.0
        runs.append(_timed(lambda: build_summary(session, "bench")))
        if server:
            served.append(server() - before)
    return runs, served


def child_rounds(url: str, rounds: int) -> str:
    """``rounds`` timed summaries after an untimed one, in this process: JSON [[wall, cpu, server], ...]."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context(), Session(db.get_engine()) as session:
        build_summary(session, "bench")
        runs, served = _summaries(session, rounds)
    return json.dumps([[wall, cpu, served[i] if served else 0.0] for i, (wall, cpu) in enumerate(runs)])


def paired(url: str, baseline: Path, pairs: int) -> str:
    """This checkout's summary against a baseline checkout's, in child processes, interleaved ABBA.

    Each child imports ``uxlab`` from its checkout (PYTHONPATH), summarizes once untimed and
    twice timed; the figure is the median over all timed runs of each side and the ratio of
    the medians of CPU (ours + the PostgreSQL backend's), the figure least moved by load.
    """
    sides: dict[str, list[list[float]]] = {"this": [], "baseline": []}
    for order in [("this", "baseline"), ("baseline", "this")] * ((pairs + 1) // 2):
        for side in order:
            path = ROOT if side == "this" else baseline.resolve()
            env = {**os.environ, "PYTHONPATH": str(path)}
            out = subprocess.run(
                [sys.executable, __file__, "--child-rounds", "2", "--database", url],
                check=True, capture_output=True, text=True, env=env, cwd=path,
            ).stdout  # fmt: skip
            sides[side].extend(json.loads(out.strip().splitlines()[-1]))
    med = {
        side: [statistics.median(run[k] for run in runs) for k in range(3)] for side, runs in sides.items()
    }
    total = {side: m[1] + m[2] for side, m in med.items()}
    return (
        "; ".join(
            f"{side}: wall {m[0]:.2f} s, CPU {m[1]:.2f} s here + {m[2]:.2f} s in the database server "
            f"= {total[side]:.2f} s (medians of {len(sides[side])})"
            for side, m in med.items()
        )
        + f"; CPU ratio baseline/this {total['baseline'] / total['this']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--database", default="", help="database URL (default: a new SQLite file)")
    parser.add_argument("--reuse", action="store_true", help="the database is seeded already: only time")
    parser.add_argument("--rounds", type=int, default=3, help="timed summaries (median reported)")
    parser.add_argument("--record", action="store_true", help="write the figures to bench/RESULTS.md")
    parser.add_argument(
        "--baseline", type=Path, help="checkout to pair with (--reuse): summaries interleaved"
    )
    parser.add_argument("--pairs", type=int, default=4, help="with --baseline: child processes per side")
    parser.add_argument("--csv-peak", default="", help=argparse.SUPPRESS)
    parser.add_argument("--child-rounds", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.csv_peak:
        print(csv_peak_mb(args.csv_peak))
        return
    if args.child_rounds:
        print(child_rounds(args.database, args.child_rounds))
        return
    if args.baseline:
        before = os.getloadavg()[0]
        figure = paired(args.database, args.baseline, args.pairs)
        after = os.getloadavg()[0]
        figure += f"; load average {before:.1f} before, {after:.1f} after on {os.cpu_count()} shared CPUs"
        print(figure)
        if args.record:
            dialect = "SQLite" if args.database.startswith("sqlite") else "PostgreSQL"
            command = " ".join([".venv/bin/python bench/bench_summary.py", *sys.argv[1:]])
            record(f"CX summary on {dialect}, paired with a baseline checkout", figure, command)
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
            load_before = os.getloadavg()[0]
            runs, served = _summaries(session, args.rounds)
            load_after = os.getloadavg()[0]
            profile = statement_profile(session)
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
    walls = f"median of {len(runs)}: " + ", ".join(f"{wall:.2f}" for wall, _ in runs)
    cpu = f"CPU {statistics.median(c for _, c in runs):.2f} s"
    if served:  # the summary's CPU time is mostly the server's: say how much
        cpu += (
            f" here + {statistics.median(served):.2f} s in the PostgreSQL backend (not its parallel workers)"
        )
    figure = (
        f"{args.participants:,} participants x {TASKS} tasks ({summary.attempts:,} attempts) on {dialect}: "
        f"CXSummary {statistics.median(w for w, _ in runs):.2f} s uncached ({walls} s; "
        f"{cpu}; target 2 s), "
        f"dashboard request {statistics.median(pages):.2f} s (median of 3, uncached; target 3 s), "
        f"attempts CSV peak RSS {peak} (target 200 MB), "
        f"load average {load_before:.1f} before and {load_after:.1f} after the summary timings on "
        f"{os.cpu_count()} shared CPUs; one summary's slowest statements: {profile}"
    )
    print(figure)
    if args.record:
        command = " ".join([".venv/bin/python bench/bench_summary.py", *sys.argv[1:]])
        if args.reuse:  # say how the database was seeded (record() closes the backquote)
            command += "` (database seeded by an earlier run without `--reuse"
        name = f"CX summary on {'SQLite' if dialect == 'sqlite' else 'PostgreSQL'}, dashboard path"
        record(name, figure, command)


if __name__ == "__main__":
    main()
