"""Settings: one table of (name, default, help), each overridable as UXLAB_<NAME>.

The README's settings section is generated from ``SETTINGS`` and a test checks it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SECRET_KEY", "dev-only-change-me", "Signs sessions and CSRF tokens. Set it in production."),
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy URL. Empty: an SQLite file `uxlab.sqlite` in the instance folder (WAL mode).",
    ),
    Setting(
        "PUBLIC_URL", "http://127.0.0.1:5000", "Base URL participants reach this server at (used in links)."
    ),
    Setting("DEMO_SITE", True, "Serve the built-in demo company site under /demo/."),
    Setting("MAX_EVENT_BYTES", 16384, "Largest accepted events request body, in bytes (413 above)."),
    Setting("MAX_EVENTS_PER_MINUTE", 600, "Events accepted per attempt per minute (429 above)."),
    Setting(
        "CLOCK_TOLERANCE_S", 5.0, "Largest allowed gap between client and server task durations, in seconds."
    ),
    Setting(
        "CHROMIUM_PATH",
        "",
        "Chromium binary for probes and reports. Empty: /usr/bin/chromium, else Playwright's.",
    ),
    Setting(
        "LOGIN_MAX_FAILURES",
        10,
        "Failed sign-ins of one email from one client address within the window (429 above).",
    ),
    Setting("LOGIN_WINDOW_S", 900.0, "Window for counting failed sign-ins, in seconds."),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "Reverse proxies in front of uxlab whose X-Forwarded-For/-Proto/-Host to trust (0: none).",
    ),
    Setting("DEFAULT_LANGUAGE", "en", "Participant page language when neither study nor browser says."),
)

LANGUAGES = ("en", "de", "ru")


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def load_settings(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return every setting's value: the default, overridden by UXLAB_<NAME> if set."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(f"UXLAB_{setting.name}")
        values[setting.name] = setting.default if raw is None else _coerce(raw, setting.default)
    return values


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


def chromium_path(configured: str = "") -> str | None:
    """Return the Chromium binary to launch, or None to use Playwright's own download."""
    if configured:
        return configured
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


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
