"""A loopback ESC/POS network printer for tests.

It listens on 127.0.0.1 like a receipt printer's raw port 9100, keeps every byte it receives
and answers the real-time status queries DLE EOT n (n = 1..4) with the status byte an Epson
TM printer would send in the chosen scenario. Connections are served one after another, as a
single-job printer port does: a second client waits in the listen backlog until the first
one hangs up.

Status bytes (Epson ESC/POS reference, DLE EOT): bits 1 and 4 are always set (0x12).
  n=1 printer status:   bit 3 offline
  n=2 offline cause:    bit 2 cover open, bit 3 paper fed by the FEED button,
                        bit 5 printing stopped by paper end, bit 6 error
  n=3 error cause:      bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable
  n=4 roll paper:       bits 2+3 near end (0x0C), bits 5+6 paper end (0x60)

Like a real printer, the peer reacts to DLE EOT n wherever it appears in the stream, even inside
picture data; ``received_print_bytes`` is the stream with those queries taken out.

Scenarios that change how the connection behaves (they answer like "ready" when they answer):
  silent   reads everything, never answers a status query
  drop     resets the connection after ``drop_after`` bytes
  slow     reads 64 bytes at a time and waits ``delay`` before each answer
  refuse   nothing listens: connect() is refused
  deaf     accepts the connection and never reads a byte (with a small ``rcvbuf`` the
           client's send soon blocks); the connection ends when the client closes or resets it
  hangup   reads the whole job and, once the job's cut command (GS V) has arrived, drops the
           connection (a reset, or a plain close with ``reset=False``) without answering
           anything that came after it, as a printer switched off or a print server that
           hangs up once a job is in
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from typing import Self

BASE = 0x12
OFFLINE = 0x08
COVER_OPEN, PAPER_END_STOP, ERROR = 0x04, 0x20, 0x40
AUTOCUTTER, UNRECOVERABLE, AUTO_RECOVERABLE = 0x08, 0x20, 0x40
NEAR_END, PAPER_END = 0x0C, 0x60

# scenario -> (n=1, n=2, n=3, n=4) status bytes
STATUS = {
    "ready": (BASE, BASE, BASE, BASE),
    "paper_near_end": (BASE, BASE, BASE, BASE | NEAR_END),
    # With the roll out, both sensors see no paper and printing stops.
    "paper_out": (BASE | OFFLINE, BASE | PAPER_END_STOP, BASE, BASE | NEAR_END | PAPER_END),
    "cover_open": (BASE | OFFLINE, BASE | COVER_OPEN, BASE, BASE),
    # Offline on an error that clears by itself (e.g. print head too hot).
    "offline": (BASE | OFFLINE, BASE | ERROR, BASE | AUTO_RECOVERABLE, BASE),
    "error": (BASE | OFFLINE, BASE | ERROR, BASE | UNRECOVERABLE, BASE),
}
# Scenarios that change how the connection behaves; they answer like "ready".
BEHAVIOURS = ("silent", "drop", "slow", "refuse", "deaf", "hangup")
CUT = b"\x1dV"  # GS V: the last command of a job with a cut
TCP_ESTABLISHED = 1  # tcpi_state, the first byte of TCP_INFO (Linux)
SCENARIOS = tuple(STATUS) + BEHAVIOURS


def status_byte(scenario: str, n: int, *, near_end: bool = False) -> int:
    """The byte a printer in ``scenario`` answers to DLE EOT n."""
    value = STATUS.get(scenario, STATUS["ready"])[n - 1]
    if near_end and n == 4:
        value |= NEAR_END
    return value


class LoopbackPrinter:
    """``with LoopbackPrinter("paper_out") as peer: Network(peer.host, peer.port)...``"""

    def __init__(self, scenario: str = "ready", *, near_end: bool = False,
                 drop_after: int | None = None, delay: float = 0.0,
                 rcvbuf: int | None = None, reset: bool = True):
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; one of {SCENARIOS}")
        self.scenario = scenario  # may be changed while running; read at every query
        self.near_end = near_end
        self.drop_after = 64 if drop_after is None else drop_after
        self.delay = delay  # "slow" waits this long (2 s when 0) before each answer
        self.reset = reset  # "hangup": a TCP reset (True) or a plain close
        self.hung_up = 0  # connections "hangup" dropped after a whole job
        self.host = "127.0.0.1"
        self._lock = threading.Lock()
        self._raw: list[bytearray] = []  # per connection, as received
        self._print: list[bytearray] = []  # per connection, without the status queries
        self._finished = 0  # connections that have ended
        self.queries: list[int] = []  # every DLE EOT n answered (or ignored, when silent)
        self._stop = threading.Event()
        self._conn: socket.socket | None = None
        self._thread: threading.Thread | None = None

        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if rcvbuf is not None:  # accepted connections inherit it (Linux doubles it)
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self._listener.bind((self.host, 0))
        self.port = self._listener.getsockname()[1]
        if scenario == "refuse":
            # The port was free a moment ago and nothing listens on it now: connect() is refused.
            self._listener.close()
            self._listener = None
            return
        self._listener.listen(4)
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, name="loopback-printer", daemon=True)
        self._thread.start()

    # --- what the printer got -----------------------------------------------------------
    @property
    def jobs(self) -> list[bytes]:
        with self._lock:
            return [bytes(job) for job in self._raw]

    @property
    def received(self) -> bytes:
        return b"".join(self.jobs)

    @property
    def print_jobs(self) -> list[bytes]:
        with self._lock:
            return [bytes(job) for job in self._print]

    @property
    def received_print_bytes(self) -> bytes:
        return b"".join(self.print_jobs)

    def wait_for_jobs(self, count: int = 1, timeout: float = 2.0) -> list[bytes]:
        """Wait until ``count`` connections have ended; the client closing first is not
        enough, the peer may still be reading what it sent."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._finished >= count:
                    break
            time.sleep(0.01)
        else:
            raise TimeoutError(f"{self._finished} of {count} jobs finished")
        return self.jobs

    def connections_ended(self, count: int = 1, timeout: float = 2.0) -> bool:
        """True once ``count`` connections have ended (within ``timeout``)."""
        try:
            self.wait_for_jobs(count, timeout)
        except TimeoutError:
            return False
        return True

    # --- lifecycle ----------------------------------------------------------------------
    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the server thread --------------------------------------------------------------
    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._raw.append(bytearray())
                self._print.append(bytearray())
            try:
                self._serve_connection(conn, len(self._raw) - 1)
            except OSError:
                pass  # the client reset the connection: the job simply ends
            finally:
                conn.close()
                with self._lock:
                    self._finished += 1

    def _serve_connection(self, conn: socket.socket, job: int) -> None:
        if self.scenario == "deaf":
            self._stay_deaf(conn)
            return
        conn.settimeout(0.05)  # wake up regularly to notice close()
        pending = b""  # the start of a DLE EOT split across two reads
        received = 0
        while not self._stop.is_set():
            size = 4096
            if self.scenario == "slow":
                size = 64
            elif self.scenario == "drop":
                size = max(self.drop_after - received, 0)
                if size == 0:
                    self._reset(conn)
                    return
            try:
                chunk = conn.recv(size)
            except TimeoutError:
                continue
            if not chunk:
                break
            received += len(chunk)
            with self._lock:
                self._raw[job] += chunk
            pending = self._scan(conn, job, pending + chunk)
            if self._job_done(job):
                self._hang_up(conn)
                return
            if self.scenario == "slow":
                time.sleep(0.01)
        with self._lock:
            self._print[job] += pending

    def _stay_deaf(self, conn: socket.socket) -> None:
        """Read nothing; notice only that the client closed (FIN) or reset the connection."""
        while not self._stop.wait(0.02):
            info = conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
            if info[0] != TCP_ESTABLISHED:
                return

    def _job_done(self, job: int) -> bool:
        if self.scenario != "hangup":
            return False
        with self._lock:
            return CUT in self._print[job]

    def _hang_up(self, conn: socket.socket) -> None:
        self.hung_up += 1
        if self.reset:
            self._reset(conn)

    def _scan(self, conn: socket.socket, job: int, data: bytes) -> bytes:
        """Answer the status queries in ``data``, keep the rest as print bytes; return an
        unfinished DLE [EOT] tail to be completed by the next read."""
        out = bytearray()
        i = 0
        while i < len(data):
            if data[i] == 0x10 and len(data) - i < 3 and data[i + 1:i + 2] in (b"", b"\x04"):
                break
            if data[i:i + 2] == b"\x10\x04" and 1 <= data[i + 2] <= 4:
                if self.scenario == "hangup" and CUT in bytes(self._print[job][-1:]) + out:
                    # The job is in: the printer hangs up and answers nothing after it.
                    out += data[i:]
                    i = len(data)
                    break
                self._answer(conn, data[i + 2])
                i += 3
                continue
            out.append(data[i])
            i += 1
        with self._lock:
            self._print[job] += out
        return data[i:]

    def _answer(self, conn: socket.socket, n: int) -> None:
        self.queries.append(n)
        scenario = self.scenario
        if scenario == "silent":
            return
        if scenario == "slow":
            self._stop.wait(self.delay or 2.0)
        conn.sendall(bytes([status_byte(scenario, n, near_end=self.near_end)]))

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        # Linger 0 turns close() into a TCP reset, as when a printer is switched off mid-job:
        # the client's next send fails instead of filling kernel buffers unnoticed.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
