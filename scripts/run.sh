#!/usr/bin/env bash
# Set up (first time) and start the kiosk on the bundled sample content.
# Extra arguments go to `kiosk run`; the default is a window for a development machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ "$#" -gt 0 ] || set -- --windowed
exec .venv/bin/kiosk run "$@"
