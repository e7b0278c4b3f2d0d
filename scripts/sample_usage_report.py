"""A usage report from a generated month (tests.usage_sample), to see what `kiosk report`
writes without a kiosk in service: docs/report/ was made with it.

    .venv/bin/python scripts/sample_usage_report.py OUT_DIR [--kiosks 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from entrypoints.cli import main as kiosk_main  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--kiosks", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from kiosk.bootstrap import open_core
    from kiosk.config import load_config
    from tests.usage_sample import sample_month, store_local

    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp, "kiosk.toml")
        conf.write_text(f'[paths]\ndata_dir = "{Path(tmp, "data")}"\n', encoding="utf-8")
        core = open_core(load_config(conf))
        try:
            store_local(core.Session, sample_month(
                [f"kiosk-{i + 1:02d}" for i in range(args.kiosks)], dt.date(2026, 11, 1), 30,
                seed=args.seed))
        finally:
            core.close()
        return kiosk_main(["--config", str(conf), "report", "--from", "2026-11-01", "--to",
                           "2026-11-30", "--out", args.out])


if __name__ == "__main__":
    sys.exit(main())
