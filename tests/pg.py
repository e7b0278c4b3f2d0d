"""A throwaway PostgreSQL server for the tests and the benchmark: initdb in a temporary folder,
started on a free port, stopped and deleted at the end.

Debian's `postgresql` package provides the binaries (/usr/lib/postgresql/<version>/bin;
scripts/setup.sh installs it). initdb and postgres refuse to run as root, and CI runs as root:
then the server runs as the `postgres` system user (runuser), or as `nobody` (setpriv) when
that user does not exist. The tests never skip for lack of PostgreSQL unless $KIOSK_SKIP_PG=1.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SKIP_ENV = "KIOSK_SKIP_PG"
BIN_ENV = "KIOSK_PG_BIN"


class PgUnavailable(RuntimeError):
    pass


def find_bindir() -> Path:
    candidates = [os.environ.get(BIN_ENV, "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                         else 0, reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).resolve().parent))
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    raise PgUnavailable("PostgreSQL server binaries not found (Debian: apt-get install "
                        "postgresql; or set $KIOSK_PG_BIN)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _runas() -> tuple[list[str], int | None, int | None]:
    """The command prefix that drops root, and the uid/gid to own the data folder."""
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", name, "--"], pw.pw_uid, pw.pw_gid
        if shutil.which("setpriv"):
            return (["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}",
                     "--clear-groups"], pw.pw_uid, pw.pw_gid)
    raise PgUnavailable("running as root and neither runuser nor setpriv can drop to "
                        "an unprivileged user")


class PgServer:
    """One PostgreSQL cluster; `new_database()` gives each test a fresh, empty database."""

    USER = "kiosk"

    def __init__(self, *, fsync: bool = False, max_connections: int = 60):
        self.bindir = find_bindir()
        self.prefix, uid, gid = _runas()
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        if uid is not None:
            os.chown(self.root, uid, gid)
        self.data = self.root / "data"
        self.port = 0
        self._names = itertools.count(1)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", self.USER, "-E", "UTF8",
                  "--locale=C", "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -k {self.root} "
                f"-c max_connections={max_connections} -c fsync={'on' if fsync else 'off'} "
                f"-c synchronous_commit={'on' if fsync else 'off'} -c full_page_writes=off")
        for attempt in range(5):
            self.port = _free_port()
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                          "-w", "-t", "60", "-o", f"-p {self.port} {opts}", "start")
                break
            except PgUnavailable:
                if attempt == 4:
                    raise
                time.sleep(0.2)

    def _run(self, tool: str, *args: str) -> None:
        r = subprocess.run([*self.prefix, str(self.bindir / tool), *args], capture_output=True,
                           text=True, timeout=120, cwd=self.root)
        if r.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PgUnavailable(f"{tool} failed ({r.returncode}): {r.stderr.strip()}\n{tail}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.USER}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        import psycopg

        name = f"queue_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.USER,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(PgUnavailable):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
