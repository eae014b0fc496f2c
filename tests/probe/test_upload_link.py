"""After an upload the CLI and the Markdown summary link to the new build (or, from a server
that does not name it, to the study's probes page)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.probe.servers import answering
from uxlab import probe_uploads, scenarios, studies
from uxlab.cli import cli
from uxlab.db import get_session

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


@pytest.mark.browser
def test_the_upload_line_and_the_markdown_link_to_the_uploaded_build(
    live_server: Any, tmp_path: Path
) -> None:
    with live_server.app.app_context():
        studies.store_scenario(get_session(), scenarios.load(HELPDESK))
        token = probe_uploads.create_token(get_session(), "helpdesk", "CI")
    summary = tmp_path / "summary.txt"
    args = ["probe", str(HELPDESK), "--server", live_server.url, "--runs", "1", "--profile", "desktop"]
    args += ["--no-tasks", "--markdown", str(summary), "--upload", live_server.url, "--token", token]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    link = re.search(r"^uploaded: (\S+)$", result.stderr, re.M)
    assert link is not None, result.stderr
    # The build's page where the server names it; a server that does not, the probes page.
    builds = rf"{re.escape(live_server.url)}/studies/helpdesk/builds/\d+"
    assert re.fullmatch(f"{builds}|{re.escape(live_server.url)}/studies/helpdesk/probes", link.group(1))
    assert summary.read_text(encoding="utf-8").endswith(f"\nUploaded: <{link.group(1)}>\n")


@pytest.mark.browser
def test_a_build_url_in_the_answer_is_the_link(test_site: str, tmp_path: Path) -> None:
    answer = {
        "id": 12,
        "history_url": "http://uxlab.test/studies/helpdesk/probes",
        "build_url": "http://uxlab.test/studies/helpdesk/builds/12",
    }
    summary = tmp_path / "summary.txt"
    with answering(201, json.dumps(answer).encode(), {"Content-Type": "application/json"}) as server:
        args = ["probe", "--url", test_site + "/fast", "--runs", "1", "--profile", "desktop"]
        args += ["--markdown", str(summary), "--upload", server.url, "--token", "uxp_x"]
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "uploaded: http://uxlab.test/studies/helpdesk/builds/12"
    assert summary.read_text(encoding="utf-8").endswith(
        "\nUploaded: <http://uxlab.test/studies/helpdesk/builds/12>\n"
    )
