"""`kiosk web`: the live queue site residents follow on their phones (kiosk.web.app), served by
uvicorn. It reads the queue the kiosks and desks share ([queue] url) and the categories from
this machine's content; it changes nothing.

Exit codes: 0 stopped cleanly (SIGTERM, Ctrl+C); 1 the queue database cannot be reached at the
start (systemd restarts the unit); 2 bad usage; 3 the port could not be opened.
"""

from __future__ import annotations

import argparse
import logging
import sys

EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE = 0, 1, 2

log = logging.getLogger(__name__)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return port


def add_web_command(sub) -> None:
    """Register `web` on the `kiosk` sub-command parser."""
    p = sub.add_parser(
        "web", help="the live queue page for residents' phones (read-only)",
        description="Serve the live queue page: every category with the people waiting, the "
        "numbers called last and at which desks, the wait range and today's hours, and one "
        "page per ticket at /t/<token> (its QR code). Updates reach the phones as server-sent "
        "events. Listens on localhost by default: put a reverse proxy with TLS in front "
        "(docs/operations.md, \"Live queue page\").")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: behind a reverse proxy)")
    p.add_argument("--port", type=_port, default=8080, help="port (default 8080)")
    p.set_defaults(func=cmd_web)


def cmd_web(args, cfg) -> int:
    import uvicorn
    from sqlalchemy.exc import DatabaseError, OperationalError

    from kiosk.bootstrap import open_core
    from kiosk.config import redact_url
    from kiosk.content.store import ensure_bundled_content
    from kiosk.ops.production import is_production
    from kiosk.queue.call_feed import open_display_queue
    from kiosk.web.app import create_app

    core = open_core(cfg, load_bundled=False)
    try:
        if core.content.status().revision is None:
            if is_production(cfg):
                log.warning("no content loaded: the page lists no queue categories until the "
                            "first sync")
            else:
                ensure_bundled_content(core.Session, cfg)
        try:
            svc = open_display_queue(cfg, core.content)
        except (OperationalError, DatabaseError) as exc:
            url = redact_url(cfg.queue.effective_url(cfg.paths.data_dir))
            print(f"queue database {url!r} unreachable: {exc.orig}", file=sys.stderr)
            return EXIT_UNREACHABLE
        d = cfg.display
        app = create_app(svc, office=cfg.office.name, listen=d.listen,
                         poll_seconds=max(d.poll_seconds, 1.0),
                         pg_poll_seconds=d.pg_poll_seconds)
        # No access log: a ticket's address is its key, and it has no business in a log.
        config = uvicorn.Config(app, host=args.host, port=args.port, access_log=False,
                                proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                                log_config=None, server_header=False,
                                timeout_graceful_shutdown=3)
        server = uvicorn.Server(config)
        server.run()
        # uvicorn leaves `started` false when the socket could not be bound.
        return EXIT_OK if server.started else 3
    finally:
        core.close()
