"""Malformed configuration is refused naming the file and key; logs are JSON lines, rotated,
without personal data."""

import json
import logging
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from kiosk.config import ConfigError, KioskConfig, LoggingConfig, PathsConfig, load_config
from kiosk.ops.logs import JsonFormatter, log_file, setup_file_logging


@pytest.mark.parametrize("text, message", [
    ('[admin]\nmax_atempts = 3\n', "[admin] unknown key 'max_atempts'"),
    ('[admin]\nlockout_seconds = "5 min"\n', "[admin] lockout_seconds must be a whole number"),
    ('[admin]\npin_file = 5\n', "[admin] pin_file must be a path string"),
    ('[admin]\nmax_attempts = 0\n', "[admin] max_attempts must be at least 1"),
    ('[logging]\nlevel = "LOUD"\n', "[logging] level must be DEBUG, INFO, WARNING or ERROR"),
    ('[logging]\nbackups = true\n', "[logging] backups must be a whole number"),
    ('[health]\ndisk_min_free_mb = 1.5\n', "[health] disk_min_free_mb must be a whole number"),
    ('[health]\nheartbeat_seconds = 30\nheartbeat_stale_seconds = 20\n',
     "heartbeat_stale_seconds longer than heartbeat_seconds"),
    ('[health]\ncheck_timeout = 0\n', "[health] check_timeout must be a number of seconds"),
    ('[printer]\nport = "9100"\n', "[printer] port must be a whole number"),
    ('[queue]\nurl = 5\n', "[queue] url must be a string"),
    ('[sync]\nrender_audio = "yes"\n', "[sync] render_audio must be true or false"),
    ('[helth]\n', "unknown section [helth]"),
    ('admin = 5\n', "[admin] must be a table"),
])
def test_malformed_config_names_the_file_and_the_key(tmp_path, text, message):
    f = tmp_path / "kiosk.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert message in str(err.value) and str(f) in str(err.value)


def test_a_missing_config_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize("args", [["status"], ["run", "--windowed"]])
def test_the_commands_exit_2_with_the_key_in_the_message(tmp_path, args):
    f = tmp_path / "kiosk.toml"
    f.write_text('[admin]\nidle_seconds = "long"\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "entrypoints", "--config", str(f), *args],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert f"configuration error: {f}: [admin] idle_seconds must be a whole number" in r.stderr
    r = subprocess.run([sys.executable, "-m", "entrypoints", "--config", str(tmp_path / "x.toml"),
                        *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "x.toml: configuration file not found" in r.stderr


def _cfg(tmp_path, **kw) -> KioskConfig:
    return replace(KioskConfig(), paths=PathsConfig(data_dir=tmp_path),
                   logging=LoggingConfig(**kw))


def test_logs_are_json_lines_with_traceback_and_extra_fields(tmp_path):
    cfg = _cfg(tmp_path)
    path = setup_file_logging(cfg)
    log = logging.getLogger("kiosk.test")
    try:
        log.info("printer %s", "ready", extra={"event": "printer", "jobs": 3})
        try:
            _ = 1 / 0
        except ZeroDivisionError:
            log.exception("it broke")
    finally:
        setup_file_logging(_cfg(tmp_path / "elsewhere"))  # detach from this file
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    first, second = lines[-2], lines[-1]
    assert first["message"] == "printer ready" and first["event"] == "printer"
    assert first["jobs"] == 3 and first["level"] == "INFO" and first["logger"] == "kiosk.test"
    assert "ZeroDivisionError" in second["traceback"]


def test_logs_rotate_and_keep_the_configured_number_of_files(tmp_path):
    cfg = _cfg(tmp_path, max_bytes=10_000, backups=2)
    path = setup_file_logging(cfg)
    log = logging.getLogger("kiosk.rotation")
    try:
        for i in range(400):
            log.warning("line %d %s", i, "x" * 100)
    finally:
        setup_file_logging(_cfg(tmp_path / "elsewhere"))
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]
    for p in path.parent.iterdir():
        assert p.stat().st_size <= 10_000 + 300
        for line in p.read_text().splitlines():
            json.loads(line)  # every rotated line is whole JSON


def test_calling_setup_twice_does_not_duplicate_lines(tmp_path):
    cfg = _cfg(tmp_path)
    setup_file_logging(cfg)
    setup_file_logging(cfg)
    logging.getLogger("kiosk.once").warning("once")
    setup_file_logging(_cfg(tmp_path / "elsewhere"))
    assert log_file(cfg).read_text().count('"once"') == 1


def test_formatter_keeps_non_ascii_readable():
    rec = logging.LogRecord("k", logging.INFO, "f", 1, "Urząd %s", ("Piotrków",), None)
    assert json.loads(JsonFormatter().format(rec))["message"] == "Urząd Piotrków"


def test_kiosk_run_writes_its_log_file(tmp_path, monkeypatch):
    """`kiosk run` sets the file up (the UI test checks crash lines in it)."""
    from entrypoints import cli

    seen = {}
    monkeypatch.setattr(cli, "cmd_run", lambda args, cfg: seen.setdefault("cfg", cfg) and 0)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    try:
        cli.main(["run"])
        logging.getLogger("kiosk.x").warning("hello")
        assert "hello" in (tmp_path / "logs" / "kiosk.log").read_text()
    finally:
        setup_file_logging(_cfg(tmp_path / "elsewhere"))
    assert os.path.exists(tmp_path / "logs")
