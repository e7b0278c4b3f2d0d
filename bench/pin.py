"""What one PIN guess costs a thief who has copied the PIN file, at the kiosk's scrypt cost,
as a ratio against the cost before issue 18 (16 MiB, N=2^14) measured in the same run.

    .venv/bin/python bench/pin.py [--rounds N]

Prints the median seconds per guess, the ratio, and the core-hours for every 6-digit PIN.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.ops import admin  # noqa: E402

OLD_N = 2 ** 14


def per_guess(n: int, rounds: int) -> float:
    stored = None
    times = []
    for i in range(rounds + 1):
        start = time.perf_counter()
        if stored is None:
            saved = admin.SCRYPT_N
            admin.SCRYPT_N = n
            try:
                stored = admin.hash_pin("482915")
            finally:
                admin.SCRYPT_N = saved
            continue  # the first round only makes the hash
        admin.verify_pin(f"{i:06d}", stored)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    rounds = ap.parse_args().rounds
    old = per_guess(OLD_N, rounds)
    new = per_guess(admin.SCRYPT_N, rounds)
    mib = 128 * admin.SCRYPT_R * admin.SCRYPT_N / 2 ** 20
    print(f"{'cost':<28}{'s per guess':>12}{'ratio':>8}{'every 6-digit PIN':>22}")
    for name, t in (("before (N=2^14, 16 MiB)", old),
                    (f"now (N=2^{admin.SCRYPT_N.bit_length() - 1}, {mib:.0f} MiB)", new)):
        print(f"{name:<28}{t:>12.3f}{t / old:>7.1f}x{t * 10 ** 6 / 3600:>16.0f} core-h")


if __name__ == "__main__":
    main()
