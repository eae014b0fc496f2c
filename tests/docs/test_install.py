"""A normal install works: the wheel carries the templates and demo studies, `uxlab demo` serves.

The wheel is built from a copy of the sources and installed (``--no-deps``) into a fresh
virtual environment outside the checkout; the dependencies come from the test run's own
environment through a ``.pth`` line, which adds their folder but none of its ``.pth`` files,
so the checkout's editable install stays out of reach. Then ``uxlab demo`` runs from another
directory on a free port with its instance folder (SQLite file, secret key) in a temporary one.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = ("pyproject.toml", "README.md", "uxlab", "templates", "scenarios")
pytestmark = pytest.mark.install

MAPPED = {"uxlab.templates": "templates", "uxlab.demo_scenarios": "scenarios"}


def test_wheel_lists_every_package() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "uxlab").rglob("__init__.py")
    }
    # Folders of data files are listed too (no setuptools warning), and must exist.
    data_dirs = {name for name in setuptools["packages"] if name not in on_disk and name not in MAPPED}
    for name in data_dirs:
        top, *rest = name.split(".")[1:]
        folder = (
            ROOT / MAPPED[f"uxlab.{top}"] if f"uxlab.{top}" in MAPPED else ROOT / "uxlab" / top
        ).joinpath(*rest)
        assert folder.is_dir() and not (folder / "__init__.py").exists(), name
    assert on_disk | set(MAPPED) <= set(setuptools["packages"])
    templates = {f"uxlab.templates.{d.name}" for d in (ROOT / "templates").iterdir() if d.is_dir()}
    assert templates <= set(setuptools["packages"]), "list a new template folder in pyproject.toml"
    assert setuptools["package-dir"] == MAPPED


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the checkout with the built wheel installed."""
    base = tmp_path_factory.mktemp("install")
    source = base / "src"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "wheel", "--no-deps", "-w", str(base / "dist"), str(source)])
    (wheel,) = (base / "dist").glob("uxlab-*.whl")
    env_dir = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)])
    python = env_dir / "bin" / "python"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)])
    return env_dir


def _run(args: list[str], cwd: Path | None = None) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def demo(venv: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """``uxlab demo`` from the installed wheel: its URL, working directory, instance folder, output."""
    workdir, instance = tmp_path / "elsewhere", tmp_path / "instance"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UXLAB_") and k != "PYTHONPATH"}
    env["UXLAB_INSTANCE_PATH"] = str(instance)
    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "uxlab"), "demo", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        printed = _read_banner(server)
        _wait_until_up(server, url)
        yield {"url": url, "workdir": str(workdir), "instance": str(instance), **printed}
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout:
            server.stdout.close()


def _read_banner(server: subprocess.Popen[str]) -> dict[str, str]:
    """Read what the demo prints before serving: the researcher's email and password, the key."""
    assert server.stdout is not None
    printed: dict[str, str] = {"banner": ""}
    while "password" not in printed:
        line = server.stdout.readline()
        if not line:
            pytest.fail(f"uxlab demo exited with {server.wait()}:\n{printed['banner']}")
        printed["banner"] += line
        name, _, value = line.strip().partition(":")
        if name in ("email", "password"):
            printed[name] = value.split()[0]
    return printed


def _wait_until_up(server: subprocess.Popen[str], url: str) -> None:
    """Wait (at most two minutes, not a timing assertion) for the demo to answer."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"uxlab demo exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail("uxlab demo did not answer within two minutes")


def _get(opener: urllib.request.OpenerDirector, url: str, data: dict[str, str] | None = None) -> str:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with opener.open(url, data=body, timeout=30) as response:
        assert response.status == 200, url
        assert response.headers.get_content_type() == "text/html", url
        text: str = response.read().decode("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>"), url
    return text


def test_uxlab_demo_serves_from_an_installed_wheel(venv: Path, demo: dict[str, str]) -> None:
    url, workdir, instance = demo["url"], Path(demo["workdir"]), Path(demo["instance"])
    assert f"Secret key: generated for this instance, kept in {instance / 'secret_key'}" in demo["banner"]
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    assert "start the study" in _get(opener, url + "/s/helpdesk")  # the demo study shipped in the wheel
    assert "<nav" in _get(opener, url + "/demo/")
    login = _get(opener, url + "/login")
    assert 'name="password"' in login

    # The researcher pages and reports render too: sign in as the demo researcher.
    token = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert token is not None
    _get(
        opener, url + "/login", {"csrf_token": token[1], "email": demo["email"], "password": demo["password"]}
    )
    assert "helpdesk" in _get(opener, url + "/studies")
    assert "<svg" in _get(opener, url + "/studies/helpdesk/summary")

    # Everything came from the wheel, and the instance folder is where the setting says.
    where = _run([str(venv / "bin" / "python"), "-c", "import uxlab; print(uxlab.__file__)"], workdir)
    assert Path(where.strip()).is_relative_to(venv)
    assert sorted(p.name for p in instance.iterdir() if not p.name.startswith("uxlab.sqlite-")) == [
        "secret_key",
        "uxlab.sqlite",
    ]
    assert list(workdir.iterdir()) == []
