"""`kiosk sync` and `kiosk central init|import|export|add-kiosk|remove-kiosk|kiosks`,
registered by entrypoints/cli.py.

`kiosk sync` exit codes (kiosk.ops.sync_reports): 0 synced or nothing to do; 1 synced (or
nothing changed), but central records are rejected: the kiosk keeps their last good version,
does not show a new invalid one, or refused a deletion that would strand others (fix them
centrally; `kiosk status` exits 1 until a sync rejects nothing); 2 no source configured or bad
usage; 3 the central data was refused whole (schema version unknown to this kiosk, or empty);
4 central database unreachable (down, login refused, timeout, connection lost: try again
later); 5 local failure (kiosk database or disk, another sync running). On every non-zero code
but 1 the kiosk keeps showing its last good content.

`kiosk central` exit codes: 0 done; 2 no URL or bad usage; 3 invalid content (a folder that
does not validate or names a bad file: nothing imported; a central record naming a bad file:
nothing exported); 4 central database unreachable or refused.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import random
import sys
import time
from pathlib import Path

from kiosk.ops.sync_reports import EXIT_UNREACHABLE, EXIT_USAGE

CENTRAL_URL_ENV = "KIOSK_CENTRAL_URL"
READER_PASSWORD_ENV = "KIOSK_READER_PASSWORD"
EXIT_CONTENT = 3


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def cmd_sync(args, cfg) -> int:
    from content_sync.sync import run_sync

    delay = cfg.sync.random_delay_seconds
    if delay and not args.now:
        # Spread many kiosks' syncs over a window when no timer does it.
        time.sleep(random.uniform(0, delay))
    from kiosk.progress import progress_for

    report = run_sync(cfg, source_url=args.source, full=args.full,
                      progress=progress_for(args.json))
    if args.json:
        _print_json(report.as_dict())
    else:
        out = sys.stderr if report.failed else sys.stdout
        print(f"sync {report.summary()}", file=out)
        for r in report.detail.get("rejected_records", [])[:50]:
            kept = (" (the kiosk keeps the previous version)"
                    if r.get("kept_previous") and not r.get("refused_deletion") else "")
            print(f"  rejected {r['kind']} {r['key']!r}: {r['reason']}{kept}", file=out)
        if report.failed:
            print("The kiosk keeps showing its last good content.", file=out)
        fleet = report.detail.get("fleet", "")
        if fleet.startswith("failed"):
            print(f"heartbeat and alerts: {fleet}", file=sys.stderr)
    return report.exit_code


def _central_url(args) -> str | None:
    url = args.url or os.environ.get(CENTRAL_URL_ENV)
    if not url:
        print(f"no central database: give --url URL or set ${CENTRAL_URL_ENV} "
              f"(a password is best kept in ~/.pgpass or $PGPASSWORD)", file=sys.stderr)
    return url


def _central_errors(action):
    """Run a central action, mapping database errors to exit codes and plain messages."""
    import psycopg

    from content_sync.central import CentralContentError, CentralError
    from content_sync.pg import redact
    from kiosk.content.format import ContentError

    try:
        return action()
    except CentralContentError as exc:
        print(f"central content: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except ContentError as exc:
        print(exc, file=sys.stderr)
        print("Nothing was imported: the central content is unchanged.", file=sys.stderr)
        return EXIT_CONTENT
    except CentralError as exc:
        print(f"central database: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except psycopg.Error as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"central database error: {redact(msg)}", file=sys.stderr)
        return EXIT_UNREACHABLE


def cmd_central_init(args, cfg) -> int:
    from content_sync.central import init_central
    from content_sync.pg import redact

    url = _central_url(args)
    if not url:
        return EXIT_USAGE
    password = os.environ.get(READER_PASSWORD_ENV)
    if password is None and args.ask_reader_password:
        password = getpass.getpass(f"password for the kiosk role {args.reader_role}: ")

    def action():
        r = init_central(url, reader_role=args.reader_role, reader_password=password)
        if args.json:
            _print_json({"ok": True, "url": redact(r.url), "created": r.created,
                         "reader_role": r.reader_role, "reader_can_login": r.reader_can_login,
                         "revision": r.revision})
            return 0
        print(f"{'created' if r.created else 'updated'} the central content schema in "
              f"{redact(r.url)} (revision {r.revision})")
        print(f"shared read-only kiosk role (older setups): {r.reader_role}"
              + ("" if r.reader_can_login else " (cannot log in)"))
        print("give each kiosk a credential of its own: kiosk central add-kiosk NAME")
        return 0
    return _central_errors(action)


def cmd_central_import(args, cfg) -> int:
    from content_sync.central import import_folder
    from content_sync.pg import redact

    url = _central_url(args)
    if not url:
        return EXIT_USAGE

    def action():
        from kiosk.progress import progress_for

        r = import_folder(url, Path(args.folder), progress=progress_for(args.json))
        data = {"ok": True, "url": redact(url), "revision_before": r.revision_before,
                "revision_after": r.revision_after, "added": r.added, "changed": r.changed,
                "removed": r.removed, "unchanged": r.unchanged}
        if args.json:
            _print_json(data)
        elif r.changed_anything:
            print(f"imported {args.folder}: revision {r.revision_before} -> {r.revision_after}: "
                  f"{r.added} added, {r.changed} changed, {r.removed} removed, "
                  f"{r.unchanged} unchanged. Kiosks pick it up at their next sync.")
        else:
            print(f"imported {args.folder}: nothing changed (revision {r.revision_after}, "
                  f"{r.unchanged} records)")
        return 0
    return _central_errors(action)


def cmd_central_export(args, cfg) -> int:
    from content_sync.central import export_folder

    url = _central_url(args)
    if not url:
        return EXIT_USAGE

    def action():
        r = export_folder(url, Path(args.folder))
        if args.json:
            _print_json({"ok": True, "revision": r.revision, "records": r.records,
                         "files": r.files, "folder": args.folder})
        else:
            print(f"exported revision {r.revision}: {r.records} records in {r.files} files "
                  f"to {args.folder}")
        return 0
    return _central_errors(action)


def cmd_central_add_kiosk(args, cfg) -> int:
    from content_sync.central import CentralError, add_kiosk, kiosk_name_problem

    problem = kiosk_name_problem(args.name)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    url = _central_url(args)
    if not url:
        return EXIT_USAGE

    def action():
        try:
            c = add_kiosk(url, args.name, new_password=args.new_password)
        except CentralError as exc:
            if "run `kiosk central init`" in str(exc):
                raise
            print(f"central database: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if args.json:
            _print_json({"ok": True, "kiosk": c.name, "role": c.role, "new": c.new,
                         "sync_url": c.sync_url, "password": c.password})
            return 0
        print(f"{'added kiosk' if c.new else 'new password for kiosk'} {c.name!r} "
              f"(login role {c.role}).")
        print("Put these two lines in the kiosk's /etc/bom-kiosk/sync.env (root, mode 0600); "
              "the password is shown only now:")
        print()
        print(c.env_lines(), end="")
        print()
        print(f"and in its kiosk.toml: [usage] kiosk_id = \"{c.name}\" (its rows must carry "
              f"this name).")
        return 0
    return _central_errors(action)


def cmd_central_remove_kiosk(args, cfg) -> int:
    from content_sync.central import CentralError, kiosk_name_problem, remove_kiosk

    problem = kiosk_name_problem(args.name)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    url = _central_url(args)
    if not url:
        return EXIT_USAGE

    def action():
        try:
            role = remove_kiosk(url, args.name)
        except CentralError as exc:
            if "run `kiosk central init`" in str(exc):
                raise
            print(f"central database: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if args.json:
            _print_json({"ok": True, "kiosk": args.name, "role": role})
        else:
            print(f"removed kiosk {args.name!r}: role {role} dropped (its heartbeats, alerts "
                  f"and usage events stay)")
        return 0
    return _central_errors(action)


def cmd_central_kiosks(args, cfg) -> int:
    from content_sync.central import list_kiosks

    url = _central_url(args)
    if not url:
        return EXIT_USAGE

    def action():
        kiosks = list_kiosks(url)
        if args.json:
            _print_json([{"name": k.name, "role": k.role, "created_at": k.created_at,
                          "can_login": k.can_login} for k in kiosks])
            return 0
        if not kiosks:
            print("no kiosks yet: `kiosk central add-kiosk NAME`")
        for k in kiosks:
            print(f"{k.name:<24} {k.role:<34} added {k.created_at.astimezone():%Y-%m-%d %H:%M}"
                  + ("" if k.can_login else "  (cannot log in)"))
        return 0
    return _central_errors(action)


def add_sync_commands(sub) -> None:
    sy = sub.add_parser(
        "sync", help="pull new content from the central database (exit 0 ok, 1 some records "
        "rejected or a deletion refused, 2 not configured, 3 data refused, 4 unreachable, "
        "5 local failure)",
        description="Pull what changed in the central content database since the last good "
        "sync, validate every record, and apply the result atomically. The source URL comes "
        "from --source, $KIOSK_SYNC_URL, the [sync] env_file or [sync] source_url; the "
        "password from $KIOSK_SYNC_PASSWORD or the env file. Exit codes: 0 synced or nothing "
        "to do; 1 synced (or nothing changed) but some records rejected: the kiosk keeps "
        "their last good version, or keeps a record deleted centrally that others still "
        "use; 2 not configured / bad usage; 3 central "
        "data refused whole; 4 central database unreachable; 5 local failure. On 2-5 the "
        "kiosk keeps its last good content.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sy.add_argument("--source", metavar="URL",
                    help="central database URL, for manual runs (units use the env file)")
    sy.add_argument("--now", action="store_true",
                    help="start at once, without [sync] random_delay_seconds")
    sy.add_argument("--full", action="store_true",
                    help="pull everything, not only what changed since the last sync")
    sy.add_argument("--json", action="store_true", help="print the sync report as JSON")
    sy.set_defaults(func=cmd_sync)

    ce = sub.add_parser("central", help="the central content database: init, import, export, "
                        "add-kiosk, remove-kiosk, kiosks",
                        description="Tools for IT staff and content editors. The URL comes "
                        f"from --url or ${CENTRAL_URL_ENV}; keep passwords in ~/.pgpass or "
                        "$PGPASSWORD.")
    csub = ce.add_subparsers(dest="central_command", metavar="ACTION", required=True)

    def url_arg(p):
        p.add_argument("--url", help=f"central database URL (default: ${CENTRAL_URL_ENV})")
        p.add_argument("--json", action="store_true")

    init = csub.add_parser("init", help="create the central schema and the read-only kiosk "
                           "role (safe to run again)")
    url_arg(init)
    init.add_argument("--reader-role", default="bom_kiosk",
                      help="login role the kiosks sync with (default: bom_kiosk); its password "
                      f"from ${READER_PASSWORD_ENV}")
    init.add_argument("--ask-reader-password", action="store_true",
                      help="ask for the kiosk role's password on the terminal")
    init.set_defaults(func=cmd_central_init)
    imp = csub.add_parser("import", help="validate a content folder and make it the central "
                          "content (added, changed, removed records; again: no change)")
    imp.add_argument("folder", help="content folder, e.g. assets/content")
    url_arg(imp)
    imp.set_defaults(func=cmd_central_import)
    exp = csub.add_parser("export", help="write the central content as a content folder")
    exp.add_argument("folder", help="folder to write (its old procedure files are replaced)")
    url_arg(exp)
    exp.set_defaults(func=cmd_central_export)
    ak = csub.add_parser("add-kiosk", help="give a kiosk a login role of its own and print "
                         "its generated password once (content read-only; usage events, "
                         "heartbeats and alerts under its own name only)")
    ak.add_argument("name", help="the kiosk's name = its [usage] kiosk_id: lowercase letters, "
                    "digits and '-', e.g. hall-1")
    ak.add_argument("--new-password", action="store_true",
                    help="the kiosk exists: replace its password (the old one stops working)")
    url_arg(ak)
    ak.set_defaults(func=cmd_central_add_kiosk)
    rk = csub.add_parser("remove-kiosk", help="drop a kiosk's role (its data stays)")
    rk.add_argument("name")
    url_arg(rk)
    rk.set_defaults(func=cmd_central_remove_kiosk)
    lk = csub.add_parser("kiosks", help="the kiosks with a credential of their own")
    url_arg(lk)
    lk.set_defaults(func=cmd_central_kiosks)

    from entrypoints.fleet_cli import add_fleet_command

    add_fleet_command(sub)  # kiosk fleet: it reads what `central add-kiosk` set up
