"""Staff alerts reach the hall: a printer fault on one kiosk is seen by `kiosk alerts` and the
desk commands on another machine (its own data folder, the PostgreSQL queue shared); a resident
is told "Staff have been told" only when the alert really got there."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from kiosk.bootstrap import open_core
from kiosk.config import PrinterConfig, QueueConfig
from kiosk.printing.service import ASK_MESSAGES, FAULT_MESSAGES, PrinterState
from tests.printer_peer import LoopbackPrinter
from tests.test_queue_cli import kiosk

NOW = dt.datetime(2026, 11, 30, 10, 0)


def _machine(tmp_path, name: str, queue_url: str, printer: str = "") -> tuple:
    data = tmp_path / name
    data.mkdir()
    config = tmp_path / f"{name}.toml"
    config.write_text(f'[paths]\ndata_dir = "{data}"\n'
                      f'[queue]\nurl = "{queue_url}"\nkiosk_id = "{name}"\n{printer}',
                      encoding="utf-8")
    return data, config


def test_a_printer_fault_on_one_kiosk_is_listed_on_another_machine_of_the_hall(tmp_path,
                                                                                pg_url):
    with LoopbackPrinter("paper_out") as peer:
        printer = f'[printer]\nkind = "network"\nhost = "{peer.host}"\nport = {peer.port}\n'
        data1, cfg1 = _machine(tmp_path, "kiosk-hall-1", pg_url, printer)
        data2, cfg2 = _machine(tmp_path, "desk-3", pg_url)

        r = kiosk("ticket", "issue", "A", "--print", "--json", data_dir=data1, config=cfg1)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["print"]["state"] == "paper_out"

        r = kiosk("alerts", "--json", data_dir=data2, config=cfg2)
        assert r.returncode == 1, r.stderr  # staff must act
        hall = json.loads(r.stdout)["hall"]
        assert [(a["kiosk"], a["source"], a["kind"]) for a in hall] == [
            ("kiosk-hall-1", "printer", "paper_out")]

        # The desk that calls the ticket hears of it too.
        r = kiosk("desk", "call", "--desk", "3", data_dir=data2, config=cfg2)
        assert r.returncode == 0, r.stderr
        assert "A001 called" in r.stdout
        assert "1 staff alert open in the hall: kiosk alerts" in r.stdout

        # Paper put in: the next clean print clears it for the whole hall.
        peer.scenario = "ready"
        r = kiosk("ticket", "issue", "A", "--print", "--json", data_dir=data1, config=cfg1)
        assert json.loads(r.stdout)["print"]["ok"], r.stdout
    r = kiosk("alerts", data_dir=data2, config=cfg2)
    assert (r.returncode, r.stdout.strip()) == (0, "no open staff alerts")


def test_staff_have_been_told_only_when_the_alert_reached_the_hall(tmp_path, cfg, pg_url):
    with LoopbackPrinter("paper_out") as peer:
        printer = PrinterConfig(kind="network", host=peer.host, port=peer.port)
        # The hall's database is there: the resident may rely on staff knowing.
        core = open_core(replace(cfg, printer=printer, queue=QueueConfig(url=pg_url)),
                         load_bundled=False)
        try:
            result = core.printing.print_document(core.printing.test_page(NOW))
            assert (result.message, result.staff_told) == (
                FAULT_MESSAGES[PrinterState.PAPER_OUT], True)
        finally:
            core.close()

        # The hall's database is away (nothing listens on the port): the kiosk keeps its own
        # record, and the resident is asked to tell staff instead of being told they know.
        away = "postgresql+psycopg://kiosk@127.0.0.1:9/none?connect_timeout=2"
        core = open_core(replace(cfg, printer=printer, queue=QueueConfig(url=away)),
                         load_bundled=False)
        try:
            result = core.printing.print_document(core.printing.test_page(NOW))
            assert (result.message, result.staff_told) == (
                ASK_MESSAGES[PrinterState.PAPER_OUT], False)
            assert "Staff have been told" not in result.message
            assert [(a.source, a.kind) for a in core.alerts.open()] == [("printer", "paper_out")]
        finally:
            core.close()


def test_a_kiosk_gone_silent_is_an_alert_on_every_machine_and_a_clean_stop_is_not(tmp_path,
                                                                                  cfg, pg_url):
    from kiosk.ops.presence import sign_of_life
    from kiosk.queue.hall_alerts import HallAlerts, utc_now

    core = open_core(replace(cfg, queue=QueueConfig(url=pg_url, kiosk_id="kiosk-hall-2")),
                     load_bundled=False)
    try:
        sign_of_life(core)  # what the running kiosk does every 30 s
        desk = _machine(tmp_path, "desk-1", pg_url)
        r = kiosk("alerts", "--json", data_dir=desk[0], config=desk[1])
        assert (r.returncode, json.loads(r.stdout)["hall"]) == (0, []), r.stdout

        # Its last sign of life was ten minutes ago: frozen, or its power went.
        ten_minutes_ago = utc_now() - dt.timedelta(minutes=10)
        HallAlerts(core.queue._Session, "kiosk-hall-2", now=lambda: ten_minutes_ago).beat()
        r = kiosk("alerts", "--json", data_dir=desk[0], config=desk[1])
        assert r.returncode == 1
        [silent] = json.loads(r.stdout)["hall"]
        assert (silent["kiosk"], silent["kind"]) == ("kiosk-hall-2", "no_heartbeat")
        assert silent["detail"].startswith("no sign of life for 10 min")

        # Its disk fills up: the hall hears of that too, and of its end.
        full = replace(core.config, health=replace(core.config.health,
                                                   disk_min_free_mb=10 ** 9))
        core.config = full
        sign_of_life(core)
        kinds = {(a.kiosk_id, a.kind) for a in core.queue.hall_alerts.open()}
        assert kinds == {("kiosk-hall-2", "disk_low")}, kinds  # alive again: not silent
        core.config = replace(full, health=cfg.health)
        sign_of_life(core)
        assert core.queue.hall_alerts.open() == []

        # Stopped on purpose (systemctl stop): no alarm.
        core.queue.hall_alerts.leave()
        assert core.queue.hall_alerts.silent(after_seconds=0) == []
    finally:
        core.close()
