#!/usr/bin/env bash
# Make sure a Chromium is there for Playwright: Debian's packages when we can install them,
# else Playwright's own download. UXLAB_CHROMIUM_PATH, if set, wins.
#   chromium                 the full browser: participant-flow tests (back/forward cache), PDF reports
#   chromium-headless-shell  the same build without the browser's user interface: probes
#                            (launch and page opening several times faster; not in every archive)
set -euo pipefail
if [ -n "${UXLAB_CHROMIUM_PATH:-}" ] && [ -x "${UXLAB_CHROMIUM_PATH}" ]; then exit 0; fi
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromium-headless-shell ]; then exit 0; fi
apt_install() {  # the full browser is required; the headless shell only where the archive has it
  "$@" apt-get update -qq
  "$@" apt-get install -y -qq chromium chromium-headless-shell >/dev/null 2>&1 \
    || "$@" apt-get install -y -qq chromium >/dev/null
}
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "installing Debian's chromium packages ..."
  apt_install && exit 0
fi
if command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  apt_install sudo && exit 0
fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "no system Chromium; using Playwright's download ..."
.venv/bin/python -m playwright install chromium
