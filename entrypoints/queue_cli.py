"""`kiosk ticket`, `kiosk desk`, `kiosk queue`, `kiosk bookings` and `kiosk alerts`: the hall
from the command line.

Kept apart from kiosk/cli.py, which only registers these commands. Exit codes as everywhere:
0 done; 1 refused or nothing to do (no ticket now: closed, after the cut-off, daily limit
reached; no ticket waiting; the desk has no called ticket; queue database unreachable); 2 bad
usage (unknown letter, bad desk number).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def _iso(t: dt.datetime | dt.date | None) -> str | None:
    return None if t is None else t.isoformat()


def _hm(t: dt.time | None) -> str | None:
    return None if t is None else t.strftime("%H:%M")


def estimate_dict(e) -> dict | None:
    if e is None:
        return None
    return {"low_minutes": e.low_minutes, "high_minutes": e.high_minutes,
            "samples": e.samples, "desks": e.desks, "basis": e.basis}


def estimate_text(e) -> str:
    return "no estimate yet" if e is None else f"{e.low_minutes}-{e.high_minutes} min ({e.basis})"


def availability_dict(a) -> dict:
    return {"letter": a.letter, "open": a.is_open, "reason": a.reason,
            "hours_today": [f"{_hm(o)}-{_hm(c)}" for o, c in a.hours_today],
            "last_ticket_at": _hm(a.last_ticket_at), "next_opening": _iso(a.next_opening),
            "booking_url": a.booking_url, "daily_limit": a.daily_limit,
            "issued_today": a.issued_today}


def ticket_dict(t) -> dict | None:
    if t is None:
        return None
    return {"id": t.id, "code": t.code, "letter": t.letter, "category": t.category,
            "number": t.number, "service_day": _iso(t.service_day), "priority": t.priority,
            "status": t.status, "desk": t.desk, "issued_at": _iso(t.issued_at),
            "called_at": _iso(t.called_at), "served_at": _iso(t.served_at),
            "closed_at": _iso(t.closed_at), "recalls": t.recalls, "printed": t.printed,
            "department": t.department_code, "kiosk_id": t.kiosk_id,
            "transferred_from": t.transferred_from, "people_ahead": t.people_ahead,
            "booked_at": _iso(t.booked_at)}


def _open(cfg):
    from sqlalchemy.exc import DatabaseError

    from kiosk.bootstrap import open_core
    from kiosk.content.store import ensure_bundled_content

    # Desks call these commands all day: parse the content folder (a second or more) only when
    # the kiosk has no content yet; `kiosk run` and `kiosk content load` keep it current.
    try:
        core = open_core(cfg, load_bundled=False)
        if core.content.status().revision is None:
            ensure_bundled_content(core.Session, cfg)
    except DatabaseError as exc:  # unreachable, locked, or not a database at all
        # Not the queue's fault: say which database, so nobody chases the network.
        raise KioskDatabaseError(f"kiosk database {cfg.paths.effective_database_url!r} "
                                 f"unusable: {exc.orig}") from exc
    try:
        return core, core.queue
    except Exception:
        core.close()
        raise


class KioskDatabaseError(Exception):
    """The kiosk's own database (schema, content) failed, before the queue was reached."""


def _run(cfg, action, *, with_core: bool = False) -> int:
    """Open the core and the queue, run `action(queue)` (or `action(queue, core)`), map queue
    errors to exit codes."""
    from sqlalchemy.exc import OperationalError

    from kiosk.queue.service import QueueError, UnknownCategory

    try:
        core, queue = _open(cfg)
    except KioskDatabaseError as exc:
        return _fail(str(exc), EXIT_REFUSED)
    except OperationalError as exc:
        return _fail(f"queue database unreachable: {exc.orig}", EXIT_REFUSED)
    try:
        return action(queue, core) if with_core else action(queue)
    except UnknownCategory as exc:
        return _fail(str(exc), EXIT_USAGE)
    except QueueError as exc:
        return _fail(str(exc), EXIT_REFUSED)
    except OperationalError as exc:
        return _fail(f"queue database error: {exc.orig}", EXIT_REFUSED)
    finally:
        core.close()


def _ticket_page(core, ticket) -> str | None:
    """The ticket's own page on the live queue site (what its QR code opens), with
    [web] public_url set; else None."""
    base = core.config.web.public_url
    return f"{base.rstrip('/')}/t/{ticket.token}" if base and ticket.token else None


