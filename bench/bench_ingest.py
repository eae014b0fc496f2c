"""Benchmark: uxlab's events API against a bare Flask app doing one INSERT (issue 13, must-show 1).

Both are served by the same gunicorn line (``-w WORKERS``, sync workers) over the same
database, and loaded by the same wrk settings (``-t2 -c CONNECTIONS -d DURATION``, the
tracker bodies of ``ingest_post.lua``: a page view and a click per request, spread over
ATTEMPTS started attempts of a study whose tasks do not end). Rounds alternate between the
two targets (and which goes first), so load from the rest of the machine falls on both;
what counts is the ratio within a round. Targets: uxlab >= 0.5x the bare app's requests/s
and p99 <= 100 ms at 50 connections. Before the rounds it counts the SQL statements of one
events request and prints a CPU-time profile of requests served in this process (servers
and wrk: ``ingest_server.py``). ``--database postgres`` for PostgreSQL.

    .venv/bin/python bench/bench_ingest.py --database sqlite [--connections 500] [--record]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlmodel import Session, select

from uxlab import db, scenarios, studies
from uxlab.app import create_app
from uxlab.models import Task
from uxlab.participants import attempts, sessions

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
from bench.ingest_server import ORIGIN, SECRET, Server, failures, wrk  # noqa: E402
from bench.results_md import record  # noqa: E402

PG_URL = os.environ.get("UXLAB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STUDY = f"""
slug: ingest-bench
title: Ingestion benchmark
consent: ok
site: {{base_url: "{ORIGIN}"}}
tasks:
  - {{id: find-a, prompt: Find A, stage: purchase, success: {{url: /never-a}}, time_limit_s: 3600}}
  - {{id: find-b, prompt: Find B, stage: purchase, success: {{url: /never-b}}, time_limit_s: 3600}}
"""


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh SQLite file or PostgreSQL schema; yields its URL."""
    if kind == "sqlite":
        yield "sqlite:///" + str(folder / "bench.sqlite")
        return
    schema = "bench_ingest_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_app(url: str) -> Any:
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": url, "PUBLIC_URL": "http://127.0.0.1"})
    with app.app_context():
        db.upgrade(db.get_engine())
    return app


def seed(app: Any, participants: int) -> list[str]:
    """Start every task of ``participants`` sessions through the product's own functions; return tokens."""
    tokens = []
    with app.app_context(), Session(db.get_engine(), expire_on_commit=False) as session:
        version, _ = studies.store_scenario(session, scenarios.loads(STUDY))
        tasks = session.exec(select(Task).where(Task.study_version_id == version.id)).all()
        for _ in range(participants):
            participant = sessions.start_session(session, version, "Mozilla/5.0 (X11; Linux x86_64)", "en")
            tokens += [attempts.start_attempt(session, participant, task).token for task in tasks]
    return tokens


def body(token: str, n: int) -> str:
    """The same batch as ingest_post.lua sends (a page view and a click)."""
    return json.dumps(
        {
            "token": token,
            "sent": 1005 + n,
            "events": [
                {
                    "id": f"p-{n}p",
                    "type": "pageview",
                    "t": 1000 + n,
                    "url": f"{ORIGIN}/products/{n % 50}?ref=x",
                },
                {"id": f"p-{n}c", "type": "click", "t": 1001 + n, "selectors": ["#p", "a"], "tag": "A"},
            ],
        }
    )


def statements_and_profile(app: Any, tokens: list[str], requests: int) -> tuple[list[str], str]:
    """SQL statements of one events request, and the top of a profile of ``requests`` of them."""
    client = app.test_client()
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split())[:90])

    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(lambda statement: count(None, None, statement))

    engine = app.extensions["uxlab.engine"]
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:  # on SQLite the write runs on sqlite3's cursor: count what sqlite3 runs
        engine.dispose()
        event.listen(engine, "connect", trace)
    else:
        event.listen(engine, "before_cursor_execute", count)
    client.post("/api/v1/events", data=body(tokens[0], 0), headers={"Origin": ORIGIN})  # warm caches
    seen.clear()
    response = client.post("/api/v1/events", data=body(tokens[0], 1), headers={"Origin": ORIGIN})
    if sqlite:
        event.remove(engine, "connect", trace)
        engine.dispose()
    else:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.get_data(as_text=True)
    profiler = cProfile.Profile(time.process_time)  # CPU time: a shared machine preempts wall time
    profiler.enable()
    for n in range(requests):
        client.post(
            "/api/v1/events", data=body(tokens[1 + n % (len(tokens) - 1)], 2 + n), headers={"Origin": ORIGIN}
        )
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return seen, out.getvalue()


