"""Connections to the central content database (PostgreSQL, psycopg 3).

Both SQLAlchemy-style URLs ("postgresql+psycopg://...") and libpq ones ("postgresql://...") are
accepted, so the same URL can serve the queue-style configuration and psql.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

_DRIVER = re.compile(r"^(postgres(?:ql)?)\+\w+://")


def libpq_url(url: str) -> str:
    return _DRIVER.sub(r"\1://", url.strip())


def redact(url: str | None) -> str:
    """The URL with any password replaced, fit for reports and logs."""
    if not url:
        return ""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", libpq_url(url))


def is_pg_url(url: str) -> bool:
    return bool(re.match(r"^postgres(ql)?(\+\w+)?://", url.strip()))


def connect(url: str, *, password: str | None = None, connect_timeout: float = 10.0,
            statement_timeout: float | None = 60.0, read_only: bool = False,
            application_name: str = "bom-kiosk") -> psycopg.Connection:
    """Open a connection that gives up instead of hanging: a connect timeout, a server-side
    statement timeout and TCP keepalives (a dead peer is noticed within about a minute)."""
    options = []
    if statement_timeout:
        options.append(f"-c statement_timeout={int(statement_timeout * 1000)}")
    if read_only:
        options.append("-c default_transaction_read_only=on")
    kwargs = dict(connect_timeout=max(1, int(round(connect_timeout))),
                  application_name=application_name, keepalives=1, keepalives_idle=30,
                  keepalives_interval=10, keepalives_count=3)
    if options:
        kwargs["options"] = " ".join(options)
    if password:
        kwargs["password"] = password
    return psycopg.connect(libpq_url(url), **kwargs)


@contextmanager
def deadline(conn: psycopg.Connection, seconds: float) -> Iterator[threading.Event]:
    """Cut the connection if the block takes longer than `seconds`.

    libpq waits for a server's answer without a limit of its own: a network that stops passing
    packets (but does not reset) would keep a nightly sync hanging. Shutting the socket down
    makes the pending read fail at once; the event tells the caller it was the deadline."""
    fired = threading.Event()

    def cut() -> None:
        fired.set()
        try:
            sock = socket.socket(fileno=os.dup(conn.fileno()))
            try:
                sock.shutdown(socket.SHUT_RDWR)
            finally:
                sock.close()
        except OSError:
            pass

    timer = threading.Timer(seconds, cut)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()
