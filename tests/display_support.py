"""Helpers for the hall display tests and benchmark: the display as its own process (one Kivy
window per process) read back through its state file, desks calling from other processes, and
a TCP relay that can be cut to make the queue database unreachable for the display alone."""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Tuesday 24 November 2026, 10:00 office time: every sample letter takes tickets.
OPEN_NOW = "2026-11-24T10:00+01:00"


def write_config(path: Path, data_dir: Path, queue_url: str, **display) -> Path:
    lines = ["[paths]", f'data_dir = "{data_dir}"', "", "[queue]", f'url = "{queue_url}"',
             'kiosk_id = "test"', "", "[speech]", 'engines = ["espeak-ng"]', "", "[display]"]
    for key, value in display.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, (list, tuple)):
            lines.append(f"{key} = [{', '.join(json.dumps(v) for v in value)}]")
        else:
            lines.append(f"{key} = {value}")
    path.write_text("\n".join(lines) + "\n")
    return path


def env_for(config: Path) -> dict:
    env = {**os.environ, "KIOSK_CONFIG": str(config), "KIOSK_TEST_NOW": OPEN_NOW,
           "SDL_AUDIODRIVER": os.environ.get("SDL_AUDIODRIVER", "dummy")}
    env.pop("KIOSK_DATA_DIR", None)
    return env


def kiosk(config: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`kiosk ARGS` in a process of its own (a desk, a kiosk), as staff would type it."""
    r = subprocess.run([sys.executable, "-m", "entrypoints", *args], env=env_for(config), cwd=REPO,
                       capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"kiosk {' '.join(args)} exited {r.returncode}: {r.stderr[-1500:]}")
    return r


class DisplayProcess:
    """`kiosk display --windowed` under the tests' X server, observed through its state file."""

    def __init__(self, config: Path, workdir: Path):
        self.state_file = workdir / "display-state.json"
        self.log = (workdir / "display.log").open("w")
        env = {**env_for(config), "KIOSK_DISPLAY_STATE": str(self.state_file)}
        self.proc = subprocess.Popen([sys.executable, "-m", "entrypoints", "display", "--windowed"],
                                     env=env, cwd=REPO, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.log_path = workdir / "display.log"

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def wait_until(self, condition, timeout: float = 20.0, what: str = "") -> dict:
        end = time.monotonic() + timeout
        while True:
            st = self.state()
            if st and condition(st):
                return st
            if self.proc.poll() is not None:
                raise AssertionError(f"the display exited ({self.proc.returncode}):\n"
                                     f"{self.log_path.read_text()[-3000:]}")
            if time.monotonic() > end:
                raise AssertionError(f"still waiting for {what or condition} after {timeout} s; "
                                     f"state: {json.dumps(st, ensure_ascii=False)[:3000]}")
            time.sleep(0.03)

    def screenshot(self, target: Path, timeout: float = 10.0) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        request = self.state_file.with_name(self.state_file.name + ".shot")
        request.write_text(str(target.resolve()))
        end = time.monotonic() + timeout
        while request.exists() or not target.exists():
            if time.monotonic() > end:
                raise AssertionError("the display took no screenshot")
            time.sleep(0.05)
        return target

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.state_file.with_name(self.state_file.name + ".quit").write_text("")
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


def wav_facts(path: str | Path) -> tuple[float, int]:
    """(seconds, peak sample) of a 16-bit PCM WAV: is it real audio, and not silence?"""
    import array

    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2, f"{path}: not 16-bit PCM"
        frames = w.readframes(w.getnframes())
        seconds = w.getnframes() / w.getframerate()
    samples = array.array("h", frames)
    return seconds, max((abs(s) for s in samples), default=0)


class TcpRelay:
    """127.0.0.1:port -> target. `cut()` drops every connection and refuses new ones, as a
    pulled network cable would look to the display; `restore()` listens again, same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        # frozen: connections stay open but nothing gets through (packets swallowed)
        self.flowing = threading.Event()
        self.flowing.set()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.port = 0
        self.restore()

    def restore(self) -> None:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.port))
        ls.listen(16)
        self.port = ls.getsockname()[1]
        self._listener = ls
        threading.Thread(target=self._accept, args=(ls,), daemon=True).start()

    def _accept(self, ls: socket.socket) -> None:
        while True:
            try:
                client, _ = ls.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                self.flowing.wait()
                ready, _, _ = select.select([a, b], [], [], 0.2)
                if not self.flowing.is_set():
                    continue  # held back until thawed
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (b if s is a else a).sendall(data)
        except (OSError, ValueError):  # closed by cut()
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass

    def freeze(self) -> None:
        """Keep every connection open but let nothing through, like a network that swallows
        packets: the display's reads hang instead of failing."""
        self.flowing.clear()

    def thaw(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self.thaw()
        self.cut()
