"""Report writers: terminal table, Markdown (CI job summary), JUnit XML (CI test reports)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from uxlab.probe_report import BudgetResult, PageResult, ProbeReport, TaskResult

COLUMNS = (
    ("score", "score", "{:.2f}"),
    ("ttfb_ms", "TTFB ms", "{:.0f}"),
    ("fcp_ms", "FCP ms", "{:.0f}"),
    ("lcp_ms", "LCP ms", "{:.0f}"),
    ("si_ms", "SI ms", "{:.0f}"),
    ("cls", "CLS", "{:.3f}"),
    ("tbt_ms", "TBT ms", "{:.0f}"),
    ("load_ms", "load ms", "{:.0f}"),
    ("requests", "req", "{:.0f}"),
    ("transfer_bytes", "kB", "{:.1f}"),
)


def _cell(page: PageResult, key: str, fmt: str) -> str:
    value = page.score if key == "score" else page.metrics.get(key)
    if value is None:
        return "-"
    return fmt.format(value / 1000 if key == "transfer_bytes" else value)


def _budget_text(b: BudgetResult) -> str:
    limit = f"<= {b.max:g}" if b.max is not None else f">= {b.min:g}"
    value = "n/a" if b.value is None else f"{b.value:g}"
    verdict = "ok" if b.passed else ("FAIL" if b.level == "error" else "warn")
    return f"{verdict}: {b.metric} {b.aggregate} {value} (budget {limit}, {b.level})"


def _rows(report: ProbeReport) -> list[list[str]]:
    rows = [["page", "profile", *(title for _, title, _ in COLUMNS)]]
    for page in report.pages:
        rows.append([page.path, page.profile, *(_cell(page, k, f) for k, _, f in COLUMNS)])
    return rows


def _task_line(task: TaskResult) -> str:
    name = f"task {task.id} {task.profile}"
    if task.passed:
        return f"ok: {name} ({len(task.steps)} steps, {task.duration_ms:.0f} ms)"
    shot = f"; screenshot {task.screenshot}" if task.screenshot else ""
    return f"FAIL: {name}: {task.error}{shot}"


def _summary_line(report: ProbeReport) -> str:
    s = report.summary
    return (
        f"{s.pages} page-profiles, {s.budgets_failed_error} error budgets failed, "
        f"{s.budgets_failed_warn} warnings, {s.tasks_failed} task paths failed"
    )


def format_table(report: ProbeReport) -> str:
    """Return the readable terminal report: a metrics table, failed budgets, tasks, notes."""
    rows = _rows(report)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = (
        [
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        if report.pages
        else []
    )
    passed = 0
    for page in report.pages:
        passed += sum(1 for b in page.budgets if b.passed)
        lines += [f"{page.path} {page.profile}: {_budget_text(b)}" for b in page.budgets if not b.passed]
    if passed:
        lines.append(f"{passed} budgets passed")
    for page in report.pages:
        errors = sorted({e for run in page.runs for e in run.errors})
        lines += [f"{page.path} {page.profile}: page error: {e}" for e in errors]
    lines += [_task_line(t) for t in report.tasks]
    lines += [f"note: {n}" for n in report.notes]
    lines.append(_summary_line(report))
    return "\n".join(lines) + "\n"


def format_markdown(report: ProbeReport) -> str:
    """Return a Markdown summary for a CI job page."""
    out = [f"## uxlab probe{': ' + report.study if report.study else ''}", ""]
    if report.pages:
        rows = _rows(report)
        out += ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows[1:]]
        out.append("")
    out += [f"- {page.path} {page.profile}: {_budget_text(b)}" for page in report.pages for b in page.budgets]
    out += [f"- {_task_line(t)}" for t in report.tasks]
    out += [f"> {n}" for n in report.notes]
    out += ["", f"**{_summary_line(report)}**", ""]
    return "\n".join(out)


def format_junit(report: ProbeReport) -> str:
    """Return JUnit XML: one test case per page-profile budget and per task path and profile.

    A failed error-level budget is a <failure>; a failed warn-level budget passes with a
    <system-out> line, so CI test reports show it without failing.
    """
    suites = ET.Element("testsuites", name="uxlab probe")
    budgets = ET.SubElement(suites, "testsuite", name="budgets")
    count = fails = 0
    for page in report.pages:
        for b in page.budgets:
            count += 1
            case = ET.SubElement(
                budgets,
                "testcase",
                classname=f"budgets.{page.profile}",
                name=f"{page.path} {b.metric} {b.aggregate}",
            )
            if not b.passed and b.level == "error":
                fails += 1
                ET.SubElement(case, "failure", message=_budget_text(b), type="budget")
            elif not b.passed:
                ET.SubElement(case, "system-out").text = _budget_text(b)
    budgets.set("tests", str(count))
    budgets.set("failures", str(fails))
    paths = ET.SubElement(suites, "testsuite", name="task paths", tests=str(len(report.tasks)))
    path_fails = 0
    for task in report.tasks:
        case = ET.SubElement(
            paths,
            "testcase",
            classname="tasks",
            name=f"{task.id} {task.profile}",
            time=f"{task.duration_ms / 1000:.3f}",
        )
        if not task.passed:
            path_fails += 1
            ET.SubElement(
                case, "failure", message=task.error or "failed", type="task-path"
            ).text = _task_line(task)
    paths.set("failures", str(path_fails))
    suites.set("tests", str(count + len(report.tasks)))
    suites.set("failures", str(fails + path_fails))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