def cmd_ticket_issue(args, cfg) -> int:
    from kiosk.queue.service import UNKNOWN_CATEGORY, QueueClosed

    def action(queue, core):
        try:
            t = queue.issue(args.letter, priority=args.priority)
        except QueueClosed as exc:
            a = exc.availability
            if args.json:
                _print_json({"ok": False, "message": str(exc), **availability_dict(a)})
            print(f"no ticket issued: {exc}", file=sys.stderr)
            if a.booking_url and exc.reason != UNKNOWN_CATEGORY:
                print(f"book a visit online: {a.booking_url}", file=sys.stderr)
            return EXIT_USAGE if exc.reason == UNKNOWN_CATEGORY else EXIT_REFUSED
        data = {"ok": True, "id": t.id, "code": t.code, "number": t.number, "letter": t.letter,
                "name": t.name.pl if t.name else None, "service_day": _iso(t.service_day),
                "issued_at": _iso(t.issued_at), "priority": t.priority,
                "people_ahead": t.people_ahead, "estimate": estimate_dict(t.estimate),
                "estimate_text": estimate_text(t.estimate), "department": t.department_code,
                "prepare": t.prepare.pl if t.prepare else None, "kiosk_id": t.kiosk_id,
                "page": _ticket_page(core, t)}
        result = None
        if args.print:
            result = core.printing.print_ticket(
                t, core.printing.ticket_document(t, args.lang, args.matter))
            data["print"] = result.as_dict()
        if args.json:
            _print_json(data)
        else:
            print(f"{t.code}  {data['name'] or ''}{'  (priority)' if t.priority else ''}")
            print(f"people ahead: {t.people_ahead}")
            print(f"estimated wait: {estimate_text(t.estimate)}")
            if result is not None:
                if result.ok:
                    print(f"printed: {result.picture or 'yes'}")
                elif result.unknown:
                    print(f"unknown whether it printed ({result.detail}); not sent again; "
                          "the ticket is valid")
                else:
                    print(f"NOT printed ({result.state.value}: {result.detail}); "
                          "the ticket is valid")
        # A ticket that did not print is still issued: exit 0, staff see the printer alert.
        return EXIT_OK
    return _run(cfg, action, with_core=True)


def _open_alerts(queue) -> int | None:
    """How many staff alerts are open in the hall (None: they could not be read)."""
    try:
        return len(queue.hall_alerts.open())
    except Exception:  # the desk's action is done; the count is a courtesy
        return None


def _desk_result(args, t, verb: str, queue) -> int:
    alerts = _open_alerts(queue)
    if args.json:
        _print_json({"ok": True, "desk": args.desk, "ticket": ticket_dict(t),
                     "open_alerts": alerts})
    else:
        extra = " (priority)" if t.priority else ""
        extra += f" (booked visit {t.booked_at:%H:%M})" if t.booked_at else ""
        extra += f", from {t.transferred_from}" if verb == "transferred" else ""
        ahead = f", {t.people_ahead} ahead" if t.people_ahead is not None else ""
        print(f"desk {args.desk}: {t.code} {verb}{extra}{ahead}")
        if alerts:
            print(f"{alerts} staff alert{'s' if alerts > 1 else ''} open in the hall: "
                  "kiosk alerts")
    return EXIT_OK


def cmd_desk_call(args, cfg) -> int:
    letters = [x for x in (args.categories or "").replace(" ", "").split(",") if x] or None

    def action(queue):
        t = queue.call_next(args.desk, letters)
        if t is None:
            if args.json:
                _print_json({"ok": False, "desk": args.desk, "ticket": None})
            which = f" in {','.join(letters)}" if letters else ""
            return _fail(f"desk {args.desk}: no ticket waiting{which}", EXIT_REFUSED)
        return _desk_result(args, t, "called", queue)
    return _run(cfg, action)


def _desk_simple(method: str, verb: str):
    def cmd(args, cfg) -> int:
        def action(queue):
            if method == "transfer":
                t = queue.transfer(args.desk, args.to)
            else:
                t = getattr(queue, method)(args.desk)
            return _desk_result(args, t, verb, queue)
        return _run(cfg, action)
    return cmd


