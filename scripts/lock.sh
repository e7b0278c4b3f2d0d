#!/usr/bin/env bash
# Regenerate the hash-pinned locks from pyproject.toml, for CPython 3.11 on Linux x86_64 (Debian
# 12's Python 3.11 on the kiosks, CI's 3.11 on the test machines):
#
#   bash scripts/lock.sh              # keep every pin that still fits pyproject.toml (a new or
#                                     # changed dependency is resolved, nothing else moves)
#   bash scripts/lock.sh --upgrade    # every package at its newest version pyproject.toml allows
#   bash scripts/lock.sh --upgrade-package pillow   # only that one (and what it needs)
#
# requirements.lock       the runtime dependencies ([project] dependencies, extras included:
#                         kivy[base], python-escpos[usb,serial], psycopg[binary]) and setuptools,
#                         which builds the project itself (install.sh: --no-build-isolation).
#                         deploy/install.sh installs exactly this with pip --require-hashes.
# requirements-test.lock  the same pins plus the test extra ([project.optional-dependencies]
#                         test); scripts/setup.sh --test (CI) installs it.
#
# Each file lists every file's sha256 on PyPI for the pinned versions, so pip refuses anything
# else. The resolver is uv (pinned below), installed on first use into
# ${XDG_CACHE_HOME:-~/.cache}/bom-kiosk/lock-tools; $UV names another uv binary.
# After changing a dependency in pyproject.toml: run this, commit pyproject.toml and both locks
# together (tests/test_deploy.py fails while a lock misses a dependency of pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
if [ -z "${UV:-}" ]; then
  tools="${XDG_CACHE_HOME:-$HOME/.cache}/bom-kiosk/lock-tools"
  UV="$tools/bin/uv"
  if ! [ -x "$UV" ] || [ "$("$UV" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install -q "uv==$UV_VERSION"
  fi
fi

# The build requirement of the project ([build-system] requires) is locked with the runtime.
build_requires=$(python3 -c 'import tomllib, sys
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')

common=(--generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28
        --custom-compile-command "bash scripts/lock.sh" --quiet "$@")
echo "$build_requires" | "$UV" pip compile pyproject.toml - "${common[@]}" -o requirements.lock
# The test lock keeps the runtime lock's pins (-c): CI tests what the kiosks run.
echo "$build_requires" | "$UV" pip compile pyproject.toml - --extra test -c requirements.lock \
  "${common[@]}" -o requirements-test.lock
echo "requirements.lock: $(grep -c '^[a-zA-Z0-9].*==' requirements.lock) packages," \
     "requirements-test.lock: $(grep -c '^[a-zA-Z0-9].*==' requirements-test.lock)"
