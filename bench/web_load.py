"""The live queue page under load: phones following it with server-sent events while desks
call, against the same phones polling the page every few seconds, measured in the same run.

    .venv/bin/python bench/web_load.py [--clients 300] [--calls 20] [--poll 5]
                                       [--interval 1] [--ticket-share 0.1] [--idle 10]

A private PostgreSQL (tests/pg.py) holds a queue with the bundled sample's categories open
(the office clock frozen to a Monday 10:00) and tickets waiting in them. Each mode starts
`kiosk web` afresh as its own process, then:

- `sse`: `--clients` connections on loopback each follow an event stream: most the front page
  (`/events`), a `--ticket-share` of them one waiting ticket each (`/t/<token>/events`).
- `poll`: the same clients GET the page itself (`/`, `/t/<token>`) every `--poll` seconds,
  each starting at a random moment of the interval, a new connection each time (as nginx
  talks to the site without upstream keep-alive).

Then a desk calls `--calls` times, one call every `--interval` seconds or as fast as
`kiosk desk call` runs (a subprocess, as at a desk), always the letter the clients watch. A
client has seen call i when the number it watches (the letter's people waiting on the front
page, the people ahead on a ticket page) has dropped by i. The clock of a call starts when
its notification reaches a LISTEN connection of the benchmark's own (a thread): the moment
the desk's transaction commits, give or take a millisecond.

Printed, per mode and as a ratio SSE / polling:
- call -> every client updated: the time until the last client saw the call, p50 and p95
  over the calls, and the worst call; the same for the front-page and the ticket-page
  clients apart; call -> the first client (the server's own reaction), and call -> a client,
  the median over every (call, client) pair;
- the server process (/proc/<pid>): its CPU as a share of one core with the clients on and
  no calls (`--idle` seconds: what keeping the phones costs), and over the calls (from the
  first call to `--poll` seconds after the last, the same window in both modes; also divided
  by the calls); its RSS idle before the clients, the highest while they follow, and after
  they left; its open files and its PostgreSQL connections at the most (the site should hold
  one LISTEN connection and a small pool, whatever the number of phones);
- failed requests and the benchmark's own CPU (the client side shares the machine).

The machine is shared and its cores are few: run it twice, read the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import pct  # noqa: E402

MONDAY_10 = "2026-11-30T10:00:00+01:00"   # inside every sample category's hours
HOST = "127.0.0.1"
DESKS = 4
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- the clients -----------------------------------------------------------------------------

@dataclass
class Follower:
    """One phone: the page it follows and when it saw each call (1-based)."""

    path: str
    marker: re.Pattern[bytes]          # the number that drops by one at each call
    first: int | None = None
    last: int | None = None
    seen: dict[int, float] = field(default_factory=dict)
    errors: int = 0

    def saw(self, body: bytes, at: float) -> None:
        m = self.marker.search(body)
        if m is None:
            return
        value = int(m.group(1))
        if self.first is None:
            self.first = value
        self.last = value
        for i in range(1, self.first - value + 1):
            self.seen.setdefault(i, at)


def queue_marker(letter: str) -> re.Pattern[bytes]:
    return re.compile(rb'data-waiting="' + letter.encode() + rb'">(\d+)<')


TICKET_MARKER = re.compile(rb"data-ahead>(\d+)<")


def _request(path: str, *, stream: bool) -> bytes:
    accept = "text/event-stream" if stream else "text/html"
    close = "" if stream else "Connection: close\r\n"
    return (f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: {accept}\r\n"
            f"Accept-Language: pl-PL,pl;q=0.9\r\n{close}\r\n").encode()


async def _open(port: int, path: str, *, stream: bool):
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(_request(path, stream=stream))
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        writer.close()
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    return reader, writer, head


async def _chunks(reader: asyncio.StreamReader):
    """The body of a chunked response, chunk by chunk (Starlette streams one per event)."""
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return
        yield (await reader.readexactly(size + 2))[:-2]


def events_path(page: str) -> str:
    return "/events" if page == "/" else page + "/events"


async def follow_stream(f: Follower, port: int) -> None:
    """Follow `f.path`'s event stream until cancelled; reconnect as a browser would."""
    while True:
        writer = None
        try:
            reader, writer, _head = await _open(port, events_path(f.path), stream=True)
            pending = b""
            async for chunk in _chunks(reader):
                pending += chunk
                *events, pending = pending.split(b"\n\n")
                at = time.monotonic()
                for event in events:  # pings and the retry line carry no marker
                    f.saw(event, at)
        except (OSError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            f.errors += 1
            await asyncio.sleep(1)
        finally:
            if writer is not None:
                writer.close()


async def get_page(port: int, path: str) -> bytes:
    reader, writer, head = await _open(port, path, stream=False)
    try:
        return await reader.read()   # Connection: close, so the body ends at EOF
    finally:
        writer.close()


async def poll_page(f: Follower, port: int, every: float, offset: float) -> None:
    """GET `f.path` every `every` seconds, starting `offset` seconds in, until cancelled."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(offset)
    due = loop.time()
    while True:
        try:
            body = await get_page(port, f.path)
            f.saw(body, time.monotonic())
        except (OSError, asyncio.IncompleteReadError, ConnectionError):
            f.errors += 1
        due += every
        await asyncio.sleep(max(0.0, due - loop.time()))


async def wait_until(done, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            return False
        await asyncio.sleep(0.05)
    return True


# --- the server: start, stop, measure --------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_site(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    out = log.open("a")
    proc = subprocess.Popen([sys.executable, "-m", "entrypoints", "web", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"kiosk web did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


def stop_site(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cpu_seconds(pid: int) -> float:
    """User + system time of the process (all its threads), /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mib(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE_SIZE / 2**20


def sockets(pid: int, pg_port: int) -> tuple[int, int]:
    """(open files, connections to PostgreSQL) of the process: its socket inodes matched
    against /proc/<pid>/net/tcp."""
    inodes, files = set(), 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        files += 1
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    pg = 0
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        cols = line.split()
        if int(cols[2].split(":")[1], 16) == pg_port and cols[9] in inodes:
            pg += 1
    return files, pg


class Meter:
    """Samples the server's RSS, open files and PostgreSQL connections in a thread."""

    def __init__(self, pid: int, pg_port: int, every: float = 0.5):
        self.pid, self.pg_port, self.every = pid, pg_port, every
        self.rss_peak = self.files_peak = self.pg_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="meter")

    def _run(self) -> None:
        while not self._stop.is_set():
            files, pg = sockets(self.pid, self.pg_port)
            self.rss_peak = max(self.rss_peak, rss_mib(self.pid))
            self.files_peak, self.pg_peak = max(self.files_peak, files), max(self.pg_peak, pg)
            self._stop.wait(self.every)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# --- the desks -------------------------------------------------------------------------------

class CallClock:
    """LISTENs on the desks' channel on a connection of its own, in a thread, so that the
    moment a call commits is not late behind the clients' work on the event loop."""

    def __init__(self, pg_port: int, dbname: str):
        import psycopg

        from kiosk.queue.call_log import CHANNEL

        self.times: list[float] = []
        self._conn = psycopg.connect(host=HOST, port=pg_port, user="kiosk", dbname=dbname,
                                     autocommit=True)
        self._conn.execute(f"LISTEN {CHANNEL}")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="call-clock")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for _note in self._conn.notifies(timeout=0.2):
                self.times.append(time.monotonic())

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._conn.close()