def cmd_queue_status(args, cfg) -> int:
    def action(queue):
        st = queue.status()
        if args.json:
            _print_json({
                "service_day": _iso(st.service_day), "now": _iso(st.now),
                "categories": [{
                    "letter": c.letter, "name": c.name.pl if c.name else None,
                    "issued": c.issued, "waiting": c.waiting,
                    "waiting_priority": c.waiting_priority, "called": c.called,
                    "served": c.served, "no_show": c.no_show,
                    "last_called": ticket_dict(c.last_called),
                    "estimate": estimate_dict(c.estimate),
                    "availability": availability_dict(c.availability) if c.availability else None,
                } for c in st.categories],
                "desks": [{"desk": d.desk, "letters": list(d.letters),
                           "current": ticket_dict(d.current), "last_seen_at": _iso(d.last_seen_at)}
                          for d in st.desks]})
            return EXIT_OK
        print(f"service day {st.service_day}, now {st.now:%H:%M} ({st.now.tzinfo})")
        rows = [("letter", "waiting", "called", "served", "no-show", "issued", "last called",
                 "tickets", "estimate for a new ticket")]
        for c in st.categories:
            last = (f"{c.last_called.code} desk {c.last_called.desk}"
                    if c.last_called else "-")
            a = c.availability
            if a is None:
                tickets = "not in content"
            elif a.is_open:
                tickets = f"open, last {_hm(a.last_ticket_at)}"
            else:
                tickets = a.reason or ""
            waiting = f"{c.waiting}" + (f" ({c.waiting_priority}P)" if c.waiting_priority else "")
            rows.append((c.letter, waiting, str(c.called), str(c.served), str(c.no_show),
                         str(c.issued), last, tickets, estimate_text(c.estimate)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        for r in rows:
            print("  ".join(x.ljust(w) for x, w in zip(r, widths, strict=False)) + "  " + r[-1])
        for d in st.desks:
            cur = d.current.code if d.current else "-"
            print(f"desk {d.desk}: {cur}  letters {','.join(d.letters) or 'all'}  "
                  f"last seen {d.last_seen_at:%H:%M}")
        return EXIT_OK
    return _run(cfg, action)


def cmd_alerts(args, cfg) -> int:
    """The hall's open staff alerts, from every kiosk (the shared queue database), and this
    machine's own that did not reach the hall. Exit 1 while any is open: staff must act."""
    def action(queue, core):
        hall = queue.hall_alerts.open()
        delivered = {(a.source, a.kind) for a in hall if a.kiosk_id == queue.kiosk_id}
        local = [a for a in core.alerts.open() if (a.source, a.kind) not in delivered]
        if args.json:
            _print_json({"hall": [a.as_dict() for a in hall],
                         "not_delivered": [{"kiosk": queue.kiosk_id, "source": a.source,
                                            "kind": a.kind, "detail": a.detail,
                                            "raised_at": _iso(a.raised_at)} for a in local]})
        else:
            if not hall and not local:
                print("no open staff alerts")
            for a in hall:
                print(f"{a.raised_at:%Y-%m-%d %H:%M} UTC  {a.kiosk_id}  {a.source}/{a.kind}: "
                      f"{a.detail}")
            for a in local:
                print(f"{a.raised_at:%Y-%m-%d %H:%M}  {queue.kiosk_id}  {a.source}/{a.kind}: "
                      f"{a.detail}  (this kiosk only: not delivered to the hall)")
        return EXIT_REFUSED if hall or local else EXIT_OK
    return _run(cfg, action, with_core=True)


def cmd_bookings_import(args, cfg) -> int:
    """Read a booking feed and bring the hall's bookings in line with it. Exit 0 done; 1 the
    feed could not be read (nothing changed) or some records were left out (the rest are in)."""
    from kiosk.queue.booking_feeds import FeedError, open_feed

    def action(queue):
        feed = open_feed(args.feed)
        try:
            got = feed.read()
        except FeedError as exc:
            return _fail(f"bookings not imported: {exc}", EXIT_REFUSED)
        summary = queue.bookings.import_records(got.records, feed.name)
        known = {c.letter for c in queue.categories()}
        unknown = sorted({r.category for r in got.records} - known)
        if args.json:
            _print_json({"ok": not got.problems, "feed": feed.name, **summary.as_dict(),
                         "problems": list(got.problems), "unknown_letters": unknown})
        else:
            print(f"{feed.name}: {summary.added} added, {summary.updated} changed, "
                  f"{summary.cancelled} cancelled, {summary.unchanged} unchanged"
                  + (f", {summary.kept_checked_in} already checked in (kept as they were)"
                     if summary.kept_checked_in else "")
                  + (f", {summary.pruned} past bookings deleted" if summary.pruned else ""))
            for line in got.problems:
                print(line, file=sys.stderr)
        if unknown:
            print(f"warning: letters not in this kiosk's content: {', '.join(unknown)} "
                  "(these visits cannot check in)", file=sys.stderr)
        return EXIT_REFUSED if got.problems else EXIT_OK
    return _run(cfg, action)


def cmd_bookings_list(args, cfg) -> int:
    def action(queue):
        day = args.date or queue.now().date()
        rows = queue.bookings.on(day)
        if args.json:
            _print_json({"date": _iso(day), "bookings": [
                {"time": _hm(b.booked_at.time()), "code": b.code, "letter": b.letter,
                 "checked_in_at": _iso(b.checked_in_at), "ticket": b.ticket_code,
                 "source": b.source} for b in rows]})
            return EXIT_OK
        if not rows:
            print(f"no bookings on {day}")
        for b in rows:
            state = (f"checked in {b.checked_in_at:%H:%M}, ticket {b.ticket_code or '?'}"
                     if b.checked_in_at else "not checked in")
            print(f"{b.booked_at:%H:%M}  {b.letter}  {b.code}  {state}")
        return EXIT_OK
    return _run(cfg, action)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _desk_number(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a desk number: {value!r}") from None
    if not 1 <= n <= 999:
        raise argparse.ArgumentTypeError(f"desk must be 1 to 999, not {n}")
    return n


def add_queue_commands(sub) -> None:
    """Register `ticket`, `desk` and `queue` on the `kiosk` sub-command parser."""
    ticket = sub.add_parser("ticket", help="issue a queue ticket")
    tsub = ticket.add_subparsers(dest="ticket_command", metavar="ACTION", required=True)
    issue = tsub.add_parser(
        "issue", help="issue the next ticket of a letter (exit 1 with the reason when closed)",
        description="Issue the next ticket of LETTER and print its code, the people ahead and "
        "the estimated wait. Outside the letter's hours, after its cut-off or at its daily "
        "limit nothing is issued: exit 1 with the reason, the next opening and the booking link.")
    issue.add_argument("letter", metavar="LETTER", help="queue category letter, e.g. A")
    issue.add_argument("--priority", action="store_true",
                       help="priority ticket (pregnant women, people with disabilities)")
    issue.add_argument("--print", action="store_true",
                       help="print the ticket on the configured printer")
    issue.add_argument("--for", dest="matter", metavar="SYMBOL",
                       help="the matter the ticket is for, e.g. \"DEL I\": its page goes on "
                            "the ticket's QR code (without it the ticket has no code)")
    issue.add_argument("--lang", choices=("pl", "en", "uk"), default="pl",
                       help="language of the printed ticket")
    issue.add_argument("--json", action="store_true", help="machine-readable output")
    issue.set_defaults(func=cmd_ticket_issue)

    desk = sub.add_parser("desk", help="desk actions: call, recall, served, no-show, transfer")
    dsub = desk.add_subparsers(dest="desk_command", metavar="ACTION", required=True)

    def desk_parser(name, help_, func):
        p = dsub.add_parser(name, help=help_, description=help_)
        p.add_argument("--desk", type=_desk_number, required=True, metavar="N")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=func)
        return p

    call = desk_parser("call", "call the next waiting ticket (a booked visit whose time has "
                       "come first, then priority, then the oldest); the desk's current ticket "
                       "counts as served; exit 1 if none waits",
                       cmd_desk_call)
    call.add_argument("--categories", metavar="A,B",
                      help="letters this desk calls (default: every letter)")
    desk_parser("recall", "call the desk's current ticket again",
                _desk_simple("recall", "recalled"))
    desk_parser("served", "the desk's current ticket was served", _desk_simple("served", "served"))
    desk_parser("no-show", "the desk's current ticket did not come",
                _desk_simple("no_show", "marked no-show"))
    tr = desk_parser("transfer", "send the desk's current ticket to another letter's queue "
                     "(it keeps its code and its place in time)",
                     _desk_simple("transfer", "transferred"))
    tr.add_argument("--to", required=True, metavar="LETTER", help="the letter to send it to")

    queue = sub.add_parser("queue", help="queue overview")
    qsub = queue.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    st = qsub.add_parser("status", help="waiting per letter, last called, estimates, desks")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.set_defaults(func=cmd_queue_status)

    bk = sub.add_parser("bookings", help="visits booked online: import the feed, list a day")
    bsub = bk.add_subparsers(dest="bookings_command", metavar="ACTION", required=True)
    bi = bsub.add_parser(
        "import", help="read the booking system's feed (CSV or JSON, file or URL) into the hall",
        description="Read FEED (a CSV or JSON file or an http(s) address; format in "
        "docs/operations.md, \"Booked visits\") and add, change or cancel the hall's "
        "bookings to match; bookings older than a week are deleted. Run it from a timer. "
        "Exit 1 if the feed cannot be read (nothing changes) or some records are left out "
        "(the others are imported).")
    bi.add_argument("feed", metavar="FEED", help="file path or http(s) URL")
    bi.add_argument("--json", action="store_true", help="machine-readable output")
    bi.set_defaults(func=cmd_bookings_import)
    bl = bsub.add_parser("list", help="a day's bookings and whether they checked in",
                         description="A day's bookings by time: code, letter, and the ticket "
                         "each checked in with.")
    bl.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="default: today")
    bl.add_argument("--json", action="store_true", help="machine-readable output")
    bl.set_defaults(func=cmd_bookings_list)

    al = sub.add_parser(
        "alerts", help="open staff alerts of every kiosk in the hall; exit 1 if any",
        description="Open staff alerts (printer out of paper or open, a failed sync, the queue "
        "unreachable) raised by every kiosk sharing this hall's queue database, newest first, "
        "and this kiosk's own that could not be delivered there. Exit 1 while any is open.")
    al.add_argument("--json", action="store_true", help="machine-readable output")
    al.set_defaults(func=cmd_alerts)
