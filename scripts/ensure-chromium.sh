#!/usr/bin/env bash
# Make sure a Chromium is there for Playwright: Debian's package when we can install it,
# else Playwright's own download. UXLAB_CHROMIUM_PATH, if set, wins.
set -euo pipefail
if [ -n "${UXLAB_CHROMIUM_PATH:-}" ] && [ -x "${UXLAB_CHROMIUM_PATH}" ]; then exit 0; fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "installing Debian's chromium package ..."
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && exit 0
fi
if command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null && exit 0
fi
echo "no system Chromium; using Playwright's download ..."
.venv/bin/python -m playwright install chromium
