"""The `kiosk` command line. Exit codes: 0 fine, 1 needs staff attention, 2 bad usage or
configuration, 3 invalid content."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

from kiosk import __version__
from kiosk.config import ConfigError, KioskConfig, config_as_dict, load_config, secret_sources
from kiosk.content.problems import ContentError
from kiosk.ops.production import is_production
from kiosk.paths import use_private_umask

EXIT_OK, EXIT_ATTENTION, EXIT_USAGE, EXIT_CONTENT = 0, 1, 2, 3


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def cmd_run(args, cfg: KioskConfig) -> int:
    screen = cfg.screen
    if args.windowed:
        screen = replace(screen, fullscreen=False, show_cursor=True)
    if args.landscape:
        screen = replace(screen, width=max(screen.width, screen.height),
                         height=min(screen.width, screen.height))
    cfg = replace(cfg, screen=screen)
    if args.lang:
        if args.lang not in cfg.languages.available:
            print(f"language {args.lang!r} is not offered by this kiosk "
                  f"(available: {', '.join(cfg.languages.available)})", file=sys.stderr)
            return EXIT_USAGE
        # The kiosk opens in this language and returns to it after every session.
        cfg = replace(cfg, languages=replace(cfg.languages, default=args.lang))
    production = is_production(cfg, args.production)
    refused = _production_refusal(cfg) if production else None
    if refused is not None:
        return refused
    from entrypoints.run import run_kiosk  # Kivy is imported only here

    return run_kiosk(cfg, load_bundled=not production)


def _production_refusal(cfg: KioskConfig) -> int | None:
    """An installed kiosk opens only with its configuration file and the office's content;
    else it says what is missing and exits 2 (before any window opens)."""
    from kiosk.bootstrap import open_core
    from kiosk.ops.production import production_problems

    core = open_core(cfg, load_bundled=False)
    try:
        problems = production_problems(cfg, core.content.status())
    finally:
        core.close()
    if not problems:
        return None
    print("the kiosk will not open to residents ([office] mode = \"production\"):",
          file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    return EXIT_USAGE


def cmd_display(args, cfg: KioskConfig) -> int:
    """The hall display: landscape, full screen unless --windowed (see screens/display.py)."""
    screen = replace(cfg.screen, width=max(cfg.screen.width, cfg.screen.height),
                     height=min(cfg.screen.width, cfg.screen.height))
    if args.windowed:
        screen = replace(screen, fullscreen=False, show_cursor=True)
    cfg = replace(cfg, screen=screen)
    from entrypoints.run import run_display  # Kivy is imported only here

    return run_display(cfg)


def cmd_status(args, cfg: KioskConfig) -> int:
    from kiosk.bootstrap import open_core
    from kiosk.ops.health import check_all

    production = is_production(cfg)
    core = open_core(cfg, load_bundled=not production)
    try:
        health = check_all(core)
        if production:  # an installed kiosk on no or sample content is not "ok"
            from kiosk.ops.production import production_problems

            refused = production_problems(cfg, core.content.status())
        else:
            refused = []
    finally:
        core.close()
    content = health.get("content").data
    sync = health.get("sync")
    problems = health.problems + [f"production: {p}" for p in refused]
    data = {
        "version": __version__,
        "ok": health.ok and not refused,
        "problems": problems,
        "database": cfg.paths.effective_database_url,
        "content": content,
        "sync": sync.data or None,  # the last `kiosk sync` report, or null
        "components": {c.name: {"state": c.state, "staff": c.staff, "detail": c.detail,
                                "data": c.data} for c in health.components},
    }
    if args.json:
        _print_json(data)
    else:
        print(f"BOM kiosk {__version__}")
        print(f"database:  {data['database']}")
        print(f"content:   {content.get('revision') or '-'} (loaded "
              f"{content.get('loaded_at') or '-'})")
        for name, n in (content.get("counts") or {}).items():
            print(f"  {name:<17}{n}")
        for c in health.components:
            mark = "STAFF" if c.staff else c.state
            print(f"{c.name + ':':<13}{mark:<8}{c.detail}")
        for p in problems:
            print(f"PROBLEM: {p}")
        if sync.staff:  # what the last sync rejected: fix these centrally
            for r in (sync.data.get("detail") or {}).get("rejected_records", [])[:20]:
                print(f"  rejected {r['kind']} {r['key']!r}: {r['reason']}")
    return EXIT_OK if data["ok"] else EXIT_ATTENTION


def cmd_admin_set_pin(args, cfg: KioskConfig) -> int:
    import getpass

    from kiosk.ops.admin import PinError, check_new_pin, pin_file, write_pin

    path = Path(args.pin_file) if args.pin_file else pin_file(cfg)
    if sys.stdin.isatty():
        pin = getpass.getpass("New admin PIN (6-12 digits): ")
        again = getpass.getpass("The same PIN again: ")
        if pin != again:
            print("the two PINs differ; nothing was changed", file=sys.stderr)
            return EXIT_USAGE
    else:  # scripts: the PIN on stdin, never on the command line (ps, shell history)
        pin = sys.stdin.readline().strip()
    try:
        check_new_pin(pin)
        write_pin(path, pin, owner=args.owner)
    except KeyError:
        print(f"PIN not set: no user {args.owner!r} on this machine", file=sys.stderr)
        return EXIT_USAGE
    except PinError as exc:
        print(f"PIN not set: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"PIN not set: cannot write {path}: {exc.strerror} (run it with sudo?)",
              file=sys.stderr)
        return EXIT_USAGE
    print(f"admin PIN set (salted scrypt hash in {path}, readable by "
          f"{args.owner or 'this user'} only)")
    _audit(cfg, "set_pin", "ok", str(path))
    return EXIT_OK


def _audit(cfg: KioskConfig, action: str, outcome: str, detail: str = "") -> None:
    """Best effort: the audit row of a command run outside the app. Not by root in another
    user's data folder: root would leave database files the kiosk user cannot write (sudo
    logs the command in the journal instead)."""
    import os

    url = cfg.paths.effective_database_url
    if os.geteuid() == 0 and url.startswith("sqlite:///"):
        place = Path(url.removeprefix("sqlite:///"))
        while not place.exists():
            place = place.parent
        if place.stat().st_uid != 0:
            return
    try:
        from kiosk.db.engine import make_engine, session_factory, upgrade
        from kiosk.ops.admin import Admin

        engine = make_engine(cfg.paths.effective_database_url)
        upgrade(engine)
        Admin(session_factory(engine), cfg).audit(action, outcome, detail)
        engine.dispose()
    except Exception as exc:  # e.g. root setting the PIN before the data folder exists
        logging.getLogger(__name__).warning("no audit row for %s: %s", action, exc)


def cmd_admin_audit(args, cfg: KioskConfig) -> int:
    from kiosk.db.engine import make_engine, session_factory, upgrade
    from kiosk.ops.admin import Admin

    engine = make_engine(cfg.paths.effective_database_url)
    upgrade(engine)
    rows = Admin(session_factory(engine), cfg).recent(args.limit)
    engine.dispose()
    out = [{"at": r.at.isoformat(timespec="seconds") + "Z", "action": r.action,
            "outcome": r.outcome, "detail": r.detail} for r in rows]
    if args.json:
        _print_json(out)
    else:
        for r in out:
            print(f"{r['at']}  {r['action']:<16} {r['outcome']:<9} {r['detail']}")
    return EXIT_OK


def cmd_content_validate(args, cfg: KioskConfig) -> int:
    path = Path(args.path) if args.path else cfg.paths.content_dir
    from kiosk.content.format import read_content

    try:
        bundle = read_content(path)
    except ContentError as exc:
        if args.json:
            _print_json({"ok": False, "problems": [str(p) for p in exc.problems]})
        else:
            print(exc, file=sys.stderr)
        return EXIT_CONTENT
    counts = {k: len(getattr(bundle, k)) for k in (
        "categories", "procedures", "departments", "forms", "rates", "announcements",
        "queue_categories")}
    if args.json:
        _print_json({"ok": True, "revision": bundle.revision, "counts": counts})
    else:
        print(f"{path}: valid, revision {bundle.revision}: "
              + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return EXIT_OK


def cmd_content_lint(args, cfg: KioskConfig) -> int:
    """Every problem, one per line, with file, record and field: the linter's findings (free
    text that contradicts the data) and the format's own checks, which it needs first."""
    path = Path(args.path) if args.path else cfg.paths.content_dir
    from kiosk.content.format import read_content

    try:
        bundle = read_content(path)
    except ContentError as exc:
        if args.json:
            _print_json({"ok": False, "problems": [vars(p) for p in exc.problems]})
        else:
            for problem in exc.problems:
                print(problem)
            print(f"{len(exc.problems)} problem(s) in {path}", file=sys.stderr)
        return EXIT_CONTENT
    if args.json:
        _print_json({"ok": True, "revision": bundle.revision, "problems": []})
    else:
        print(f"{path}: no contradictions, revision {bundle.revision}, "
              f"{len(bundle.procedures)} procedures")
    return EXIT_OK


