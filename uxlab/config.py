"""Settings: one table of (name, default, help), each overridable as UXLAB_<NAME>.

The README's settings section is generated from ``SETTINGS`` and a test checks it.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    least: float | None = None  # the smallest number that makes sense: a negative limit broke every request


class SettingError(ValueError):
    """A UXLAB_* variable holds a value its setting cannot take (the message names it)."""


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SECRET_KEY",
        "",
        "Signs sessions and CSRF tokens; required: `uxlab serve` and `uxlab.wsgi` refuse to start "
        "without it. `uxlab demo` generates one and keeps it in the instance folder.",
    ),
    Setting(
        "INSTANCE_PATH",
        "",
        "Folder for the default SQLite file and the demo's secret key, created on first use. "
        "Empty: `$XDG_DATA_HOME/uxlab`, else `~/.local/share/uxlab`.",
    ),
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy URL. Empty: an SQLite file `uxlab.sqlite` in the instance folder (WAL mode).",
    ),
    Setting(
        "PUBLIC_URL", "http://127.0.0.1:5000", "Base URL participants reach this server at (used in links)."
    ),
    Setting("DEMO_SITE", True, "Serve the built-in demo company site under /demo/."),
    Setting("MAX_EVENT_BYTES", 16384, "Largest accepted events request body, in bytes (413 above).", least=1),
    Setting(
        "MAX_FORM_BYTES",
        2 * 1024 * 1024,
        "Largest accepted request body outside `/api/` (forms, the study editor's save and upload), "
        "in bytes: 413 above, a declared length before any byte is read, a chunked body once "
        "it passes the limit. The default fits the editor's largest scenario (200 000 "
        "characters), percent-encoded.",
        least=1,
    ),
    Setting("MAX_EVENTS_PER_MINUTE", 600, "Events accepted per attempt per minute (429 above).", least=1),
    Setting(
        "CLOCK_TOLERANCE_S",
        5.0,
        "Largest allowed gap between client and server task durations, in seconds.",
        least=0,
    ),
    Setting(
        "SWEEP_INTERVAL_S",
        30.0,
        "How often each server process ends abandoned attempts (past their time limit plus "
        "CLOCK_TOLERANCE_S) as timeouts, in seconds; 0: never (use `uxlab sweep`).",
        least=0,
    ),
    Setting(
        "CHROMIUM_PATH",
        "",
        "Chromium binary for probes and reports. Empty: probes use /usr/bin/chromium-headless-shell "
        "when installed, reports /usr/bin/chromium; else the other one, else Playwright's.",
    ),
    Setting(
        "LOGIN_MAX_FAILURES",
        10,
        "Failed sign-ins of one email from one client address within the window (429 above).",
        least=1,
    ),
    Setting(
        "LOGIN_MAX_FAILURES_PER_ADDRESS",
        50,
        "Failed sign-ins from one client address, whatever the emails, within the window (429 "
        "above): stops one address trying a password on many accounts. Generous, as everyone "
        "behind one NAT or proxy address shares it.",
        least=1,
    ),
    Setting("LOGIN_WINDOW_S", 900.0, "Window for counting failed sign-ins, in seconds.", least=1),
    Setting(
        "SESSION_IDLE_S",
        7200.0,
        "A researcher's session ends after this many seconds without a request.",
        least=60,
    ),
    Setting(
        "SESSION_MAX_S", 43200.0, "A researcher's session ends this many seconds after signing in.", least=60
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "Reverse proxies in front of uxlab whose X-Forwarded-For/-Proto/-Host to trust (0: none).",
        least=0,
    ),
    Setting("DEFAULT_LANGUAGE", "en", "Participant page language when neither study nor browser says."),
    Setting(
        "DB_CONNECT_TIMEOUT_S",
        5.0,
        "Longest wait for a database connection (PostgreSQL connect, a free pooled connection), in "
        "seconds; past it the request answers 503 with Retry-After.",
        least=0.1,
    ),
    Setting(
        "DB_STATEMENT_TIMEOUT_S",
        10.0,
        "Longest a database statement may run or wait for a lock (PostgreSQL `statement_timeout`, "
        "SQLite busy timeout), in seconds; past it the request answers 503. Keep it below gunicorn's "
        "`--timeout` (30 s), so a hanging database answers 503 before the worker is killed. 0: no limit. "
        "The bulk commands (`export`, `report`, `sweep`, `participants delete`) run without it unless set.",
        least=0,
    ),
    Setting(
        "DB_RETRY_AFTER_S",
        5,
        "Retry-After, in seconds, of a 503 answered while the database is unavailable.",
        least=0,
    ),
    Setting(
        "PDF_AT_ONCE",
        2,
        "PDF reports each server process prints at the same time (each starts a Chromium); "
        "a request beyond them answers 503 with Retry-After. 0: no PDFs from the web app.",
        least=0,
    ),
)

LANGUAGES = ("en", "de", "ru")


TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _coerce(raw: str, setting: Setting) -> Any:
    """The value of ``UXLAB_<NAME>=raw``; SettingError naming the variable for one it cannot take."""
    name, default, text = f"UXLAB_{setting.name}", setting.default, raw.strip()
    if isinstance(default, bool):
        if text.lower() not in TRUE | FALSE:
            raise SettingError(f"{name}: expected 1/true/yes/on or 0/false/no/off, got {raw!r}")
        return text.lower() in TRUE
    if isinstance(default, int | float):
        kind = "a whole number" if isinstance(default, int) else "a number"
        try:
            value: float = int(text) if isinstance(default, int) else float(text)
        except ValueError:
            raise SettingError(f"{name}: expected {kind}, got {raw!r}") from None
        if not math.isfinite(value) or (setting.least is not None and value < setting.least):
            raise SettingError(f"{name}: expected {kind} of at least {setting.least:g}, got {raw!r}")
        return value
    if setting.name == "PUBLIC_URL":
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise SettingError(f"{name}: expected the http(s) address participants reach, got {raw!r}")
        return text
    if setting.name == "DEFAULT_LANGUAGE" and text not in LANGUAGES:
        raise SettingError(f"{name}: expected one of {', '.join(LANGUAGES)}, got {raw!r}")
    return raw


def load_settings(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return every setting's value: the default, overridden by UXLAB_<NAME> if set.

    SettingError names the first variable whose value its setting cannot take: a negative
    limit or an address that is no URL started without a word and then broke every request.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(f"UXLAB_{setting.name}")
        values[setting.name] = setting.default if raw is None else _coerce(raw, setting)
    return values


def instance_folder(configured: str, environ: dict[str, str] | None = None) -> str:
    """Return the absolute instance folder: the INSTANCE_PATH setting, else the user's data folder.

    Never derived from where the code lives, so a source checkout (or a virtual
    environment) does not collect databases by accident.
    """
    if configured:
        return os.path.abspath(os.path.expanduser(configured))
    env = os.environ if environ is None else environ
    data_home = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(os.path.abspath(data_home), "uxlab")


def _bundled(packaged: str, checkout: str) -> Path:
    """Return a data folder: inside the package in a wheel, at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    inside = here / packaged
    return inside if inside.is_dir() else here.parent / checkout


