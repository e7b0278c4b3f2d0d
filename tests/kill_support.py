"""Helpers for the SIGKILL tests: a process that issues queue tickets until it is killed.

    python -m tests.kill_support issue CONFIG LETTER
"""

from __future__ import annotations

import sys


def issue_forever(config: str, letter: str) -> None:
    from kiosk.bootstrap import open_core
    from kiosk.config import load_config

    core = open_core(load_config(config))
    queue = core.queue
    print("issuing", flush=True)
    while True:
        queue.issue(letter)


if __name__ == "__main__":
    if sys.argv[1] == "issue":
        issue_forever(sys.argv[2], sys.argv[3])
