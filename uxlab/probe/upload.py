"""Send a probe report to a uxlab server (``POST /api/v1/probes`` with a bearer token)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urljoin

from uxlab.errors import ProbeError
from uxlab.probe.preflight import is_http_url

API_PATH = "/api/v1/probes"


def check_upload(server: str | None, token: str | None) -> None:
    """ProbeError unless ``server`` is an http(s) address with a host and a token is given.

    Checked before the run, so that a mistyped ``--upload`` costs a line, not the run.
    """
    if not server:
        return
    if not is_http_url(server):
        raise ProbeError(
            f"--upload {server}: give the uxlab server's address, http:// or https:// with a host "
            "(e.g. https://uxlab.example.org)"
        )
    if not token:
        raise ProbeError("--upload needs --token (or UXLAB_PROBE_TOKEN)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would resend the POST as a GET, with the Authorization header, to any host the
    # server names: the redirect is reported instead (an HTTPError with its 3xx status).
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def upload(server: str, token: str, report: dict[str, Any], timeout_s: float = 30) -> dict[str, Any]:
    """Upload ``report``; return the server's JSON answer; ProbeError with its reason on failure.

    Every failure is one ``upload to URL failed: ...`` message; a redirect is not followed.
    """
    url = server.rstrip("/") + API_PATH
    request = urllib.request.Request(
        url,
        data=json.dumps(report).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout_s) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        with error:  # it holds the connection open
            raise ProbeError(f"upload to {url} failed: {_refusal(url, error)}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error or type(error).__name__
        raise ProbeError(f"upload to {url} failed: cannot reach it: {reason}") from None
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ProbeError(
            f"upload to {url} failed: the server at {server} answered with something that is not "
            "uxlab's API (HTML?)"
        )
    return answer


def uploaded_link(answer: dict[str, Any]) -> str:
    """The page to show for an upload: its build's, else (an older server) the study's probes page."""
    return str(answer.get("build_url") or answer.get("history_url") or f"upload {answer.get('id')}")


def _refusal(url: str, error: urllib.error.HTTPError) -> str:
    """Why the server refused the upload: the redirect's target, or its status and reason."""
    if 300 <= error.code < 400:
        location = urljoin(url, error.headers.get("Location") or "")
        if location.endswith(API_PATH):
            location = location[: -len(API_PATH)] or location
        return f"the server redirected to {location}: pass that address to --upload"
    try:
        reason = json.loads(error.read())["error"]["message"]
    except (ValueError, KeyError, TypeError, OSError, http.client.HTTPException):
        reason = error.reason
    return f"refused ({error.code}): {reason}"
