"""`kiosk fleet`: every kiosk as the central database last heard of it (content_sync.fleet_read).

Reads with the admin URL of `kiosk central` (--url or $KIOSK_CENTRAL_URL). Exit codes: 0 every
kiosk fine; 1 staff must act (a kiosk with no heartbeat for longer than --stale-hours, open
alerts, or a last sync that was not ok); 2 no URL or bad usage; 4 central database
unreachable, refused, or without the fleet tables.
"""

from __future__ import annotations

import argparse
import sys

from entrypoints.sync_cli import _central_errors, _central_url, _print_json
from kiosk.ops.sync_reports import EXIT_USAGE

EXIT_OK, EXIT_STAFF = 0, 1


def _hours(h: float) -> str:
    return f"{h:.0f} h" if h >= 1 else f"{h * 60:.0f} min"


def cmd_fleet(args, cfg) -> int:
    from content_sync.fleet_read import fleet_status

    url = _central_url(args)
    if not url:
        return EXIT_USAGE
    if args.stale_hours <= 0:
        print("--stale-hours must be positive", file=sys.stderr)
        return EXIT_USAGE

    def action():
        kiosks = fleet_status(url, stale_hours=args.stale_hours)
        code = EXIT_STAFF if any(k.needs_staff for k in kiosks) else EXIT_OK
        if args.json:
            _print_json({"stale_hours": args.stale_hours, "needs_staff": code == EXIT_STAFF,
                         "kiosks": [k.as_dict() for k in kiosks]})
            return code
        if not kiosks:
            print("no kiosks registered: `kiosk central add-kiosk NAME`")
            return code
        head = ("KIOSK", "LAST HEARTBEAT", "REVISION", "LAST SYNC", "ALERTS", "VERSION")
        rows = []
        for k in kiosks:
            seen = ("never" if k.last_heartbeat is None else
                    f"{k.last_heartbeat.astimezone():%Y-%m-%d %H:%M} "
                    f"({_hours(k.hours_since or 0)} ago)")
            rev = "-" if k.central_revision is None else str(k.central_revision)
            rows.append((k.name, seen, rev, k.sync_outcome or "-", str(len(k.alerts)),
                         k.app_version or "-"))
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for r in [head, *rows]:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        for k in kiosks:
            notes = []
            if k.last_heartbeat is None:
                notes.append("no heartbeat yet")
            elif k.stale:
                notes.append(f"no heartbeat for {k.hours_since:.0f} h")
            if k.sync_outcome not in (None, "ok", "unchanged"):
                notes.append(f"last sync: {k.sync_summary or k.sync_outcome}")
            if not k.can_login:
                notes.append("its role cannot log in")
            notes += [f"alert {a.raised_at.astimezone():%Y-%m-%d %H:%M} {a.source}/{a.kind}: "
                      f"{a.detail}" for a in k.alerts]
            if notes:
                print(f"\n{k.name}:")
                for n in notes:
                    print(f"  {n}")
        return code
    return _central_errors(action)


def add_fleet_command(sub) -> None:
    fl = sub.add_parser(
        "fleet", help="every kiosk's last heartbeat, content revision, last sync, open alerts "
        "and version, from the central database (exit 1 if staff must act)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    fl.add_argument("--url", help="central database URL, the admin's (default: "
                    "$KIOSK_CENTRAL_URL)")
    fl.add_argument("--stale-hours", type=float, default=26.0,
                    help="a kiosk not heard of for longer needs staff (default 26)")
    fl.add_argument("--json", action="store_true", help="machine-readable output")
    fl.set_defaults(func=cmd_fleet)
