"""``uxlab scenarios check --live URL``: fetch each task's start page, as a participant's browser would.

A start page that does not answer 2xx (after redirects) opens to an error without a task
bar, and the participant is stuck until the time limit (issue 11, point 5). ``URL`` is
where the site is reached when ``site.base_url`` is a path (the uxlab server for the demo
site); an absolute ``base_url`` is fetched as written.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from uxlab.scenarios import Scenario

TIMEOUT_S = 10.0


def status_of(url: str) -> str | None:
    """None when ``url`` answers 2xx (redirects followed); else the status or the failure, in words."""
    request = urllib.request.Request(url, headers={"User-Agent": "uxlab scenarios check --live"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # only http(s) URLs reach here
            return None if 200 <= response.status < 300 else f"answered {response.status}"
    except urllib.error.HTTPError as error:
        return f"answered {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return f"could not be fetched: {getattr(error, 'reason', error)}"


def broken_start_pages(scenario: Scenario, site_url: str) -> list[tuple[int, str]]:
    """(task index, problem) per task whose start page does not answer 2xx (each page fetched once)."""
    problems, seen = [], {}
    for i, task in enumerate(scenario.tasks):
        url = scenario.site.url_for(task.start, site_url)
        if not url.startswith(("http://", "https://")):
            problems.append((i, f"start page {url} is not an http(s) URL (task {task.id})"))
            continue
        if url not in seen:
            seen[url] = status_of(url)
        if seen[url] is not None:
            problems.append((i, f"start page {url} {seen[url]} (task {task.id})"))
    return problems
