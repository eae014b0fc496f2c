"""Upload failures: the address checked before the run, and every failure after it one line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.probe.report_data import complete_report
from tests.probe.servers import answering
from uxlab.cli import cli
from uxlab.errors import ProbeError
from uxlab.probe.upload import upload


@pytest.mark.parametrize("address", ["not a url", "ftp://127.0.0.1:1", "http://", "127.0.0.1:5000"])
def test_a_bad_upload_address_stops_the_probe_before_it_runs(address: str, closed_port_url: str) -> None:
    result = CliRunner().invoke(
        cli, ["probe", "--url", closed_port_url, "--upload", address, "--token", "uxp_x"]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith(f"uxlab: --upload {address}: give the uxlab server's address")


def test_an_html_answer_is_named_not_a_traceback() -> None:
    login_page = b"<!doctype html><title>Sign in to the proxy</title><form></form>"
    with (
        answering(200, login_page, {"Content-Type": "text/html"}) as proxy,
        pytest.raises(ProbeError) as caught,
    ):
        upload(proxy.url, "uxp_secret", complete_report({}))
    assert caught.value.message == (
        f"upload to {proxy.url}/api/v1/probes failed: the server at {proxy.url} answered with "
        "something that is not uxlab's API (HTML?)"
    )


def test_a_redirect_is_reported_and_the_token_goes_nowhere_else() -> None:
    with answering(405, b'{"error": {"message": "GET"}}') as elsewhere:
        target = elsewhere.url.replace("127.0.0.1", "localhost") + "/api/v1/probes"
        with answering(301, headers={"Location": target}) as server, pytest.raises(ProbeError) as caught:
            upload(server.url, "uxp_secret", complete_report({}))
    assert caught.value.message == (
        f"upload to {server.url}/api/v1/probes failed: the server redirected to "
        f"{elsewhere.url.replace('127.0.0.1', 'localhost')}: pass that address to --upload"
    )
    assert [(r[0], r[2]["Authorization"]) for r in server.requests] == [("POST", "Bearer uxp_secret")]
    assert elsewhere.requests == []  # neither the report nor the token left for the other host
