"""The admin PIN: salted scrypt hash, the lockout kept in the audit log, `kiosk admin`."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from kiosk.ops import admin as admin_module
from kiosk.ops.admin import (
    Admin,
    PinError,
    check_new_pin,
    hash_pin,
    pin_file,
    verify_pin,
    write_pin,
)

PIN = "246813"


class Clock:
    def __init__(self):
        self.t = dt.datetime(2026, 11, 24, 9, 0)

    def __call__(self):
        return self.t

    def advance(self, seconds):
        self.t += dt.timedelta(seconds=seconds)


@pytest.fixture
def admin(core, monkeypatch):
    # These tests are about the lockout, not the hash: a cheap cost keeps 100 attempts quick.
    # The real cost has tests of its own below.
    monkeypatch.setattr(admin_module, "SCRYPT_N", 2 ** 12)
    write_pin(pin_file(core.config), PIN)
    clock = Clock()
    a = Admin(core.Session, core.config, now=clock)
    a.clock = clock
    return a


def test_the_pin_is_stored_only_as_a_salted_scrypt_hash(tmp_path):
    a, b = hash_pin(PIN), hash_pin(PIN)
    assert a != b, "a fresh salt each time"
    assert a.startswith("scrypt$131072$8$1$") and PIN not in a
    assert verify_pin(PIN, a) and verify_pin(PIN, b)
    assert not verify_pin("246814", a) and not verify_pin(PIN, "garbage")
    path = tmp_path / "pin"
    write_pin(path, PIN)
    assert PIN not in path.read_text() and oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_stolen_pin_file_costs_128_mib_of_memory_per_guess(tmp_path):
    """At 16 MiB (about 40 ms) a guess, every 6-digit PIN fell in about 11 core-hours. The
    time per guess is measured in bench/pin.py; here the cost written into the file."""
    path = tmp_path / "pin"
    write_pin(path, PIN)
    _, n, r, p, _, _ = path.read_text().strip().split("$")
    assert 128 * int(r) * int(n) >= 128 * 2 ** 20
    assert int(p) >= 1 and verify_pin(PIN, path.read_text())


def test_an_old_cheaper_hash_still_opens_the_pad_and_is_rewritten_at_the_new_cost(core):
    import base64
    import hashlib

    salt = b"0123456789abcdef"
    old = hashlib.scrypt(PIN.encode(), salt=salt, n=2 ** 14, r=8, p=1, dklen=32)
    path = pin_file(core.config)
    path.parent.mkdir(parents=True, exist_ok=True)
    stored = (f"scrypt$16384$8$1${base64.b64encode(salt).decode()}$"
              f"{base64.b64encode(old).decode()}\n")
    path.write_text(stored)
    a = Admin(core.Session, core.config)
    assert not a.check_pin("000111").ok
    assert path.read_text() == stored, "a wrong PIN changes nothing"
    assert a.check_pin(PIN).ok
    assert path.read_text().startswith("scrypt$131072$8$1$")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert a.check_pin(PIN).ok
    assert a.recent(2)[1].action == "set_pin"


def test_a_pin_file_asking_for_absurd_memory_is_refused_not_run():
    salt = "MDEyMzQ1Njc4OWFiY2RlZg=="
    assert not verify_pin(PIN, f"scrypt${2 ** 24}$8$1${salt}$AAAA")


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "12a456", "111111", "123456",
                                 "987654", ""])
def test_weak_or_malformed_pins_are_refused(pin):
    with pytest.raises(PinError):
        check_new_pin(pin)


def test_five_wrong_pins_lock_for_five_minutes_and_the_lock_survives_a_restart(admin, core):
    for left in (4, 3, 2, 1):
        r = admin.check_pin("000111")
        assert not r.ok and r.attempts_left == left
    r = admin.check_pin("000111")
    assert not r.ok and r.locked_for == 300
    assert not admin.check_pin(PIN).ok, "the right PIN is refused while locked"
    restarted = Admin(core.Session, core.config, now=admin.clock)
    admin.clock.advance(200)
    assert restarted.lock_remaining() == 100
    assert restarted.check_pin(PIN).locked_for == 100
    admin.clock.advance(101)
    assert restarted.lock_remaining() == 0
    assert restarted.check_pin(PIN).ok
    outcomes = [r.outcome for r in reversed(restarted.recent(20)) if r.action == "pin"]
    assert outcomes == ["wrong"] * 5 + ["lockout", "locked", "locked", "ok"]


def test_after_a_lockout_or_a_success_the_count_starts_again(admin):
    for _ in range(4):
        admin.check_pin("000111")
    assert admin.check_pin(PIN).ok
    for left in (4, 3):
        assert admin.check_pin("000111").attempts_left == left
    for _ in range(3):
        admin.check_pin("000111")
    assert admin.lock_remaining() == 300
    admin.clock.advance(301)
    assert admin.check_pin("000111").attempts_left == 4, "a full set of tries after the lock"


def test_no_pin_set_means_no_way_in(core):
    a = Admin(core.Session, core.config)
    assert not a.has_pin()
    r = a.check_pin("")
    assert not r.ok and r.no_pin
    assert a.recent(1)[0].outcome == "no_pin"


def _kiosk(*args, data_dir, stdin=""):
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120)


def test_kiosk_admin_set_pin_reads_stdin_and_writes_only_the_hash(tmp_path):
    r = _kiosk("admin", "set-pin", data_dir=tmp_path, stdin=PIN + "\n")
    assert r.returncode == 0, r.stderr
    stored = (tmp_path / "admin_pin").read_text()
    assert verify_pin(PIN, stored) and PIN not in stored
    assert PIN not in r.stdout + r.stderr
    r = _kiosk("admin", "set-pin", data_dir=tmp_path, stdin="1111\n")
    assert r.returncode == 2 and "6 to 12 digits" in r.stderr
    assert verify_pin(PIN, (tmp_path / "admin_pin").read_text()), "the old PIN stays"
    audit = json.loads(_kiosk("admin", "audit", "--json", data_dir=tmp_path).stdout)
    assert audit[0]["action"] == "set_pin" and audit[0]["outcome"] == "ok"
    # There is no way to give the PIN as an argument (it would show in ps and shell history).
    r = _kiosk("admin", "set-pin", PIN, data_dir=tmp_path)
    assert r.returncode == 2 and "unrecognized arguments" in r.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as `sudo kiosk admin set-pin`")
def test_root_setting_the_pin_leaves_no_root_owned_files_in_the_kiosks_data(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 65534, 65534)  # the kiosk user's folder
    pin = tmp_path / "etc" / "admin_pin"
    r = _kiosk("admin", "set-pin", "--pin-file", str(pin), data_dir=data, stdin=PIN + "\n")
    assert r.returncode == 0, r.stderr
    assert verify_pin(PIN, pin.read_text())
    assert list(data.iterdir()) == [], "no database created by root"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as the install script")
def test_root_sets_the_pin_readable_by_the_kiosk_user_alone(tmp_path):
    import pwd

    pin = tmp_path / "etc" / "admin_pin"
    r = _kiosk("admin", "set-pin", "--pin-file", str(pin), "--owner", "nobody",
               data_dir=tmp_path / "data", stdin=PIN + "\n")
    assert r.returncode == 0, r.stderr
    st = pin.stat()
    assert st.st_uid == pwd.getpwnam("nobody").pw_uid and st.st_mode & 0o777 == 0o600
    r = _kiosk("admin", "set-pin", "--pin-file", str(pin), "--owner", "no-such-user",
               data_dir=tmp_path / "data", stdin="482915\n")
    assert r.returncode == 2 and "no user 'no-such-user'" in r.stderr
    assert verify_pin(PIN, pin.read_text()), "the old PIN stays"


def test_taps_while_locked_never_lift_the_lock(admin):
    """Each tap on OK while locked writes a `locked` row; once the lock was read from the last
    few rows only, six such taps pushed the lockout out of sight and reopened the pad."""
    for _ in range(5):
        admin.check_pin("000111")
    assert admin.lock_remaining() == 300
    for _ in range(6):
        assert admin.check_pin("000111").locked_for > 0
    assert admin.lock_remaining() == 300
    assert not admin.check_pin(PIN).ok, "the right PIN must wait for the lock to end"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_hundred_wrong_pins_in_any_rhythm_get_at_most_five_tries_in_five_minutes(admin, seed):
    import random

    rng = random.Random(seed)
    for _ in range(100):
        admin.clock.advance(rng.choice([0.2, 1, 5, 30, 61, 299, 301]))
        assert not admin.check_pin(f"{rng.randrange(10 ** 6):06d}").ok
    pins = [e for e in reversed(admin.recent(500)) if e.action == "pin"]
    assert len([e for e in pins if e.outcome in ("wrong", "locked")]) == 100, \
        "every attempt is in the audit log"
    tried = [e.at for e in pins if e.outcome == "wrong"]  # PINs really checked
    for i, t in enumerate(tried):
        in_window = [u for u in tried[i:] if (u - t).total_seconds() < 300]
        assert len(in_window) <= 5, f"{len(in_window)} tries within 5 minutes from {t}"
