#!/usr/bin/env bash
# Install what a fresh Debian machine lacks, then the project into .venv.
#   bash scripts/setup.sh          # runtime
#   bash scripts/setup.sh --test   # runtime + test tools
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: a virtual X server for tests, Mesa's software OpenGL for Kivy, fonts;
# PostgreSQL server binaries for the shared-queue tests (they start a private server);
# systemd for systemd-analyze (tests/test_deploy.py checks and rates the units); libusb for
# python-escpos's USB printers (tests/test_printer_find.py searches the USB bus).
DEB_PACKAGES=(xvfb xauth libgl1 libgl1-mesa-dri libegl1 libgles2 libmtdev1 fonts-dejavu-core espeak-ng
              python3-venv postgresql systemd libusb-1.0-0)
# Tests only: Debian's Chromium, driven headless by Playwright (tests/test_web_browser.py: the
# live queue page in a real browser; Playwright's own browser download is not used).
[ "${1:-}" = "--test" ] && DEB_PACKAGES+=(chromium)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# The pinned versions, each file checked against its sha256 (scripts/lock.sh makes the locks):
# requirements.lock is what the kiosks run (deploy/install.sh), requirements-test.lock the same
# plus the test tools. Then the project itself, editable, without resolving anything again.
extra="" lock=requirements.lock
[ "${1:-}" = "--test" ] && extra="[test]" lock=requirements-test.lock
# uv installs the same lock, hashes checked, in a few seconds where pip takes about forty (a
# fresh CI machine does this on every run); pip stays the fallback when uv cannot be had.
# deploy/install.sh keeps pip: a kiosk installs once per release.
UV_VERSION=0.13.9
if [ ! -x .venv/bin/uv ] || ! .venv/bin/uv --version 2>/dev/null | grep -q " $UV_VERSION"; then
  .venv/bin/python -m pip install -q "uv==$UV_VERSION" || true
fi
if [ -x .venv/bin/uv ]; then
  # --compile-bytecode: pip writes the .pyc files at install and uv does not; where
  # $PYTHONDONTWRITEBYTECODE is set (CI) nothing would ever write them, and every `kiosk`
  # command the tests start would compile its libraries again (about twice as slow).
  .venv/bin/uv pip install -q --python .venv/bin/python --compile-bytecode --require-hashes \
    -r "$lock"
  .venv/bin/uv pip install -q --python .venv/bin/python --no-deps --no-build-isolation -e .
else
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r "$lock"
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
fi
# A dependency added to pyproject.toml but not yet to the locks: installed unpinned so that work
# goes on, with a warning (tests/test_deploy.py fails until the locks are made again).
# The project's own modules too, for the same reason (a source edited later is simply compiled
# again in memory: Python checks each .pyc against its source).
.venv/bin/python -m compileall -q -j 0 kiosk screens content_sync printer entrypoints >/dev/null
problems=$(.venv/bin/python -m pip check 2>&1 | grep '^bom-kiosk ' || true)
if [ -n "$problems" ]; then
  echo "!! $lock lacks what pyproject.toml asks (run: bash scripts/lock.sh):" >&2
  echo "$problems" >&2
  .venv/bin/python -m pip install -q --no-build-isolation -e ".${extra}"
fi
