#!/usr/bin/env bash
# Set up (first time), check and test: what CI runs (.ci/run), and the README's test command.
#
#   bash scripts/test.sh                  # static checks, then every test, in parallel
#   bash scripts/test.sh --slow           # the same with the long drills: the 10,000-event
#                                         # soak, the 20-kill restart drill, 100 wrong PINs
#                                         # typed on the pad, 8 x 250 queue tickets and 50
#                                         # sync kills (KIOSK_SLOW=1)
#   bash scripts/test.sh --slow tests/ui/test_soak.py tests/ui/test_kill_restart.py
#   bash scripts/test.sh tests/test_search.py -k recall    # extra arguments go to pytest
#
# Static checks: the import-linter layers (lint-imports), ruff and mypy (settings in
# pyproject.toml). All three run, then the tests run whatever they said; the exit status is
# non-zero if any check or test failed.
#
# Tests: pytest-xdist, a worker per CPU and one more ($KIOSK_TEST_WORKERS sets the number; 0
# runs them in this process), a test file per worker at a time. Each worker has its own Xvfb and kiosk window
# (tests/ui/conftest.py) and its own PostgreSQL server (tests/pg.py); the tests marked `serial`
# (wall-clock bounds) run first, while no other test runs (tests/conftest.py). The 15 slowest tests
# are listed at the end. The soak runs only in the slow lane; the restart drill runs 3 kills unless
# --slow, $KIOSK_SOAK_EVENTS or $KIOSK_KILL_ROUNDS say otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--slow" ]; then
  shift
  export KIOSK_SOAK_EVENTS="${KIOSK_SOAK_EVENTS:-10000}" KIOSK_KILL_ROUNDS="${KIOSK_KILL_ROUNDS:-20}" \
    KIOSK_PIN_ATTEMPTS="${KIOSK_PIN_ATTEMPTS:-100}" KIOSK_SLOW=1
fi

bash scripts/setup.sh --test || exit $?

failed=()
check() {
  echo "== $*"
  "$@" || failed+=("$1")
}
check .venv/bin/lint-imports
check .venv/bin/ruff check .
check .venv/bin/mypy

# One worker more than CPUs: many tests wait on real time (clips played to their end, a
# display polling, subprocesses starting), and the spare worker fills those gaps (2 CPUs: 3
# workers, about 10% faster than 2). More than 6 gain nothing: the soak alone takes minutes.
cpus="$(nproc 2>/dev/null || echo 2)"
workers="${KIOSK_TEST_WORKERS:-$(( cpus + 1 < 6 ? cpus + 1 : 6 ))}"
parallel=()
[ "$workers" -gt 0 ] && parallel=(-n "$workers" --dist loadfile)
echo "== pytest (${workers} workers; soak ${KIOSK_SOAK_EVENTS:-off} events," \
     "restart drill ${KIOSK_KILL_ROUNDS:-3} kills)"
.venv/bin/python -m pytest "${parallel[@]}" --durations=15 "$@"
status=$?

if [ "${#failed[@]}" -gt 0 ]; then
  echo "static checks failed: ${failed[*]}" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
