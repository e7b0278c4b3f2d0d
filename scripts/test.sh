#!/usr/bin/env bash
# Set up (first time) and run the whole test suite; the UI tests start their own Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