async def desk_calls(n: int, every: float, letter: str, env: dict[str, str],
                     clock: CallClock) -> list[float]:
    """`kiosk desk call` n times, desks 1..DESKS in turn; the commit time of each call."""
    loop = asyncio.get_running_loop()
    first = len(clock.times)
    commits = []
    for i in range(n):
        due = loop.time() + every
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "entrypoints", "desk", "call", "--desk", str(1 + i % DESKS),
            "--categories", letter, env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"kiosk desk call failed: {err.decode()}{out.decode()}")
        if not await wait_until(lambda n=first + i: len(clock.times) > n, 5):
            raise RuntimeError("no notification of the call within 5 s")
        commits.append(clock.times[first + i])
        await asyncio.sleep(max(0.0, due - loop.time()))
    return commits


# --- one mode --------------------------------------------------------------------------------

@dataclass
class Site:
    env: dict[str, str]
    pg_port: int
    dbname: str
    letter: str
    tokens: list[str]
    log: Path


def followers(site: Site, clients: int, ticket_share: float) -> list[Follower]:
    n_tickets = min(len(site.tokens), round(clients * ticket_share))
    out = [Follower(f"/t/{t}", TICKET_MARKER) for t in site.tokens[:n_tickets]]
    out += [Follower("/", queue_marker(site.letter)) for _ in range(clients - n_tickets)]
    return out


def start_clients(mode: str, fs: list[Follower], port: int, poll: float) -> list[asyncio.Task]:
    rng = random.Random(24)
    if mode == "sse":
        return [asyncio.create_task(follow_stream(f, port)) for f in fs]
    return [asyncio.create_task(poll_page(f, port, poll, rng.uniform(0, poll))) for f in fs]


async def connect(mode: str, fs: list[Follower], port: int, poll: float):
    """Start the clients; the tasks, once every client has the page, and how long it took."""
    start = time.monotonic()
    tasks = start_clients(mode, fs, port, poll)
    if not await wait_until(lambda: all(f.first is not None for f in fs), poll + 60):
        missing = sum(f.first is None for f in fs)
        raise RuntimeError(f"{mode}: {missing} clients never got the page")
    return tasks, time.monotonic() - start


