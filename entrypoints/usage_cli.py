"""`kiosk report`: usage reports for the office (kiosk.usage.report)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_UNREACHABLE = 0, 2, 4


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-01") from None


def _last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def cmd_report(args, cfg) -> int:
    import psycopg

    from content_sync.usage_read import events_central
    from kiosk.bootstrap import open_core
    from kiosk.clock import office_now
    from kiosk.usage.files import write_report
    from kiosk.usage.report import Period, compute, events_local, shown, titles_from_content

    first, last = _last_month(office_now(cfg.office.timezone).date())
    first, last = args.date_from or first, args.date_to or last
    if last < first:
        print(f"--to {last} is before --from {first}", file=sys.stderr)
        return EXIT_USAGE
    period = Period(first, last, cfg.office.timezone)
    core = open_core(cfg)
    try:
        core.usage.flush()
        titles = titles_from_content(core.content)
        if args.central:
            events = events_central(args.central, period,
                                    connect_timeout=cfg.sync.connect_timeout)
        else:
            events = events_local(core.Session, period)
        if args.kiosk:
            events = (e for e in events if e.kiosk_id == args.kiosk)
        try:
            figures = compute(events, period, titles)
        except psycopg.OperationalError as exc:
            print(f"central database unreachable: {str(exc).strip().splitlines()[0]}",
                  file=sys.stderr)
            return EXIT_UNREACHABLE
        except psycopg.errors.UndefinedTable:
            print("the central database has no usage table: run `kiosk central init`",
                  file=sys.stderr)
            return EXIT_USAGE
    finally:
        core.close()
    out = Path(args.out)
    paths = write_report(figures, out, pdf=not args.no_pdf)
    if args.json:
        print(json.dumps({"from": first.isoformat(), "to": last.isoformat(),
                          "source": "central" if args.central else "local",
                          "kiosks": figures.kiosks,
                          "figures": {i: v for i, _label, v in figures.key},
                          "files": [str(p) for p in paths]}, ensure_ascii=False, indent=2))
    else:
        print(f"usage report {first} – {last} "
              f"({'central, ' if args.central else ''}{len(figures.kiosks)} kiosk(s)): "
              f"{len(paths)} files in {out}")
        for _i, label, value in figures.key:
            print(f"  {label}: {shown(value)}")
        print(f"open {out / 'summary.html'}")
    return EXIT_OK


def add_report_command(sub) -> None:
    rp = sub.add_parser(
        "report", help="usage report: CSV files, PNG charts, summary.html and summary.pdf",
        description="Usage report for the office from the anonymous usage events: top "
        "procedures, searches with no result, documents residents lack, tickets per queue and "
        "hour of the week, satisfaction, print faults, audio mode. From this kiosk's database, "
        "or with --central from every kiosk's events in the central database. Dates are "
        "office-local and inclusive; the default is last month. Exit 4: central database "
        "unreachable.")
    rp.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD")
    rp.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD")
    rp.add_argument("--out", required=True, metavar="DIR", help="folder for the report files")
    rp.add_argument("--central", metavar="URL",
                    help="central database URL (a staff role that may read bom_usage)")
    rp.add_argument("--kiosk", metavar="ID", help="only this kiosk's events")
    rp.add_argument("--no-pdf", action="store_true", help="skip summary.pdf")
    rp.add_argument("--json", action="store_true", help="key figures and files as JSON")
    rp.set_defaults(func=cmd_report)
