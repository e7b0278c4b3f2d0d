"""The live queue page in a real browser: Debian's Chromium, headless, driven by Playwright (the
system browser; `playwright install` is never run). `kiosk web` runs as its own process over a
real PostgreSQL queue, and a desk calls with `kiosk desk call` from another process: the front
page and the ticket's page follow within 2 s, without a reload. A phone-sized screenshot goes
to test-artifacts/screenshots/web-queue-pl.png.

Skipped, with the reason, when /usr/bin/chromium or the playwright package is missing
(scripts/setup.sh installs both: `apt-get install chromium`, `pip install playwright`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.queue_support import MONDAY, Clock, StaticContent, at, category, service

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
MONDAY_10 = "2026-11-30T10:00:00+01:00"
SHOTS = Path("test-artifacts/screenshots")
PHONE = {"width": 390, "height": 844}

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright package is missing (pip install playwright)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, pg_url: str) -> dict[str, str]:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[queue]\nurl = "{pg_url}"\nkiosk_id = "desk-pc"\n', encoding="utf-8")
    return {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data"), "KIOSK_CONFIG": str(config),
            "KIOSK_TEST_NOW": MONDAY_10}


def _kiosk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env, timeout=60)


@pytest.fixture
def site(tmp_path, pg_url):
    """`kiosk web` on a free port over the PostgreSQL queue with two tickets of A waiting, and
    Chromium; yields (base URL, env for other `kiosk` commands, the first ticket, browser)."""
    env = _env(tmp_path, pg_url)
    port = _free_port()
    log = (tmp_path / "web.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "entrypoints", "web", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        # While the site starts (content, schema): two tickets, as a kiosk issues them, and
        # the browser.
        svc = service(pg_url, content=StaticContent(category("A")), clock=Clock(at(MONDAY, 10)))
        mine = svc.issue("A")
        svc.issue("A")
        svc.close()
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                _wait_until_up(base, proc, tmp_path / "web.log")
                yield base, env, mine, browser
            finally:
                # Closed before the site stops: uvicorn gives open streams 3 s to end.
                browser.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            # uvicorn ends a clean stop by re-raising the SIGTERM it caught.
            assert proc.wait(10) in (0, -signal.SIGTERM), (tmp_path / "web.log").read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
            log.close()


def _wait_until_up(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "kiosk web did not answer within 30 s"
        time.sleep(0.1)


def _waits_for(page, selector: str, text: str, seconds: float) -> float:
    """Seconds until `selector` shows `text` (fails after `seconds`)."""
    start = time.monotonic()
    page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel)]"
        ".some(e => e.textContent.replace(/\\s+/g, ' ').includes(text))",
        arg=[selector, text], timeout=seconds * 1000, polling=50)
    return time.monotonic() - start


def test_the_page_follows_a_desk_call_within_2_s_without_a_reload(site):
    base, env, mine, browser = site
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2,
                              locale="pl-PL", color_scheme="light")
    front, ticket = ctx.new_page(), ctx.new_page()
    front.goto(base + "/")
    ticket.goto(f"{base}/t/{mine.token}")
    assert front.locator("html").get_attribute("lang") == "pl"
    _waits_for(front, "#cat-A [data-waiting]", "2", 3)
    _waits_for(ticket, "[data-ahead]", "0", 3)
    assert "Dziś jeszcze nikt nie został wywołany" in front.inner_text("#cat-A")
    for page in (front, ticket):  # gone after a reload
        page.evaluate("window.__notReloaded = true")

    r = _kiosk("desk", "call", "--desk", "3", env=env)
    assert r.returncode == 0, r.stderr
    took = _waits_for(front, "#cat-A .calls .newest", "A001 stanowisko 3", 2)
    took = max(took, _waits_for(ticket, ".status", "Zapraszamy do stanowiska 3", 2))
    assert took < 2
    _waits_for(front, "#cat-A [data-waiting]", "1", 2)
    for page in (front, ticket):
        assert page.evaluate("window.__notReloaded") is True

    SHOTS.mkdir(parents=True, exist_ok=True)
    front.screenshot(path=str(SHOTS / "web-queue-pl.png"))
    ticket.screenshot(path=str(SHOTS / "web-ticket-pl.png"))
    # The page fits a phone: nothing wider than the screen.
    assert front.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    front.goto(base + "/?lang=en")
    assert front.locator("html").get_attribute("lang") == "en"
    _waits_for(front, "#cat-A .calls .newest", "A001 desk 3", 2)
    # A phone set to Ukrainian gets Ukrainian without asking.
    uk_ctx = browser.new_context(viewport=PHONE, locale="uk-UA")
    uk = uk_ctx.new_page()
    uk.goto(base + "/")
    _waits_for(uk, "#cat-A .calls .newest", "A001 вікно 3", 2)
    assert "Очікують" in uk.inner_text("#cat-A")
    uk_ctx.close()
    ctx.close()