async def idle_cpu_share(pid: int, seconds: float) -> float:
    before = cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


async def calls_measured(pid: int, fs: list[Follower], site: Site, args,
                         clock: CallClock) -> tuple[list[float], dict]:
    """The desks' calls; their commit times, and the server's CPU over the window from the
    first call to `--poll` s after the last (once every client saw it)."""
    cpu, wall, bench = cpu_seconds(pid), time.monotonic(), time.process_time()
    commits = await desk_calls(args.calls, args.interval, site.letter, site.env, clock)
    await wait_until(lambda: all(len(f.seen) >= args.calls for f in fs), args.poll + 10)
    await asyncio.sleep(max(0.0, commits[-1] + args.poll - time.monotonic()))
    wall = time.monotonic() - wall
    return commits, {"cpu_share": (cpu_seconds(pid) - cpu) / wall,
                     "cpu_call": (cpu_seconds(pid) - cpu) / len(commits),
                     "bench_cpu": (time.process_time() - bench) / wall}


async def stop_clients(tasks: list[asyncio.Task]) -> None:
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def run_mode(mode: str, site: Site, args, clock: CallClock) -> dict:
    """One mode against a fresh `kiosk web`: the clients' delays and the server's figures."""
    port = free_port()
    proc = start_site(site.env, port, site.log)
    server: dict[str, float] = {}
    try:
        pid = proc.pid
        await asyncio.sleep(1)
        server["idle_rss"] = rss_mib(pid)
        fs = followers(site, args.clients, args.ticket_share)
        tasks, server["connected"] = await connect(mode, fs, port, args.poll)
        meter = Meter(pid, site.pg_port)
        meter.start()
        server["idle_cpu"] = await idle_cpu_share(pid, args.idle)
        commits, during = await calls_measured(pid, fs, site, args, clock)
        meter.stop()
        await stop_clients(tasks)
        await asyncio.sleep(2)
        server.update(during, after_rss=rss_mib(pid), peak_rss=meter.rss_peak,
                      files=meter.files_peak, pg=meter.pg_peak)
    finally:
        stop_site(proc)
    return summarise(mode, fs, commits, server)


def call_delays(fs: list[Follower], commits: list[float]) -> tuple[list[list[float]], int]:
    """Per call, each client's delay from the commit to seeing it; and the (call, client)
    pairs never seen."""
    per_call, missed = [], 0
    for i, committed in enumerate(commits, start=1):
        delays = [f.seen[i] - committed for f in fs if i in f.seen]
        missed += len(fs) - len(delays)
        per_call.append(delays)
    return per_call, missed


def spread(per_call: list[list[float]], pick) -> list[float]:
    return [pick(d) for d in per_call if d]


def summarise(mode: str, fs: list[Follower], commits: list[float], server: dict) -> dict:
    per_call, missed = call_delays(fs, commits)
    every = spread(per_call, max)
    front = spread(call_delays([f for f in fs if f.path == "/"], commits)[0], max)
    tickets = spread(call_delays([f for f in fs if f.path != "/"], commits)[0], max)
    r = {"mode": mode, "every_p50": pct(every, 0.5), "every_p95": pct(every, 0.95),
         "every_max": max(every), "first_p50": pct(spread(per_call, min), 0.5),
         "each_p50": pct([x for d in per_call for x in d], 0.5),
         "front_p95": pct(front, 0.95) if front else 0.0,
         "tickets_p95": pct(tickets, 0.95) if tickets else 0.0, "missed": missed,
         "errors": sum(f.errors for f in fs), **server}
    print(f"  {mode}: call -> every client p95 {r['every_p95'] * 1000:.0f} ms, server CPU "
          f"{r['cpu_share'] * 100:.1f}% of a core", file=sys.stderr)
    return r


# --- the queue -------------------------------------------------------------------------------

def prepare_queue(tmp: Path, pg_url: str, letter_wanted: str | None, tickets_needed: int,
                  followed: int) -> tuple[str, list[str]]:
    """Load the sample content, issue tickets: `tickets_needed` to be called and `followed`
    more behind them in the watched letter, a few in every other open letter. Returns the
    letter and the tokens of the followed tickets."""
    from kiosk.bootstrap import open_core
    from kiosk.config import load_config
    from kiosk.queue.service import open_queue

    cfg = load_config(tmp / "kiosk.toml")
    core = open_core(cfg)
    svc = open_queue(pg_url, core.content, kiosk_id="bench-kiosk", tz=cfg.office.timezone)
    try:
        open_letters = [c.letter for c in svc.status().categories
                        if c.availability is not None and c.availability.is_open]
        if not open_letters:
            raise RuntimeError("no queue category is open at the frozen time")
        letter = letter_wanted or open_letters[0]
        for other in open_letters:
            if other != letter:
                for _ in range(3):
                    svc.issue(other)
        for _ in range(tickets_needed):
            svc.issue(letter)
        tokens = [svc.issue(letter).token for _ in range(followed)]
        return letter, tokens
    finally:
        svc.close()
        core.close()