# The wheel maps these top-level folders into the package (see pyproject.toml).
TEMPLATES_DIR = _bundled("templates", "templates")
DEMO_SCENARIOS_DIR = _bundled("demo_scenarios", "scenarios")


# Flags for every headless Chromium uxlab starts (probes, PDF reports, the tests): no
# sandbox as root, and no background traffic to Google's hosts, which closed networks refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The same Chromium build without the browser's user interface (Debian's
# chromium-headless-shell; Playwright's own default for headless): a whole probe took about
# two thirds of the time on it, so probes prefer it (bench/RESULTS.md, "probe --parallel
# (desktop, chromium)" against "(desktop, chromium-headless-shell)").
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
FULL_BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path(configured: str = "", *, probe: bool = False) -> str | None:
    """Return the Chromium binary to launch, or None to use Playwright's own download.

    ``probe``: prefer the headless shell (see HEADLESS_SHELL); the participant-flow tests and
    PDF reports keep the full browser, whose back/forward cache the tests exercise.
    """
    if configured:
        return configured
    for candidate in (HEADLESS_SHELL, *FULL_BROWSERS) if probe else (*FULL_BROWSERS, HEADLESS_SHELL):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


INSTANCE_NOTE = """\
**Where data goes.** The instance folder is `UXLAB_INSTANCE_PATH`, else `$XDG_DATA_HOME/uxlab`,
else `~/.local/share/uxlab`, however uxlab was installed and wherever it runs from: never the
source checkout, the virtual environment or the current directory. uxlab creates it only
when it needs it: for the default SQLite database `uxlab.sqlite` (when
`UXLAB_DATABASE_URL` is empty) and for the secret key `uxlab demo` generates (`secret_key`,
when `UXLAB_SECRET_KEY` is empty). `make run` uses the default folder too; set
`UXLAB_INSTANCE_PATH` to keep a checkout's demo apart (the checkout's `instance/` is
git-ignored). Before this setting existed an editable install put the folder in the
checkout (`instance/`) and a normal install under the virtual environment
(`var/uxlab.app-instance/`); move `uxlab.sqlite` from there to keep old data."""


def settings_markdown() -> str:
    """Return the README's settings table, generated from SETTINGS."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        default = "(empty)" if setting.default == "" else f"`{setting.default}`"
        rows.append(f"| `UXLAB_{setting.name}` | {default} | {setting.help} |")
    return "\n".join(rows)


def _rewrite_readme() -> None:
    """Regenerate the README's settings section (``python -m uxlab.config``)."""
    import re
    from pathlib import Path

    readme = Path(__file__).resolve().parent.parent / "README.md"
    body = (
        "## Settings\n\nEvery setting has a default and can be overridden by an environment variable.\n\n"
        + settings_markdown()
        + "\n\n"
        + INSTANCE_NOTE
        + "\n"
    )
    text = re.sub(
        r"<!-- section: settings -->.*?<!-- /section: settings -->",
        lambda _m: f"<!-- section: settings -->\n{body}<!-- /section: settings -->",
        readme.read_text(encoding="utf-8"),
        flags=re.S,
    )
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    _rewrite_readme()
