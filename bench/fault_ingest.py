"""Fault test: SIGKILL gunicorn's workers and master during sustained posting (issue 13, must-show 2).

Clients post tracker batches (page views and clicks with fresh ids) to uxlab's events API
behind ``gunicorn -w WORKERS`` and retry a batch, with the same ids, until it is
acknowledged (200), as the tracker does. Meanwhile a killer SIGKILLs a random worker every
KILL_WORKER_S seconds and the master every KILL_MASTER_S seconds (then starts gunicorn
again on the same port, as a process supervisor would). Afterwards it checks, in the
database: every acknowledged event stored, none stored twice, and every attempt's derived
``path`` and ``click_count`` equal to its stored events. Exits 1 on any violation.

    .venv/bin/python bench/fault_ingest.py --database sqlite [--duration 30]
    .venv/bin/python bench/fault_ingest.py --database postgres
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_ingest import database, make_app, seed
from bench.ingest_server import ORIGIN, Server, load_average
from bench.results_md import record
from uxlab import db
from uxlab.models import Attempt, Event


class Client(threading.Thread):
    """Posts batches for its attempts, retrying each until acknowledged; records acknowledged ids."""

    def __init__(self, number: int, port: int, tokens: list[str], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.number, self.port, self.tokens, self.stop = number, port, tokens, stop
        self.acknowledged: dict[str, set[str]] = {token: set() for token in tokens}
        self.sent = 0
        self.retries = 0
        self.statuses: dict[int, int] = {}
        self.give_up_at = float("inf")  # set when posting stops: outstanding batches get until then

    def run(self) -> None:
        rng = random.Random(self.number)
        n = 0
        while not self.stop.is_set():
            token = rng.choice(self.tokens)
            events = []
            for _ in range(rng.randint(1, 3)):
                n += 1
                event_id = f"c{self.number}-{n}"
                if rng.random() < 0.6:
                    url = f"{ORIGIN}/products/{rng.randint(1, 40)}"
                    events.append({"id": event_id, "type": "pageview", "t": 1000 + n, "url": url})
                else:
                    events.append({"id": event_id, "type": "click", "t": 1000 + n, "tag": "A"})
            self._deliver(token, events)

    def _deliver(self, token: str, events: list[dict[str, Any]]) -> None:
        body = json.dumps({"token": token, "events": events})
        self.sent += 1
        while time.monotonic() < self.give_up_at:
            status = self._post(body)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.acknowledged[token].update(e["id"] for e in events)
                return
            self.retries += 1
            time.sleep(0.05 if status else 0.2)

    def _post(self, body: str) -> int:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            conn.request("POST", "/api/v1/events", body=body, headers={"Origin": ORIGIN})
            response = conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            return 0  # connection refused or cut by a kill: send the same batch again


def workers_of(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def restart(url: str, workers: int, log: Path, port: int) -> Server:
    """Start gunicorn again on ``port``, as a supervisor would (again while orphans still hold it)."""
    deadline = time.monotonic() + 60
    while True:
        server = Server("uxlab", url, workers, log, port=port)
        time.sleep(2)  # gunicorn retries its bind for 5 s; orphaned workers exit when they notice
        if server.process.poll() is None or time.monotonic() > deadline:
            return server


def check(url: str, clients: list[Client]) -> list[str]:
    """Compare the database with what the clients were told; return the violations."""
    problems = []
    acknowledged_of: dict[str, set[str]] = {}
    for client in clients:
        for token, ids in client.acknowledged.items():
            acknowledged_of.setdefault(token, set()).update(ids)
    engine = db.make_engine(url)
    with Session(engine) as session:
        for token, acknowledged in acknowledged_of.items():
            attempt = session.exec(select(Attempt).where(Attempt.token == token)).one()
            events = session.exec(
                select(Event).where(Event.attempt_id == attempt.id).order_by(Event.id)  # type: ignore[arg-type]
            ).all()
            ids = [e.client_id for e in events]
            if len(ids) != len(set(ids)):
                problems.append(f"{token}: {len(ids) - len(set(ids))} events stored twice")
            lost = acknowledged - set(ids)
            if lost:
                problems.append(f"{token}: {len(lost)} acknowledged events lost, e.g. {sorted(lost)[:3]}")
            pages = [e.url.removeprefix(ORIGIN) or "/" for e in events if e.kind == "pageview"]
            if attempt.path != pages:
                problems.append(f"{token}: path has {len(attempt.path)} pages, stored events {len(pages)}")
            clicks = sum(1 for e in events if e.kind == "click")
            if attempt.click_count != clicks:
                problems.append(f"{token}: click_count {attempt.click_count}, stored clicks {clicks}")
    engine.dispose()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of posting under kills")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kill-worker-s", type=float, default=2.0)
    parser.add_argument("--kill-master-s", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--record", action="store_true", help="write the figures to bench/RESULTS.md")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="uxlab-fault-") as tmp, database(args.database, Path(tmp)) as url:
        folder = Path(tmp)
        app = make_app(url)
        tokens = seed(app, 100)
        app.extensions["uxlab.engine"].dispose()
        server = Server("uxlab", url, args.workers, folder / "gunicorn-0.log")
        server.wait(json.dumps({"token": tokens[0], "events": []}))
        port = server.port
        stop = threading.Event()
        # Every client posts to every attempt: batches of one attempt arrive at once, as a
        # beacon and the next page's batch do, so lost updates of its path would show.
        clients = [Client(i, port, tokens[:40], stop) for i in range(args.clients)]
        for client in clients:
            client.start()
        kills = {"worker": 0, "master": 0}
        started = time.monotonic()
        next_master = started + args.kill_master_s
        while time.monotonic() - started < args.duration:
            time.sleep(args.kill_worker_s)
            if time.monotonic() >= next_master:
                os.kill(server.process.pid, signal.SIGKILL)
                server.process.wait()
                kills["master"] += 1
                server = restart(url, args.workers, folder / f"gunicorn-{kills['master']}.log", port)
                next_master = time.monotonic() + args.kill_master_s
                continue
            workers = workers_of(server.process.pid)
            if workers:
                os.kill(rng.choice(workers), signal.SIGKILL)
                kills["worker"] += 1
        stop.set()
        for client in clients:
            client.give_up_at = time.monotonic() + 120  # the last batches: until the server is back
        for client in clients:
            client.join()
        server.stop()
        problems = check(url, clients)
        acknowledged = sum(len(ids) for c in clients for ids in c.acknowledged.values())
        statuses: dict[int, int] = {}
        for client in clients:
            for status, count in client.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        figure = (
            f"{args.database}: {args.duration:.0f} s of posting by {args.clients} clients, "
            f"{kills['worker']} workers and {kills['master']} masters SIGKILLed; "
            f"{sum(c.sent for c in clients)} batches, {acknowledged} events acknowledged, "
            f"{sum(c.retries for c in clients)} retries; "
            f"answers {dict(sorted(statuses.items()))} (0: no connection); "
            f"violations {len(problems)} (lost, doubled, path or click count off); "
            f"load average {load_average()}"
        )
        print(figure)
        if args.record and not problems:
            command = f".venv/bin/python bench/fault_ingest.py --database {args.database}"
            command += f" --duration {args.duration:g} --kill-worker-s {args.kill_worker_s:g}"
            record(f"ingestion under SIGKILL ({args.database})", figure, command)
        for problem in problems[:20]:
            print("  ", problem)
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
