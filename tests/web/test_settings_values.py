"""A UXLAB_* variable with a value its setting cannot take stops every entry point in one line.

Before, a word where a number goes was a traceback that did not name the variable (from
gunicorn, ``uxlab serve`` and every command), and a negative or empty value started
without a word and then broke every request of its kind: ``MAX_EVENTS_PER_MINUTE=0``
answered every tracker batch 429, ``LOGIN_MAX_FAILURES=0`` made every sign-in a 500,
``PUBLIC_URL=`` sent participants' trackers to ``://``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from uxlab.config import SettingError, load_settings

BAD = [
    ("MAX_EVENT_BYTES", "abc", "expected a whole number, got 'abc'"),
    ("MAX_EVENT_BYTES", "-5", "expected a whole number of at least 1, got '-5'"),
    ("MAX_EVENTS_PER_MINUTE", "0", "of at least 1"),
    ("LOGIN_MAX_FAILURES", "1.5", "expected a whole number, got '1.5'"),
    ("LOGIN_MAX_FAILURES", "0", "of at least 1"),
    ("CLOCK_TOLERANCE_S", "nan", "expected a number of at least 0, got 'nan'"),
    ("CLOCK_TOLERANCE_S", "-1", "of at least 0"),
    ("DB_STATEMENT_TIMEOUT_S", "10s", "expected a number, got '10s'"),
    ("DB_STATEMENT_TIMEOUT_S", "-1", "of at least 0"),
    ("SESSION_IDLE_S", "-1", "of at least 60"),
    ("TRUSTED_PROXIES", "-1", "of at least 0"),
    ("SWEEP_INTERVAL_S", "inf", "of at least 0, got 'inf'"),
    ("DEMO_SITE", "maybe", "expected 1/true/yes/on or 0/false/no/off, got 'maybe'"),
    ("PUBLIC_URL", "", "expected the http(s) address participants reach, got ''"),
    ("PUBLIC_URL", "notaurl", "got 'notaurl'"),
    ("PUBLIC_URL", "ftp://ux.example.org", "got 'ftp://ux.example.org'"),
    ("DEFAULT_LANGUAGE", "fr", "expected one of en, de, ru, got 'fr'"),
]


@pytest.mark.parametrize(("name", "raw", "why"), BAD)
def test_a_value_a_setting_cannot_take_names_the_variable(name: str, raw: str, why: str) -> None:
    with pytest.raises(SettingError) as refused:
        load_settings({f"UXLAB_{name}": raw})
    assert str(refused.value).startswith(f"UXLAB_{name}: ") and why in str(refused.value)


def test_values_that_make_sense_are_taken() -> None:
    taken = load_settings(
        {
            "UXLAB_SWEEP_INTERVAL_S": "0",  # documented: never
            "UXLAB_DB_STATEMENT_TIMEOUT_S": "0",  # documented: no limit
            "UXLAB_PDF_AT_ONCE": "0",
            "UXLAB_DEMO_SITE": "off",
            "UXLAB_PUBLIC_URL": "https://ux.example.org/",
            "UXLAB_CLOCK_TOLERANCE_S": " 2.5 ",
        }
    )
    assert (taken["SWEEP_INTERVAL_S"], taken["DB_STATEMENT_TIMEOUT_S"], taken["PDF_AT_ONCE"]) == (0, 0, 0)
    assert (taken["DEMO_SITE"], taken["PUBLIC_URL"], taken["CLOCK_TOLERANCE_S"]) == (
        False,
        "https://ux.example.org/",
        2.5,
    )


@pytest.mark.parametrize(
    "command",
    [["-m", "uxlab.cli", "db", "upgrade"], ["-m", "uxlab.cli", "serve"], ["-c", "import uxlab.wsgi"]],
    ids=["uxlab db upgrade", "uxlab serve", "uxlab.wsgi"],
)
def test_every_entry_point_refuses_it_in_one_line(command: list[str], tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "UXLAB_DATABASE_URL": f"sqlite:///{tmp_path / 'u.sqlite'}",
        "UXLAB_SECRET_KEY": "k" * 32,
        "UXLAB_MAX_EVENT_BYTES": "16k",
    }
    result = subprocess.run(
        [sys.executable, *command], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == "uxlab: UXLAB_MAX_EVENT_BYTES: expected a whole number, got '16k'\n"
