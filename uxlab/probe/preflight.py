"""What ``uxlab probe`` checks before any browser starts, so a mistake costs a line, not a run."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from uxlab.errors import ProbeError

# The most runs per page and profile a report may hold: its schema's ``runs`` maximum (a
# constant, not read from the schema: every ``uxlab`` start builds --help's text;
# tests/probe/test_schema_enums.py keeps the two equal).
MAX_RUNS = 99


def check_targets(scenario: str | None, urls: tuple[str, ...], server: str) -> None:
    """ProbeError unless exactly one of a scenario and ``--url`` is given, every URL is an
    absolute http(s) URL, and ``--server`` comes only with a scenario."""
    if not scenario and not urls:
        raise ProbeError("give a scenario file or --url: uxlab probe SCENARIO | --url URL")
    if scenario and urls:
        raise ProbeError("give a scenario file or --url, not both")
    if urls and server:
        # --server places a scenario's path site (/demo) on a server; a --url is already whole.
        raise ProbeError("--server is for a scenario whose site is a path on it; with --url give whole URLs")
    for url in urls:
        if not is_http_url(url):
            raise ProbeError(
                f"--url {url}: give an absolute http:// or https:// URL (e.g. http://127.0.0.1:5000/)"
            )
    if server and not is_http_url(server):
        raise ProbeError(f"--server {server}: give the server's http:// or https:// address")


def is_http_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def unwritable(path: Path) -> str | None:
    """Why a file cannot be written at ``path``, or None: checked before a long run, so that a
    mistyped folder costs a line, not the run.

    The file is opened for appending (made, then removed, when it did not exist): only the
    system knows whether a write succeeds (/proc looks writable to os.access).
    """
    folder = path.parent
    if not folder.is_dir():
        return f"no folder {folder}" if not folder.exists() else f"{folder} is not a folder"
    if path.is_dir():
        return f"{path} is a folder"
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except PermissionError:
        return f"no permission to write {path}"
    except OSError as error:
        return f"cannot write {path}: {error.strerror or error}"
    if not existed:
        path.unlink(missing_ok=True)
    return None
