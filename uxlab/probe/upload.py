"""Send a probe report to a uxlab server (``POST /api/v1/probes`` with a bearer token)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from uxlab.errors import ProbeError


def upload(server: str, token: str, report: dict[str, Any], timeout_s: float = 30) -> dict[str, Any]:
    """Upload ``report``; return the server's answer; ProbeError with its reason on failure."""
    url = server.rstrip("/") + "/api/v1/probes"
    request = urllib.request.Request(
        url,
        data=json.dumps(report).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer
    except urllib.error.HTTPError as error:
        try:
            reason = json.loads(error.read())["error"]["message"]
        except (ValueError, KeyError, TypeError):
            reason = error.reason
        raise ProbeError(f"upload to {url} refused ({error.code}): {reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise ProbeError(f"cannot reach {url} to upload: {getattr(error, 'reason', error)}") from None
