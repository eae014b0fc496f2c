"""Exports are UTF-8 without a BOM, with \\n line ends, whatever the locale (audit finding 8).

``uxlab export`` to standard output under a locale whose encoding is not UTF-8 wrote part of
the export and stopped with a UnicodeEncodeError traceback at the first character the locale
lacks (Ana's free text ends in "…"). Standard output now gets the same bytes as ``--output``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from tests.results_seed import FREE_TEXT, seed_results
from uxlab import auth
from uxlab.cli import cli, results
from uxlab.db import database_url, get_session
from uxlab.errors import UxlabError

BOM = b"\xef\xbb\xbf"
LOCALES = {
    "latin-1 locale": {"PYTHONUTF8": "0", "LC_ALL": "en_US.ISO-8859-1"},  # ASCII where it is not installed
    "PYTHONIOENCODING": {"PYTHONUTF8": "0", "PYTHONIOENCODING": "iso-8859-1"},
}


def _uxlab(app: Flask, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the real command, as a shell would, with standard output a pipe."""
    base = {k: v for k, v in os.environ.items() if k not in {"PYTHONUTF8", "PYTHONIOENCODING", "LC_ALL"}}
    base |= {"UXLAB_DATABASE_URL": database_url(app), **(env or {})}
    command = [sys.executable, "-m", "uxlab.cli", *args]
    return subprocess.run(command, env=base, capture_output=True, timeout=120, check=False)


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("locale", LOCALES)
def test_standard_output_is_utf8_in_any_locale(app: Flask, tmp_path: Path, fmt: str, locale: str) -> None:
    with app.app_context():
        seed_results(get_session(), tmp_path)
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    written = CliRunner().invoke(
        cli, ["export", "shop", "--format", fmt, "-o", str(tmp_path / f"shop.{fmt}")], env=env
    )
    assert written.exit_code == 0, written.output
    piped = _uxlab(app, "export", "shop", "--format", fmt, env=LOCALES[locale])
    assert (piped.returncode, piped.stderr) == (0, b"")
    assert piped.stdout == (tmp_path / f"shop.{fmt}").read_bytes()
    assert FREE_TEXT in piped.stdout.decode("utf-8")
    assert not piped.stdout.startswith(BOM) and b"\r" not in piped.stdout  # \n ends every line


def test_web_downloads_are_utf8_without_a_bom(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
        seed_results(get_session(), tmp_path)
    client = app.test_client()
    client.post("/login", data={"email": "ana@example.org", "password": "correct horse battery"})
    response = client.get("/studies/shop/responses.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert not response.data.startswith(BOM) and b"\r" not in response.data
    assert FREE_TEXT in response.data.decode("utf-8")


class _Latin1Text(io.StringIO):
    """A text-only stream in place of standard output (no bytes underneath), in Latin-1."""

    @property
    def encoding(self) -> str:
        return "iso-8859-1"


def test_a_text_only_standard_output_not_in_utf8_is_one_line_before_any_output() -> None:
    latin1 = _Latin1Text()
    refused = pytest.raises(UxlabError, match=r"^standard output is iso-8859-1, not UTF-8; use --output FILE")
    with refused, results._utf8_stdout(latin1) as out:
        out.write("never")
    assert latin1.getvalue() == ""
    text = io.StringIO()  # text without an encoding: written as it is
    with results._utf8_stdout(text) as out:
        out.write("hm…")
    assert text.getvalue() == "hm…"