def site_env(tmp: Path, pg_url: str) -> dict[str, str]:
    config = tmp / "kiosk.toml"
    config.write_text(f'[queue]\nurl = "{pg_url}"\nkiosk_id = "bench-desk"\n', encoding="utf-8")
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp / "data"), "KIOSK_CONFIG": str(config),
           "KIOSK_TEST_NOW": MONDAY_10}
    os.environ.update({k: env[k] for k in ("KIOSK_DATA_DIR", "KIOSK_CONFIG", "KIOSK_TEST_NOW")})
    return env


# --- the table -------------------------------------------------------------------------------

def _ms(x: float) -> str:
    return f"{x * 1000:.0f} ms"


ROWS = [  # label, key, format
    ("call -> every client, p50", "every_p50", _ms),
    ("call -> every client, p95", "every_p95", _ms),
    ("call -> every client, worst", "every_max", _ms),
    ("call -> every front-page client, p95", "front_p95", _ms),
    ("call -> every ticket-page client, p95", "tickets_p95", _ms),
    ("call -> first client, p50", "first_p50", _ms),
    ("call -> a client, median", "each_p50", _ms),
    ("server CPU, clients on, no calls", "idle_cpu", lambda x: f"{x * 100:.1f}% core"),
    ("server CPU during calls", "cpu_share", lambda x: f"{x * 100:.1f}% core"),
    ("server CPU during calls / calls", "cpu_call", _ms),
    ("server RSS idle, no clients", "idle_rss", lambda x: f"{x:.1f} MiB"),
    ("server RSS peak, clients on", "peak_rss", lambda x: f"{x:.1f} MiB"),
    ("server RSS after clients left", "after_rss", lambda x: f"{x:.1f} MiB"),
    ("server open files, peak", "files", lambda x: f"{x:.0f}"),
    ("server PostgreSQL conns, peak", "pg", lambda x: f"{x:.0f}"),
    ("all clients have the page in", "connected", lambda x: f"{x:.1f} s"),
    ("calls seen by nobody/missed", "missed", lambda x: f"{x:.0f}"),
    ("failed requests", "errors", lambda x: f"{x:.0f}"),
    ("benchmark's own CPU", "bench_cpu", lambda x: f"{x * 100:.1f}% core"),
]


def print_table(sse: dict, poll: dict, args) -> None:
    header = ("", "SSE", f"polling {args.poll:g} s", "SSE / polling")
    table = [header]
    for label, key, fmt in ROWS:
        ratio = f"{sse[key] / poll[key]:.2f}x" if poll[key] else "-"
        table.append((label, fmt(sse[key]), fmt(poll[key]), ratio))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print(f"{args.clients} clients ({round(args.clients * args.ticket_share)} on ticket pages), "
          f"{args.calls} desk calls, one every {args.interval:g} s or as fast as "
          f"`kiosk desk call` runs; baseline: polling every {args.poll:g} s")
    for i, row in enumerate(table):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=300, help="phones following the page")
    ap.add_argument("--calls", type=int, default=20, help="desk calls per mode")
    ap.add_argument("--poll", type=float, default=5.0, help="polling interval, seconds")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between calls")
    ap.add_argument("--idle", type=float, default=10.0,
                    help="seconds with the clients on and no calls, for the CPU it costs")
    ap.add_argument("--ticket-share", type=float, default=0.1,
                    help="share of the clients following a ticket's page (default 0.1)")
    ap.add_argument("--letter", help="the letter the desks call (default: the first open)")
    args = ap.parse_args()

    from tests.pg import PgServer

    pg = PgServer(max_connections=100)
    try:
        with tempfile.TemporaryDirectory(prefix="web-load-") as name:
            tmp = Path(name)
            pg_url = pg.new_database()
            env = site_env(tmp, pg_url)
            followed = round(args.clients * args.ticket_share)
            letter, tokens = prepare_queue(tmp, pg_url, args.letter, 2 * args.calls + 1,
                                           followed)
            site = Site(env, pg.port, pg_url.rsplit("/", 1)[1], letter, tokens,
                        tmp / "web.log")
            print(f"  queue ready: letter {letter}, {2 * args.calls + 1 + followed} tickets",
                  file=sys.stderr)
            clock = CallClock(pg.port, site.dbname)
            try:
                sse = asyncio.run(run_mode("sse", site, args, clock))
                poll = asyncio.run(run_mode("poll", site, args, clock))
            finally:
                clock.close()
    finally:
        pg.stop()
    print_table(sse, poll, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