def cmd_content_load(args, cfg: KioskConfig) -> int:
    from kiosk.bootstrap import open_core
    from kiosk.content.store import apply_bundle

    path = Path(args.path) if args.path else cfg.paths.content_dir
    from kiosk.content.format import read_content

    try:
        bundle = read_content(path)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        print("Nothing was changed: the kiosk keeps its current content.", file=sys.stderr)
        return EXIT_CONTENT
    core = open_core(cfg, load_bundled=False)
    try:
        rid = apply_bundle(core.Session, bundle)
    finally:
        core.close()
    print(f"loaded revision {bundle.revision} (id {rid}) from {path}")
    return EXIT_OK


def cmd_printer_status(args, cfg: KioskConfig) -> int:
    from kiosk.printing.service import PrinterService

    svc = PrinterService(cfg.printer, cfg.paths.data_dir)
    st = svc.status()
    if args.json:
        _print_json({"printer": cfg.printer.kind, "profile": cfg.printer.profile,
                     "paper_mm": cfg.printer.paper_mm, **st.as_dict()})
    else:
        print(f"printer: {cfg.printer.kind} ({cfg.printer.profile}, {cfg.printer.paper_mm} mm)")
        print(f"state:   {st.state.value} ({st.detail})")
    return EXIT_ATTENTION if st.needs_staff else EXIT_OK


