"""Helpers for the sync tests: a central database filled from the sample content, the kiosk
role with a real password check, SQL edits an editor might make, a TCP proxy that can cut or
stall the connection, and checks of the kiosk database."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import psycopg
from sqlalchemy import func, select

from content_sync.central import SCHEMA, import_folder, init_central
from content_sync.pg import libpq_url
from kiosk import SAMPLE_CONTENT_DIR
from kiosk.config import KioskConfig, PathsConfig, SyncConfig
from kiosk.db import models as m
from kiosk.db.closure_models import OfficeClosure
from kiosk.db.search_models import ElsewhereMatter, SearchSynonym

READER = "bom_kiosk"
READER_PASSWORD = "kiosk-reader-pw"


def require_password(server) -> None:
    """Make the kiosk role log in with a password on the test server (the cluster trusts
    everyone else, as tests/pg.py sets it up). Idempotent."""
    hba = server.data / "pg_hba.conf"
    line = f"host all {READER} 127.0.0.1/32 scram-sha-256\n"
    text = hba.read_text()
    if line not in text:
        hba.write_text(line + text)
        server._run("pg_ctl", "-D", str(server.data), "reload")
        time.sleep(0.5)


def central_db(server) -> tuple[str, str]:
    """A new central database with the sample content: (admin URL, kiosk role URL)."""
    require_password(server)
    url = server.new_database()
    init_central(url, reader_role=READER, reader_password=READER_PASSWORD)
    import_folder(url, SAMPLE_CONTENT_DIR)
    reader = url.replace(f"{server.USER}@", f"{READER}:{READER_PASSWORD}@")
    return url, reader


def kiosk_cfg(data_dir: Path, **sync) -> KioskConfig:
    sync.setdefault("transfer_timeout", 60.0)  # a hung test fails within a minute
    # Audio for 1,800 texts takes a minute: only the test about audio asks for it.
    sync.setdefault("render_audio", False)
    return replace(KioskConfig(), paths=PathsConfig(data_dir=data_dir),
                   sync=SyncConfig(env_file=data_dir / "no-such.env", **sync))


class Central:
    """Edits made straight in the central database, as an editor with SQL would."""

    def __init__(self, url: str):
        self.url = libpq_url(url)

    def _conn(self):
        return psycopg.connect(self.url, autocommit=True)

    def get(self, kind: str, key: str) -> dict:
        with self._conn() as c:
            return c.execute(f"SELECT data FROM {SCHEMA}.content_record WHERE kind = %s AND "
                             f"key = %s", (kind, key)).fetchone()[0]

    def put(self, kind: str, key: str, data: dict, *, file: str | None = None,
            position: int = 999) -> None:
        with self._conn() as c:
            c.execute(f"INSERT INTO {SCHEMA}.content_record (kind, key, file, position, data) "
                      f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT (kind, key) DO UPDATE SET "
                      f"data = EXCLUDED.data, deleted = false",
                      (kind, key, file, position, json.dumps(data)))

    def edit(self, kind: str, key: str, change) -> dict:
        data = copy.deepcopy(self.get(kind, key))
        change(data)
        self.put(kind, key, data)
        return data

    def delete(self, kind: str, key: str) -> None:
        with self._conn() as c:
            c.execute(f"DELETE FROM {SCHEMA}.content_record WHERE kind = %s AND key = %s",
                      (kind, key))

    def sql(self, statement: str, params=()) -> None:
        with self._conn() as c:
            c.execute(statement, params)

    def revision(self) -> int:
        with self._conn() as c:
            return c.execute(f"SELECT revision FROM {SCHEMA}.central_state").fetchone()[0]

    def live_counts(self) -> dict[str, int]:
        with self._conn() as c:
            return dict(c.execute(f"SELECT kind, count(*) FROM {SCHEMA}.content_record "
                                  f"WHERE NOT deleted GROUP BY kind").fetchall())

    def add_procedure(self, symbol: str, like: str = "USC I", **fields) -> dict:
        data = copy.deepcopy(self.get("procedure", like))
        data.update(symbol=symbol, **fields)
        self.put("procedure", symbol, data, file="zz-generated")
        return data


KIND_TABLES = {"category": m.Category, "department": m.Department,
               "queue_category": m.QueueCategory, "form": m.Form, "rate": m.LocalRate,
               "announcement": m.Announcement, "procedure": m.Procedure,
               "synonym": SearchSynonym, "closure": OfficeClosure, "elsewhere": ElsewhereMatter}


def kiosk_counts(Session_, revision_id: int) -> dict[str, int]:
    with Session_() as s:
        return {kind: s.scalar(select(func.count()).select_from(t)
                               .where(t.revision_id == revision_id))
                for kind, t in KIND_TABLES.items()}


class Proxy:
    """A TCP proxy in front of PostgreSQL that can cut every connection after the server has
    sent `cut_after` bytes, or stop passing anything on after `stall_after` bytes."""

    def __init__(self, target_port: int, *, cut_after: int | None = None,
                 stall_after: int | None = None):
        self.target_port, self.cut_after, self.stall_after = target_port, cut_after, stall_after
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.socks: list[socket.socket] = []
        self.cuts = 0
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.socks += [client, server]
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, from_server: bool) -> None:
        sent = 0
        try:
            while True:
                data = src.recv(4096)
                if not data:
                    break
                if from_server and self.stall_after is not None and \
                        sent + len(data) > self.stall_after:
                    self._stop.wait()  # hold everything, keep the sockets open
                    return
                if from_server and self.cut_after is not None and \
                        sent + len(data) > self.cut_after:
                    dst.sendall(data[:max(0, self.cut_after - sent)])
                    self.cuts += 1
                    for s in (src, dst):  # shutdown first: it sends FIN even while the
                        # (the other pump thread is blocked reading this socket)
                        with contextlib.suppress(OSError):
                            s.shutdown(socket.SHUT_RDWR)
                        s.close()
                    return
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def url(self, reader_url: str, real_port: int) -> str:
        return reader_url.replace(f":{real_port}/", f":{self.port}/")

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        for s in self.socks:
            with contextlib.suppress(OSError):
                s.close()


def no_audio_config(tmp_path: Path) -> Path:
    """A config file for CLI runs of `kiosk sync` that skip the audio prerender."""
    conf = tmp_path / "no-audio.toml"
    conf.write_text("[sync]\nrender_audio = false\n")
    return conf


MONDAY_10 = "2026-11-30T10:00:00+01:00"  # office hours in the sample content


def kiosk_cli(*args: str, data_dir: Path, config: Path | None = None,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`kiosk ARGS` as IT staff run it: a separate process on the kiosk's data folder, at a
    Monday 10:00 office time ($KIOSK_TEST_NOW) so that the sample queue hours apply."""
    full = {**os.environ, "KIOSK_DATA_DIR": str(data_dir), "KIOSK_TEST_NOW": MONDAY_10,
            **(env or {})}
    full.pop("KIOSK_CONFIG", None)
    if config is not None:
        full["KIOSK_CONFIG"] = str(config)
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=full, timeout=300)
