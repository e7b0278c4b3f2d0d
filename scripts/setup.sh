#!/usr/bin/env bash
# Install what a fresh Debian machine lacks, then the project into .venv.
#   bash scripts/setup.sh          # runtime
#   bash scripts/setup.sh --test   # runtime + test tools
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: a virtual X server for tests, Mesa's software OpenGL for Kivy, fonts;
# PostgreSQL server binaries for the shared-queue tests (they start a private server);
# systemd for systemd-analyze (tests/test_deploy.py checks and rates the units).
DEB_PACKAGES=(xvfb xauth libgl1 libgl1-mesa-dri libegl1 libgles2 libmtdev1 fonts-dejavu-core espeak-ng
              python3-venv postgresql systemd)
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
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${extra}"
