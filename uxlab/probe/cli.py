"""``uxlab probe``: a thin command over the probe runner (upload tokens are ``uxlab tokens``)."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from uxlab.errors import ProbeError, UxlabError
from uxlab.probe.preflight import MAX_RUNS, check_targets, unwritable
from uxlab.probe_report import Build

# Runs in flight by default, measured on 2 cores (bench/RESULTS.md, "probe --parallel"): with
# unthrottled loads the observation windows set the pace, so more runs in flight help; loads
# under CPU throttling are long and one at a time, so there more browsers only add start-up.
PARALLEL = 6
PARALLEL_THROTTLED = 4
INTERRUPTED = 130
RUN_AGAIN = ": run the probe again, or with a smaller --parallel"

if TYPE_CHECKING:
    from uxlab.probe.runner import Plan
    from uxlab.probe_report import ProbeReport


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=5, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def build_label(commit: str | None, branch: str | None) -> Build:
    """Return the build label (commit, branch, time): options, then CI variables, then git."""
    return Build(
        commit=commit or os.environ.get("GITHUB_SHA") or _git("rev-parse", "HEAD"),
        branch=branch or os.environ.get("GITHUB_REF_NAME") or _git("rev-parse", "--abbrev-ref", "HEAD"),
        time=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    )


def default_parallel(plan: Plan) -> int:
    """Browsers to launch when ``--parallel`` is not given (see PARALLEL): no more than the runs."""
    throttled = any(p.cpu_slowdown > 1 for p in plan.profiles)
    runs = plan.runs * len(plan.pages) * len(plan.profiles)
    return max(1, min(PARALLEL_THROTTLED if throttled else PARALLEL, runs))


def _plan(
    scenario: str | None, urls: tuple[str, ...], server: str, runs: int | None, profiles: tuple[str, ...]
) -> Plan:
    from uxlab import scenarios
    from uxlab.probe.runner import PageTarget, Plan, plan_from_scenario

    check_targets(scenario, urls, server)
    # A URL or profile given twice would pool both entries' runs under one page (an even count).
    urls, profiles = tuple(dict.fromkeys(urls)), tuple(dict.fromkeys(profiles))
    spec = None
    if scenario:
        loaded = scenarios.load(scenario)
        spec = loaded.probe
        plan = plan_from_scenario(loaded, server, runs)
    else:
        plan = Plan(
            pages=tuple(PageTarget(u, u) for u in urls), profiles=(), runs=3 if runs is None else runs
        )
    if profiles or not plan.profiles:
        chosen = []
        for name in profiles or ("desktop", "mobile"):
            try:
                chosen.append(spec.profile(name) if spec else scenarios.BUILTIN_PROFILES[name])
            except KeyError:
                raise ProbeError(
                    f"unknown profile {name!r}: use {', '.join(scenarios.BUILTIN_PROFILES)}, "
                    "or define it under probe.profile_defs"
                ) from None
        plan = dataclasses.replace(plan, profiles=tuple(chosen))
    if plan.runs > MAX_RUNS:  # a longer run would write a report its schema refuses
        raise ProbeError(f"runs must be at most {MAX_RUNS} (the report schema's limit), got {plan.runs}")
    if plan.runs < 1 or plan.runs % 2 == 0:
        raise ProbeError(f"runs must be an odd number, got {plan.runs}")
    if not plan.pages and not plan.tasks:
        raise ProbeError(f"{scenario}: nothing to probe (no probe.pages and no task with an ideal_path)")
    return plan


def _progress(stream: Any) -> Callable[[int, int, str], None]:
    live = stream.isatty()

    def show(done: int, total: int, label: str) -> None:
        line = f"[{done}/{total}] {label}"
        stream.write(f"\r\033[K{line}" if live else line + "\n")
        stream.flush()

    return show


def _check_outputs(opts: dict[str, Any], plan: Plan) -> None:
    """ProbeError naming the option whose file or folder cannot be written."""
    for option in ("json", "junit", "markdown"):
        target = opts[f"{option}_path"]
        why = unwritable(Path(target)) if target and target != "-" else None
        if why:
            raise ProbeError(f"--{option} {target}: {why}")
    artifacts = Path(opts["artifacts"])
    if plan.tasks and artifacts.exists() and not artifacts.is_dir():  # made on the first failed path
        raise ProbeError(f"--artifacts {artifacts}: not a folder")


def write_report(path: str, text: str) -> None:
    """Write a report file whole or not at all; ``-`` is standard output.

    A file is written beside its place and renamed at the end, so a full disk or a Ctrl-C
    never leaves half a report (nor spoils the previous one). A device such as /dev/stderr,
    or a writable file in a folder that is not, is written in place.
    """
    if path == "-":
        click.echo(text, nl=False)
        return
    target = Path(path)
    direct = (target.exists() and not target.is_file()) or not os.access(target.parent, os.W_OK)
    partial = target if direct else target.with_name(target.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        if not direct:
            partial.replace(target)
    except OSError as error:  # checked before the run; something changed since
        raise ProbeError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        if not direct:
            partial.unlink(missing_ok=True)


@click.command(
    "probe",
    help="Measure page speed and walk task paths; exit 1 when an error budget or path fails.",
)
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--url", "urls", multiple=True, help="Probe this URL (repeatable) instead of a scenario's pages."
)
@click.option("--server", default="", help="uxlab server URL for a study whose site is a path on it (/demo).")
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    help=f"Runs per page and profile (odd, at most {MAX_RUNS}, the report schema's limit). "
    "Default: the scenario's, else 3.",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    help=(
        "Profile (repeatable): desktop, mobile, lighthouse-mobile or one the scenario defines. "
        "Default: desktop, mobile."
    ),
)
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Pages loaded at once (concurrent loads disturb each other's timings).",
)
@click.option(
    "--parallel",
    type=click.IntRange(1, 16),
    help=f"Runs in flight, one browser each: their observation windows overlap, their loads do not "
    f"[default: {PARALLEL}, {PARALLEL_THROTTLED} when a profile throttles the CPU; at most the runs].",
)
@click.option("--json", "json_path", help="Write the JSON report here ('-' for standard output).")
@click.option("--junit", "junit_path", help="Write a JUnit XML report here.")
@click.option("--markdown", "markdown_path", help="Write a Markdown summary here.")
@click.option("--no-tasks", is_flag=True, help="Skip the task-path checks (page speed only).")
@click.option(
    "--artifacts", default="probe-artifacts", show_default=True, help="Folder for failure screenshots."
)
@click.option("--upload", "upload_url", help="uxlab server to upload the results to.")
@click.option("--token", envvar="UXLAB_PROBE_TOKEN", help="Upload token (or UXLAB_PROBE_TOKEN).")
@click.option("--commit", help="Build commit for the upload (default: GITHUB_SHA or git).")
@click.option("--branch", help="Build branch for the upload (default: GITHUB_REF_NAME or git).")
@click.option("--chromium", default="", envvar="UXLAB_CHROMIUM_PATH", help="Chromium binary.")
def probe(**opts: Any) -> None:
    # a missing Chromium's message names where its path came from
    given = click.get_current_context().get_parameter_source("chromium")
    flag = given is ParameterSource.COMMANDLINE
    opts["chromium_named_by"] = "--chromium" if flag else "UXLAB_CHROMIUM_PATH"
    try:
        report = run_probe_command(**opts)
    except UxlabError as error:
        # Whatever stops a probe from running (bad file, browser, site, upload) is exit status 2.
        click.echo(f"uxlab: {error.message}", err=True)
        sys.exit(ProbeError.exit_code)
    except KeyboardInterrupt:
        # Not click's "Aborted!" and 1, which CI would read as a failed budget: 128 + SIGINT.
        click.echo("uxlab: interrupted", err=True)
        # Ctrl-C stops Playwright's driver too: its closed connection, an unretrieved future
        # that asyncio would log at exit, is expected here.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        sys.exit(INTERRUPTED)
    sys.exit(report.summary.exit_code)


def run_probe_command(**opts: Any) -> ProbeReport:
    """Plan, run, write the reports and upload; return the report."""
    from uxlab import probe_report
    from uxlab.probe.browser import BROWSER_CLOSED, open_browsers, while_connected
    from uxlab.probe.loop import run_to_end
    from uxlab.probe.report import format_junit, format_markdown, format_table
    from uxlab.probe.runner import execute
    from uxlab.probe.upload import check_upload

    check_upload(opts["upload_url"], opts["token"])
    plan = _plan(opts["scenario"], opts["urls"], opts["server"], opts["runs"], opts["profiles"])
    if opts["no_tasks"]:
        plan = dataclasses.replace(plan, tasks=())
    _check_outputs(opts, plan)

    async def go() -> ProbeReport:
        count = max(opts["parallel"] or default_parallel(plan), opts["concurrency"])
        async with open_browsers(opts["chromium"], count, named_by=opts["chromium_named_by"]) as browsers:
            try:
                work = execute(
                    browsers,
                    plan,
                    concurrency=opts["concurrency"],
                    progress=_progress(sys.stderr),
                    artifacts=Path(opts["artifacts"]),
                )
                return await while_connected(browsers, work)
            except ProbeError as error:
                # A page load cut short by a dying browser reads as an unreachable site otherwise.
                if error.message == BROWSER_CLOSED or not all(b.is_connected() for b in browsers):
                    raise ProbeError(BROWSER_CLOSED + RUN_AGAIN) from None
                raise

    report = run_to_end(go)
    report = dataclasses.replace(report, build=build_label(opts["commit"], opts["branch"]))
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    if opts["json_path"]:
        write_report(opts["json_path"], probe_report.dumps(report))
    if opts["junit_path"]:
        write_report(opts["junit_path"], format_junit(report))
    if opts["json_path"] != "-":
        click.echo(format_table(report), nl=False)
    link, failure = None, None
    if opts["upload_url"]:
        from uxlab.probe.upload import upload, uploaded_link

        try:
            link = uploaded_link(upload(opts["upload_url"], opts["token"], probe_report.to_json(report)))
        except ProbeError as error:
            failure = error  # raised once the Markdown summary is written: CI shows it either way
        else:
            click.echo(f"uploaded: {link}", err=True)
    if opts["markdown_path"]:  # after the upload, so that it can link to the build
        write_report(
            opts["markdown_path"], format_markdown(report) + (f"\nUploaded: <{link}>\n" if link else "")
        )
    if failure is not None:
        raise failure
    return report
