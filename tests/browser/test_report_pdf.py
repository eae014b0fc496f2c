"""`uxlab report STUDY --pdf FILE`: Chromium prints the dashboard; the PDF's text has the headline figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from pypdf import PdfReader

import tests.summary_seed as seed
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.reports.summary import build_summary


@pytest.mark.browser
def test_report_pdf_has_the_headline_figures(app: Flask, tmp_path: Path, browser: object) -> None:
    # ``browser`` only skips this test where Chromium is missing; the command starts its own.
    with app.app_context():
        seed.seed(get_session(), tmp_path)
        summary = build_summary(get_session(), "cx")
    out = tmp_path / "cx.pdf"
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    result = CliRunner().invoke(cli, ["report", "cx", "--pdf", str(out)], env=env)
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    text = " ".join(text.split())
    success = summary.figure("task_success")
    assert success.value == 12 / 18
    assert "Task success 67%" in text and "n = 18" in text
    assert "SUS 69.6" in text and "grade C" in text  # 417.5 / 6, Sauro-Lewis grade C
    assert "NPS +0" in text
    assert "What participants wrote" in text and "Great <b>site</b>" in text  # the researcher's report
    missing = CliRunner().invoke(cli, ["report", "nope", "--pdf", str(tmp_path / "x.pdf")], env=env)
    assert missing.exit_code != 0 and "no study 'nope'" in missing.output


@pytest.mark.browser
def test_report_pdf_takes_the_web_pages_filters(app: Flask, tmp_path: Path, browser: object) -> None:
    """The same filters as the summary page's "Download PDF" (tests/browser/test_report_pdf_download.py
    reads the same figures from the web's PDF); a bad value stops before Chromium, writing nothing."""
    with app.app_context():
        seed.seed(get_session(), tmp_path)  # six participants, two on phones
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    out = tmp_path / "phones.pdf"
    args = ["report", "cx", "--pdf", str(out), "--device", "phone", "--outcome", "failure"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(out).pages).replace("\ufb01", "fi")  # ligature
    text = " ".join(text.split())
    # PEOPLE[4] (phone) failed two tasks; PEOPLE[5] (phone) failed none
    assert "1 participant (1 finished), 2 ended attempts" in text
    assert "Filters: device phone, outcome failure" in text
    bad = tmp_path / "bad.pdf"
    refused = CliRunner().invoke(cli, ["report", "cx", "--pdf", str(bad), "--outcome", "won"], env=env)
    assert refused.exit_code != 0 and "outcome must be one of success" in refused.output
    assert not bad.exists()