def cpu_per_request(
    app: Any, url: str, tokens: list[str], requests: int, blocks: int = 10
) -> dict[str, float]:
    """CPU ms per events request in this process (Flask's test client, no server), uxlab and bare.

    The two alternate in ``blocks`` blocks; each figure is the least of its blocks, the one
    least disturbed by the rest of a shared machine.
    """
    sys.path.insert(0, str(BENCH))
    from ingest_bare_app import create_bare_app

    clients = {"uxlab": app.test_client(), "bare": create_bare_app(url).test_client()}
    per_block = max(1, requests // blocks)
    cpu_ms: dict[str, list[float]] = {target: [] for target in clients}
    n = 0
    for _ in range(blocks):
        for target, client in clients.items():
            started = time.process_time()
            for _ in range(per_block):
                n += 1
                token = tokens[n % len(tokens)]
                client.post("/api/v1/events", data=body(token, 10**6 + n), headers={"Origin": ORIGIN})
            cpu_ms[target].append((time.process_time() - started) / per_block * 1000)
    return {target: min(figures) for target, figures in cpu_ms.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=6, help="seconds per round and target")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--participants", type=int, default=1500, help="2 attempts each")
    parser.add_argument("--profile-requests", type=int, default=300)
    parser.add_argument("--record", action="store_true", help="write the figures to bench/RESULTS.md")
    parser.add_argument(
        "--cpu-only",
        action="store_true",
        help="only the in-process figures (statements, profile, CPU per request); with "
        "PYTHONPATH=<other checkout> they are that checkout's, for a before/after comparison",
    )
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="uxlab-bench-ingest-") as tmp,
        database(args.database, Path(tmp)) as url,
    ):
        folder = Path(tmp)
        app = make_app(url)
        tokens = seed(app, args.participants)
        profile_tokens, tokens = tokens[:50], tokens[50:]
        statements, profile = statements_and_profile(app, profile_tokens, args.profile_requests)
        cpu_ms = cpu_per_request(app, url, profile_tokens, args.profile_requests)
        print(
            f"CPU per events request in-process: uxlab {cpu_ms['uxlab']:.2f} ms, bare {cpu_ms['bare']:.2f} ms"
        )
        app.extensions["uxlab.engine"].dispose()
        if args.cpu_only:
            return
        print(f"SQL statements in one events request ({len(statements)}):")
        for statement in statements:
            print("   ", statement)
        print(f"profile of {args.profile_requests} events requests in-process (by own time):")
        print("\n".join(line for line in profile.splitlines()[4:24] if line.strip()))
        tokens_file = folder / "tokens.txt"
        tokens_file.write_text("\n".join(tokens) + "\n")

        servers = {t: Server(t, url, args.workers, folder / f"{t}.log") for t in ("bare", "uxlab")}
        results: dict[str, list[dict[str, Any]]] = {"bare": [], "uxlab": []}
        try:
            for n, server in enumerate(servers.values()):
                server.wait(body(tokens[n], 10**9))
            for target, server in servers.items():  # warm-up: every worker's imports, connections, caches
                wrk(server.port, tokens_file, f"w{target}", args.connections, 5)
                server.wait(body(tokens[-1], 10**9 + (target == "uxlab")))
            for n in range(args.rounds):
                order = ("bare", "uxlab") if n % 2 == 0 else ("uxlab", "bare")
                for target in order:
                    figures = wrk(
                        servers[target].port, tokens_file, f"r{n}{target}", args.connections, args.duration
                    )
                    results[target].append(figures)
                    # wrk leaves up to CONNECTIONS requests queued in the listen backlog; a
                    # sync worker serves them before anything else, so wait until it has, or
                    # the next round of either target starts behind this one's leftovers.
                    servers[target].wait(body(tokens[n], 10**8 + n * 2 + (target == "uxlab")))
                    print(
                        f"round {n + 1} {target:5}: {figures['rps']:7.0f} req/s"
                        f"  p50 {figures['p50_us'] / 1000:6.1f} ms  p99 {figures['p99_us'] / 1000:6.1f} ms"
                        f"  non-2xx {figures['non2xx']}  errors {failures(figures)}  load {figures['load']}",
                        flush=True,
                    )
        finally:
            for server in servers.values():
                server.stop()
            for target, server in servers.items():
                errors = [
                    line
                    for line in server.log.read_text().splitlines()
                    if "ERROR" in line or "WARNING" in line
                ]
                if errors:
                    print(f"{target} log: {len(errors)} errors/warnings, last: {errors[-1]}")
        summarize(args, results, statements, cpu_ms)


def summarize(
    args: argparse.Namespace,
    results: dict[str, list[dict[str, Any]]],
    statements: list[str],
    cpu_ms: dict[str, float],
) -> None:
    ratios = [u["rps"] / b["rps"] for u, b in zip(results["uxlab"], results["bare"], strict=True)]
    median = {t: statistics.median(r["rps"] for r in rs) for t, rs in results.items()}
    p99 = {t: statistics.median(r["p99_us"] / 1000 for r in rs) for t, rs in results.items()}
    failed = {t: sum(r["non2xx"] + failures(r) for r in rs) for t, rs in results.items()}
    loads = [float(r["load"].split()[0]) for rs in results.values() for r in rs]
    ratio = statistics.median(ratios)
    verdict = ""
    if args.connections == 50:
        met = ratio >= 0.5 and p99["uxlab"] <= 100 and failed["uxlab"] == 0
        verdict = f"; target >= 0.5x and p99 <= 100 ms {'MET' if met else 'NOT met'}"
    figure = (
        f"{args.database}, {args.connections} connections, {args.workers} sync workers, "
        f"{args.rounds} interleaved rounds of {args.duration} s: "
        f"uxlab {median['uxlab']:.0f} req/s (p99 {p99['uxlab']:.1f} ms), "
        f"bare insert {median['bare']:.0f} req/s (p99 {p99['bare']:.1f} ms); "
        f"ratio {ratio:.2f}x (median of rounds, range {min(ratios):.2f}-{max(ratios):.2f}); "
        f"failed requests uxlab {failed['uxlab']}, bare {failed['bare']}; "
        f"{len(statements)} SQL statements per events request; CPU per request in-process "
        f"uxlab {cpu_ms['uxlab']:.2f} ms, bare {cpu_ms['bare']:.2f} ms; "
        f"1-min load average {min(loads)}-{max(loads)} on {os.cpu_count()} shared CPUs{verdict}"
    )
    print(figure)
    if args.record:
        command = ".venv/bin/python bench/bench_ingest.py"
        command += f" --database {args.database} --connections {args.connections} --rounds {args.rounds}"
        record(
            f"events ingestion vs bare insert ({args.database}, {args.connections} connections)",
            figure,
            command,
        )


if __name__ == "__main__":
    main()
