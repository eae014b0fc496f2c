"""Time ``uxlab scenarios check`` on a generated scenario with many tasks, whole process.

The loader found duplicate task ids by scanning the tasks read so far, so checking grew with
the square of the task count (a 20,000-task file took 15.0 s); a set makes it linear. With
``--baseline DIR`` the same file is checked by another checkout's code too (this virtualenv,
that checkout first on the path), in the same run, for a ratio rather than two figures from
different moments.

    .venv/bin/python bench/bench_scenario_check.py [--tasks 20000] [--baseline /path/to/checkout]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_md import record

ROOT = Path(__file__).resolve().parents[1]
TASK = """  - id: task-{n}
    prompt: Find page {n}.
    success: {{url: /page/{n}}}
    stage: awareness
"""


def scenario(tasks: int) -> str:
    head = "slug: many\ntitle: Many tasks\nconsent: You agree.\nsite: {base_url: /demo}\ntasks:\n"
    return head + "".join(TASK.format(n=n) for n in range(tasks))


def check_s(checkout: Path, path: Path, repeats: int) -> float:
    """Median wall time of ``python -m uxlab.cli scenarios check PATH`` with ``checkout``'s code."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "uxlab.cli", "scenarios", "check", str(path)],
            capture_output=True,
            text=True,
            check=False,
            cwd=checkout,
            env={**os.environ, "PYTHONPATH": str(checkout)},
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"check failed: {done.stderr.strip()}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "many.yaml"
        path.write_text(scenario(args.tasks), encoding="utf-8")
        mine = check_s(ROOT, path, args.repeats)
        figure = f"{args.tasks} tasks: {mine:.2f} s (median of {args.repeats}, whole process)"
        command = f".venv/bin/python bench/bench_scenario_check.py --tasks {args.tasks}"
        if args.baseline:
            theirs = check_s(args.baseline, path, args.repeats)
            figure += f"; baseline {args.baseline.name}: {theirs:.2f} s ({theirs / mine:.1f}x slower)"
            command += " --baseline CHECKOUT"
    print(figure)
    record("scenarios check, many tasks", figure, command)


if __name__ == "__main__":
    main()
