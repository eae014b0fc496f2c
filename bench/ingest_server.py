"""bench_ingest.py's servers and load: one gunicorn per target on a free port, and wrk's figures.

Also used by fault_ingest.py (``Server``, ``load_average``).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ORIGIN = "https://shop.example.com"
SECRET = "bench-ingest-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Server:
    """One gunicorn (the uxlab line or the bare app's) on a free port."""

    def __init__(self, target: str, url: str, workers: int, log: Path, port: int = 0) -> None:
        self.port = port or free_port()
        env = {**os.environ, "UXLAB_DATABASE_URL": url, "UXLAB_SECRET_KEY": SECRET, "BENCH_DATABASE_URL": url}
        env["UXLAB_PUBLIC_URL"] = f"http://127.0.0.1:{self.port}"
        app = "uxlab.wsgi:app" if target == "uxlab" else "ingest_bare_app:app"
        args = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}"]
        args += ["--backlog", "2048", "--pythonpath", str(BENCH), "--error-logfile", str(log), app]
        log.touch()
        self.process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        self.log = log
        self.workers = workers

    def wait(self, sample: str) -> None:
        """Wait until the server stores a batch (a worker boots before it imports the app)."""
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: {self.log.read_text()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                conn.request("POST", "/api/v1/events", body=sample, headers={"Origin": ORIGIN})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not start: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def wrk(port: int, tokens_file: Path, run: str, connections: int, duration_s: int) -> dict[str, Any]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration_s}s", "--timeout", "10s"]
    args += ["-s", str(BENCH / "ingest_post.lua"), f"http://127.0.0.1:{port}"]
    env = {**os.environ, "BENCH_TOKENS": str(tokens_file), "BENCH_RUN": run, "BENCH_ORIGIN": ORIGIN}
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    figures: dict[str, Any] = json.loads(line[6:])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["load"] = load_average()
    return figures


def failures(figures: dict[str, Any]) -> int:
    """Requests wrk could not complete (connect, read, write errors and timeouts)."""
    return int(figures["connect"] + figures["read"] + figures["write"] + figures["timeout"])