def cmd_printer_find(args, cfg: KioskConfig) -> int:
    """The ESC/POS printers this machine sees, each with the [printer] lines that use it."""
    from printer.find import find_printers

    search = find_printers(hosts=args.host or [], serial_paths=args.serial or None,
                           serial=not args.no_serial)
    if args.json:
        _print_json({"found": [f.as_dict() for f in search.found],
                     "looked_at": search.looked_at, "problems": search.problems})
    else:
        for f in search.found:
            state = f" ({f.state})" if f.state else ""
            print(f"{f.where}{state}\n{f.config_lines()}\n")
        for problem in search.problems:
            print(problem, file=sys.stderr)
        if not search.found:
            print(f"no ESC/POS printer found; looked at: {'; '.join(search.looked_at)}",
                  file=sys.stderr)
    return EXIT_OK if search.found else EXIT_ATTENTION


def _report_print(result, args) -> int:
    if args.json:
        _print_json(result.as_dict())
    elif result.ok:
        where = f": {result.picture}" if result.picture else ""
        print(f"printed ({result.bytes_sent} bytes, {result.seconds:.2f} s, printer "
              f"{result.state.value}){where}")
    elif result.unknown:  # sent whole, but nothing says it came out: look at the printer
        print(f"unknown whether it printed ({result.bytes_sent} bytes sent): {result.detail}",
              file=sys.stderr)
    else:
        print(f"not printed: {result.state.value} ({result.detail})", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_ATTENTION


def cmd_printer_test(args, cfg: KioskConfig) -> int:
    from kiosk.clock import office_now
    from kiosk.printing.layouts import printer_test_page
    from kiosk.printing.service import PrinterService

    svc = PrinterService(cfg.printer, cfg.paths.data_dir)
    doc = printer_test_page(cfg.office.name, office_now(cfg.office.timezone),
                            cfg.printer.office_url,
                            f"{cfg.printer.kind} {cfg.printer.profile}")
    return _report_print(svc.print_document(doc), args)


def cmd_print_card(args, cfg: KioskConfig) -> int:
    from kiosk.bootstrap import open_core
    from kiosk.content.service import NotFound
    from kiosk.hours import office_now

    core = open_core(cfg)
    try:
        try:
            doc = core.printing.card_document(args.symbol, args.lang, have=None,
                                              now=office_now(cfg.office.timezone))
        except NotFound:
            print(f"no procedure with the symbol {args.symbol!r}", file=sys.stderr)
            return EXIT_USAGE
        return _report_print(core.printing.print_document(doc), args)
    finally:
        core.close()


def cmd_speak(args, cfg: KioskConfig) -> int:
    import shutil

    from kiosk.speech.engines import EngineError
    from kiosk.speech.normalise import normalise
    from kiosk.speech.service import open_speech

    if args.scan_content:
        from kiosk.speech.scan import bundled_texts, scan

        report = scan(bundled_texts())
        if args.json:
            _print_json(report.as_dict())
        else:
            for lang, found in report.languages.items():
                print(f"{lang}: {found.texts} texts, {len(found.tokens)} unsaid tokens")
                for token, text in found.tokens[:50]:
                    print(f"  {token!r} in {text[:80]!r}")
            print(f"{len(report.undecided)} sentences kept a number in its basic form")
        return EXIT_ATTENTION if report.unsaid else EXIT_OK
    if args.text is None:
        print("speak: a TEXT or --scan-content", file=sys.stderr)
        return EXIT_USAGE
    if args.print_normalised:
        print(normalise(args.text, args.lang))
        if not args.out:
            return EXIT_OK
    speech = open_speech(cfg)
    try:
        clip = speech.clip(args.text, args.lang, args.speed, online=args.online)
    except EngineError as exc:
        print(f"could not speak: {exc}", file=sys.stderr)
        return EXIT_ATTENTION
    finally:
        speech.cache.flush_counts()
    if args.out:
        shutil.copyfile(clip.path, args.out)
    print(f"{clip.engine}{' (cached)' if clip.cached else ''}: {args.out or clip.path}",
          file=sys.stderr)
    return EXIT_OK


def cmd_audio_prerender(args, cfg: KioskConfig) -> int:
    from kiosk.bootstrap import open_core
    from kiosk.speech.prerender import content_texts, prerender_texts, ui_texts
    from kiosk.speech.service import open_speech

    core = open_core(cfg)
    try:
        texts = ui_texts() + content_texts(core.content)
    finally:
        core.close()
    if args.limit:
        texts = texts[:args.limit]
    from kiosk.progress import progress_for

    report = prerender_texts(texts, open_speech(cfg), online=not args.offline,
                             progress=progress_for(args.json))
    if args.json:
        _print_json(report.as_dict())
    else:
        print(f"{report.texts} texts: {report.already} already cached, rendered "
              f"{report.rendered or 'none'}, {len(report.failed)} failed")
        for f in report.failed[:10]:
            print(f"  failed: {f}")
    return EXIT_ATTENTION if report.failed else EXIT_OK


def cmd_audio_stats(args, cfg: KioskConfig) -> int:
    from kiosk.speech.service import open_speech

    st = open_speech(cfg).cache.stats()
    data = {"hits": st.hits, "misses": st.misses, "hit_rate": round(st.hit_rate, 3),
            "files": st.files, "bytes": st.bytes}
    if args.json:
        _print_json(data)
    else:
        print(f"audio cache: {st.files} files, {st.bytes / 1e6:.1f} MB; "
              f"{st.hits} hits, {st.misses} misses ({st.hit_rate:.0%} hit rate)")
    return EXIT_OK


def cmd_search(args, cfg: KioskConfig) -> int:
    from kiosk.bootstrap import open_core

    if args.limit < 1:
        print("--limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    core = open_core(cfg)
    try:
        res = core.search.search(args.query, lang=args.lang, limit=args.limit)
    finally:
        core.close()
    rows = [{"rank": i, "kind": h.kind, "ref": h.ref, "title": h.title.get(args.lang),
             "score": h.score, "opens": h.opens} for i, h in enumerate(res.hits, start=1)]
    if args.json:
        _print_json({"query": res.query, "lang": res.lang, "total": res.total,
                     "mode": res.mode, "results": rows})
    elif not rows:
        print(f"no results for {args.query!r}")
    else:
        for r in rows:
            print(f"{r['rank']:>3}. {r['kind']:<12} {r['ref']:<22} {r['title']}")
        if res.total > len(rows):
            print(f"     ... {res.total - len(rows)} more")
    return EXIT_OK


def cmd_i18n_coverage(args, cfg: KioskConfig) -> int:
    from kiosk.i18n import LANGUAGE_NAMES, coverage

    data = coverage()
    if args.json:
        _print_json(data)
    else:
        for lang, c in data.items():
            pct = 100 * c["translated"] / max(1, c["total"])
            print(f"{lang} {LANGUAGE_NAMES[lang]:<11} {c['translated']:>4}/{c['total']:<4} "
                  f"{pct:5.1f}%  missing {len(c['missing'])}, fuzzy {len(c['fuzzy'])}, "
                  f"placeholder mismatches {len(c['placeholder_mismatch'])}")
            for key in (c["missing"] + c["fuzzy"] + c["placeholder_mismatch"])[:10]:
                print(f"    {key!r}")
    bad = any(c["missing"] or c["fuzzy"] or c["placeholder_mismatch"] for c in data.values())
    return EXIT_ATTENTION if bad else EXIT_OK


def _toml_value(value) -> str:
    if value is None:
        return '""  # not set'
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False)


def cmd_config_show(args, cfg: KioskConfig) -> int:
    # Passwords are never shown: URLs come with *** in their place, and each password kept
    # outside the file is named by where it comes from ("*** (from KIOSK_QUEUE_PASSWORD)").
    data = config_as_dict(cfg)
    secrets = secret_sources(cfg)
    if args.json:
        _print_json({"source": cfg.source, **data, "passwords": secrets})
        return EXIT_OK
    print(f"# configuration from: {cfg.source or 'built-in defaults'}")
    for section, values in data.items():
        print(f"[{section}]")
        for key, value in values.items():
            print(f"{key} = {_toml_value(value)}")
        if section in secrets:
            print(f"# password: {secrets[section]}")
        print()
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kiosk", description="BOM kiosk of the City Hall of Piotrków Trybunalski.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--config", metavar="FILE",
                   help="TOML configuration file (default: $KIOSK_CONFIG, else "
                        "~/.config/bom-kiosk/kiosk.toml, else /etc/bom-kiosk/kiosk.toml, else "
                        "built-in defaults; `kiosk config show` says which)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="start the kiosk (full screen)",
                         description="Start the kiosk. With no configuration it uses a SQLite "
                         "database in the user data folder filled from the bundled sample content.")
    run.add_argument("--production", action="store_true",
                     help="an installed kiosk: refuse to start without a configuration file "
                          "or on the bundled sample content (as [office] mode = \"production\")")
    run.add_argument("--windowed", action="store_true",
                     help="a normal window with a mouse cursor, for development")
    run.add_argument("--landscape", action="store_true", help="1920x1080 instead of portrait")
    run.add_argument("--lang", choices=("pl", "en", "uk"),
                     help="start (and return after each session) in this language")
    run.set_defaults(func=cmd_run)

    disp = sub.add_parser("display", help="the hall display: called tickets, spoken calling",
                          description="Show the tickets being called on the hall TV "
                          "(1920x1080) and announce each call; reads the [queue] database.")
    disp.add_argument("--windowed", action="store_true",
                      help="a window with a mouse cursor, for development")
    disp.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                      help="TOML configuration file (as `kiosk --config FILE display`)")
    disp.set_defaults(func=cmd_display)
    st = sub.add_parser("status", help="every component's state; exit 1 if staff must act",
                        description="Health of the kiosk: app heartbeat, content, sync, "
                        "printer and paper, queue database, kiosk database, audio cache, disk, "
                        "staff alerts. Exit codes: 0 nothing needs staff; 1 staff must act "
                        "(a component marked STAFF, e.g. paper out, the last two syncs failed, "
                        "or the last sync rejected central records or refused a deletion); "
                        "2 bad usage or configuration.")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.set_defaults(func=cmd_status)

    adm = sub.add_parser("admin", help="the staff side: PIN and audit log")
    asub_ = adm.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    sp_ = asub_.add_parser("set-pin", help="set the admin PIN (asked for, or read from stdin; "
                           "never given on the command line)")
    sp_.add_argument("--pin-file", help="where to write the hash (default: [admin] pin_file)")
    sp_.add_argument("--owner", metavar="USER",
                     help="when run as root: the user the kiosk runs as, who alone may read "
                          "the hash (mode 0600); the install script passes the kiosk user")
    sp_.set_defaults(func=cmd_admin_set_pin)
    au_ = asub_.add_parser("audit", help="the latest PIN attempts and admin actions")
    au_.add_argument("--limit", type=int, default=50)
    au_.add_argument("--json", action="store_true")
    au_.set_defaults(func=cmd_admin_audit)

    content = sub.add_parser("content", help="check or load content in the YAML format")
    csub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    v = csub.add_parser("validate", help="check a content folder; list every problem")
    v.add_argument("path", nargs="?", help="content folder (default: configured content_dir)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_content_validate)
    lt = csub.add_parser("lint", help="check that free text does not contradict the data "
                         "(ticket letters, rooms, hours, fees, document kinds, QR labels, "
                         "numbers in translations); one problem per line")
    lt.add_argument("path", nargs="?", help="content folder (default: configured content_dir)")
    lt.add_argument("--json", action="store_true")
    lt.set_defaults(func=cmd_content_lint)
    ld = csub.add_parser("load", help="validate a content folder and make it the kiosk's content")
    ld.add_argument("path", nargs="?", help="content folder (default: configured content_dir)")
    ld.set_defaults(func=cmd_content_load)

    conf = sub.add_parser("config", help="show the effective configuration")
    csub2 = conf.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = csub2.add_parser("show", help="every key with its value")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_config_show)

    i18 = sub.add_parser("i18n", help="UI translations")
    isub = i18.add_subparsers(dest="i18n_command", metavar="ACTION", required=True)
    cov = isub.add_parser("coverage", help="how complete the pl, en and uk catalogues are; "
                          "exit 1 if any string is missing, fuzzy or has wrong placeholders")
    cov.add_argument("--json", action="store_true")
    cov.set_defaults(func=cmd_i18n_coverage)

    sp = sub.add_parser("speak", help="say a text as audio mode would (normalised, cached)")
    sp.add_argument("text", nargs="?")
    sp.add_argument("--lang", choices=("pl", "en", "uk"), default="pl")
    sp.add_argument("--scan-content", action="store_true",
                    help="list every token the normaliser leaves as digits or symbols in the "
                    "bundled content and the UI catalogues (pl, en, uk); exit 1 if any")
    sp.add_argument("--json", action="store_true", help="with --scan-content: as JSON")
    sp.add_argument("--speed", type=float, default=1.0, help="0.8 to 2.0")
    sp.add_argument("--out", metavar="FILE", help="copy the audio here (WAV from espeak-ng)")
    sp.add_argument("--print-normalised", action="store_true",
                    help="print the text as it is spoken")
    sp.add_argument("--online", action="store_true", help="allow gTTS (sends the text to Google)")
    sp.set_defaults(func=cmd_speak)

    au = sub.add_parser("audio", help="the audio cache: prerender and statistics")
    asub = au.add_subparsers(dest="audio_command", metavar="ACTION", required=True)
    apre = asub.add_parser("prerender", help="render every content and UI text in every "
                           "language (gTTS when reachable, espeak-ng otherwise)")
    apre.add_argument("--offline", action="store_true", help="espeak-ng only")
    apre.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    apre.add_argument("--json", action="store_true")
    apre.set_defaults(func=cmd_audio_prerender)
    ast = asub.add_parser("stats", help="hits, misses and size of the audio cache")
    ast.add_argument("--json", action="store_true")
    ast.set_defaults(func=cmd_audio_stats)

    pr = sub.add_parser("printer", help="the receipt printer: status, test page, find")
    psub = pr.add_subparsers(dest="printer_command", metavar="ACTION", required=True)
    ps = psub.add_parser("status", help="ask the printer how it is; exit 1 unless ready")
    ps.add_argument("--json", action="store_true")
    ps.set_defaults(func=cmd_printer_status)
    pt = psub.add_parser("test", help="print a test page: every Polish and Ukrainian letter, "
                         "a QR code and a cut")
    pt.add_argument("--json", action="store_true")
    pt.set_defaults(func=cmd_printer_test)
    pf = psub.add_parser(
        "find", help="list the ESC/POS printers this machine sees, with the config to use",
        description="USB printers (the printer class or a receipt-printer maker), serial "
        "ports that answer an ESC/POS status query, and port 9100 on the hosts given. Each "
        "is printed with the [printer] lines for kiosk.toml. Exit 1 if none is found.")
    pf.add_argument("--host", action="append", metavar="HOST[:PORT]",
                    help="also ask this network host, on port 9100 unless given (repeatable)")
    pf.add_argument("--serial", action="append", metavar="DEVICE",
                    help="ask only these serial devices (default: /dev/ttyUSB*, ttyACM*, "
                         "ttyS0-3)")
    pf.add_argument("--no-serial", action="store_true", help="do not ask serial ports")
    pf.add_argument("--json", action="store_true")
    pf.set_defaults(func=cmd_printer_find)

    prn = sub.add_parser("print", help="print an information card")
    prsub = prn.add_subparsers(dest="print_command", metavar="WHAT", required=True)
    card = prsub.add_parser("card", help="the information card of a procedure")
    card.add_argument("symbol", help='procedure symbol, e.g. "USC I"')
    card.add_argument("--lang", choices=("pl", "en", "uk"), default="pl")
    card.add_argument("--json", action="store_true")
    card.set_defaults(func=cmd_print_card)
    se = sub.add_parser("search", help="search procedures, departments, forms, rates and notices",
                        description="Search the kiosk's content as a resident would: without "
                        "Polish letters, inflected, with typos, everyday words or symbols.")
    se.add_argument("query", help='what to look for, e.g. "zaswiadczenie o zameldowaniu"')
    se.add_argument("--lang", choices=("pl", "en", "uk"), default="pl")
    se.add_argument("--limit", type=int, default=10, help="at most N results (default 10)")
    se.add_argument("--json", action="store_true")
    se.set_defaults(func=cmd_search)
    from entrypoints.queue_cli import add_queue_commands
    add_queue_commands(sub)  # ticket issue, desk call|recall|served|no-show|transfer, queue status
    from entrypoints.sync_cli import add_sync_commands
    add_sync_commands(sub)  # sync, central init|import|export
    from entrypoints.usage_cli import add_report_command
    add_report_command(sub)  # report (usage events)
    from entrypoints.web_cli import add_web_command
    add_web_command(sub)  # web (the live queue page)
    return p


def main(argv: list[str] | None = None) -> int:
    # Databases, logs, printouts, the heartbeat: 0600 in 0700 folders (kiosk/paths.py). Put
    # back on return, for callers that run commands in their own process (the tests).
    previous = use_private_umask()
    try:
        return _main(argv)
    finally:
        os.umask(previous)


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        cfg = load_config(args.config)
        from kiosk.ops.logs import setup_logging

        # Once: the journal under systemd; else stderr, and for `run` the JSON-lines file.
        setup_logging(cfg, to_file=args.command in ("run", "display"))
        return args.func(args, cfg)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONTENT


if __name__ == "__main__":
    sys.exit(main())
