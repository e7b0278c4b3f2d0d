"""The deploy/ files a Debian kiosk machine is set up with: units that systemd accepts and that
say what the README promises, a udev rule in the right syntax, shell scripts that parse, and
the production config that loads."""

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk import PROJECT_ROOT
from kiosk.config import load_config
from kiosk.ops.admin import EXIT_RESTART, EXIT_TO_DESKTOP

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = ("bom-kiosk.service", "bom-kiosk-sync.service", "bom-kiosk-sync.timer")


def unit(name: str) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    cp.optionxform = str  # systemd keys are case-sensitive
    cp.read(DEPLOY / name, encoding="utf-8")
    return cp


def test_the_kiosk_service_restarts_on_failure_but_not_after_exit_to_desktop():
    s = unit("bom-kiosk.service")["Service"]
    assert s["Restart"] == "always" and s["User"] == "kiosk"
    assert s["RestartPreventExitStatus"].split() == [str(EXIT_TO_DESKTOP)]
    assert EXIT_RESTART != EXIT_TO_DESKTOP
    assert s["Type"] == "notify" and int(s["WatchdogSec"]) >= 30  # heartbeat: every 10 s
    assert s["Environment"]  # KIOSK_CONFIG etc. (several lines)
    text = (DEPLOY / "bom-kiosk.service").read_text()
    assert "Environment=KIOSK_CONFIG=/etc/bom-kiosk/kiosk.toml" in text
    assert s["ProtectSystem"] == "strict" and s["NoNewPrivileges"] == "true"
    assert s["StateDirectory"] == "bom-kiosk" and s["LogsDirectory"] == "bom-kiosk"
    assert unit("bom-kiosk.service")["Unit"]["StartLimitIntervalSec"] == "0"


def test_the_sync_runs_nightly():
    t = unit("bom-kiosk-sync.timer")["Timer"]
    assert re.fullmatch(r"\*-\*-\* 0[0-5]:\d\d:\d\d", t["OnCalendar"])
    assert t["Persistent"] == "true"
    assert unit("bom-kiosk-sync.service")["Service"]["User"] == "kiosk"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_accepts_the_units(tmp_path):
    # The paths point at /opt/bom-kiosk; verify checks ExecStart= binaries exist, so the copy
    # points at this checkout instead.
    for name in UNITS:
        text = (DEPLOY / name).read_text().replace("/opt/bom-kiosk/.venv/bin/kiosk",
                                                     shutil.which("true"))
        text = text.replace("/opt/bom-kiosk/deploy/wait-for-x.sh",
                            str(DEPLOY / "wait-for-x.sh")).replace("/opt/bom-kiosk", "/tmp")
        (tmp_path / name).write_text(text)
    r = subprocess.run(["systemd-analyze", "verify", *[str(tmp_path / n) for n in UNITS]],
                       capture_output=True, text=True, timeout=60)
    problems = [line for line in r.stderr.splitlines()
                if "Unknown" in line or "Failed" in line or "Invalid" in line
                or "not valid" in line or "bad" in line.lower()]
    assert r.returncode == 0 and not problems, r.stderr


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_verify_would_catch_a_broken_unit(tmp_path):
    bad = tmp_path / "bad.service"
    bad.write_text("[Service]\nExecStart=/bin/true\nRestartt=always\n")
    r = subprocess.run(["systemd-analyze", "verify", str(bad)], capture_output=True,
                       text=True, timeout=60)
    assert "Unknown key 'Restartt'" in r.stderr  # and the check above looks for 'Unknown'


def test_getty_override_autologs_the_kiosk_user():
    s = unit("getty-autologin.conf")
    lines = (DEPLOY / "getty-autologin.conf").read_text().splitlines()
    starts = [x for x in lines if x.startswith("ExecStart=")]
    assert starts[0] == "ExecStart=", "the stock ExecStart is cleared first"
    assert "--autologin kiosk" in starts[1]
    assert "Service" in s


UDEV_KEYS = {"SUBSYSTEM", "ENV", "ATTRS", "KERNEL", "MODE", "GROUP", "SYMLINK", "TAG"}


def test_udev_rule_syntax():
    rules = [x for x in (DEPLOY / "99-bom-kiosk-printer.rules").read_text().splitlines()
             if x.strip() and not x.startswith("#")]
    assert rules
    pair = re.compile(r'^(\w+)(\{[\w.]+\})?(==|!=|\+=|:=|=)"([^"]*)"$')
    for rule in rules:
        for part in [p.strip() for p in rule.split(",")]:
            m = pair.match(part)
            assert m, f"not a udev key=value: {part!r}"
            key, _attr, op, value = m.groups()
            assert key in UDEV_KEYS, key
            if key in ("MODE",):
                assert op == "=" and re.fullmatch(r"0[0-7]{3}", value)
            if key == "ATTRS" and _attr in ("{idVendor}", "{idProduct}"):
                assert re.fullmatch(r"[0-9a-f]{4}", value)
        assert 'GROUP="lp"' in rule and 'MODE="0660"' in rule


@pytest.mark.skipif(not shutil.which("udevadm"), reason="udevadm not installed")
def test_udevadm_accepts_the_rule(tmp_path):
    r = subprocess.run(["udevadm", "verify", str(DEPLOY / "99-bom-kiosk-printer.rules")],
                       capture_output=True, text=True)
    if "Unknown command" in r.stderr or "invalid" in r.stderr.lower() and "verify" in r.stderr:
        pytest.skip("this udevadm has no verify command")
    assert r.returncode == 0, r.stderr


def test_the_scripts_parse_and_the_session_turns_blanking_off():
    for script in ("install.sh", "wait-for-x.sh", "xinitrc", "bash_profile"):
        r = subprocess.run(["bash", "-n", str(DEPLOY / script)], capture_output=True,
                           text=True)
        assert r.returncode == 0, f"{script}: {r.stderr}"
    xinit = (DEPLOY / "xinitrc").read_text()
    for cmd in ("xset s off", "xset s noblank", "xset -dpms"):
        assert cmd in xinit
    assert "-nocursor" in (DEPLOY / "bash_profile").read_text()


def test_install_makes_the_config_root_owned_and_read_only_for_the_kiosk():
    text = (DEPLOY / "install.sh").read_text()
    assert 'install -m 0644 -o root -g root "$SRC/deploy/kiosk.toml" "$ETC/kiosk.toml"' in text
    assert 'chown root:root "$ETC/kiosk.toml" && chmod 0644 "$ETC/kiosk.toml"' in text
    assert "passwd --lock" in text and "sudo" not in text.split("usermod", 1)[1].split("\n")[0]


def test_the_production_config_loads():
    cfg = load_config(DEPLOY / "kiosk.toml")
    assert cfg.paths.data_dir == Path("/var/lib/bom-kiosk")
    assert cfg.screen.fullscreen and not cfg.screen.show_cursor
    assert cfg.admin.pin_file == Path("/etc/bom-kiosk/admin_pin")
    assert cfg.printer.kind == "usb"


# --- hardening (issue 18, defect 11) ----------------------------------------------------------

MAX_EXPOSURE = 4.5


def exposure(name: str) -> float:
    """systemd-analyze's overall exposure score of a unit file of deploy/ (0 safe - 10 bare)."""
    r = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager",
                        str(DEPLOY / name)], capture_output=True, text=True, timeout=60)
    m = re.search(rf"Overall exposure level for {re.escape(name)}: (\d+\.\d)", r.stdout)
    assert m, f"no score in the output of systemd-analyze security:\n{r.stdout}\n{r.stderr}"
    return float(m.group(1))


@pytest.mark.skipif(not shutil.which("systemd-analyze"),
                    reason="systemd-analyze not installed (Debian package systemd)")
@pytest.mark.parametrize("name", ["bom-kiosk.service", "bom-kiosk-sync.service"])
def test_systemd_analyze_security_rates_the_units_safe(name):
    score = exposure(name)
    assert score <= MAX_EXPOSURE, f"{name}: exposure {score} (at most {MAX_EXPOSURE})"
    # The score written in the unit's comment and in the docs is the one systemd gives.
    assert f"rates this unit {score}" in " ".join(
        line.lstrip("# ") for line in (DEPLOY / name).read_text().splitlines())
    assert f"`{name}`: {score}" in (PROJECT_ROOT / "docs" / "operations.md").read_text()


@pytest.mark.parametrize("name", ["bom-kiosk.service", "bom-kiosk-sync.service"])
def test_both_units_make_private_files_and_filter_system_calls(name):
    s = unit(name)["Service"]
    assert s["UMask"] == "0027" and s["StateDirectoryMode"] == "0700"
    assert s["CapabilityBoundingSet"] == "" and s["NoNewPrivileges"] == "true"
    assert s["SystemCallArchitectures"] == "native"
    text = (DEPLOY / name).read_text()
    assert "\nSystemCallFilter=@system-service\n" in text
    assert set(s["RestrictAddressFamilies"].split()) <= {"AF_UNIX", "AF_INET", "AF_INET6",
                                                          "AF_NETLINK"}
    for key in ("ProtectKernelModules", "ProtectKernelLogs", "ProtectKernelTunables",
                "ProtectClock", "ProtectHostname", "ProtectControlGroups", "RestrictNamespaces",
                "LockPersonality", "RestrictRealtime", "RestrictSUIDSGID", "PrivateTmp"):
        assert s[key] == "true", key


def test_the_kiosk_unit_reaches_only_the_devices_it_drives():
    s = unit("bom-kiosk.service")["Service"]
    assert s["DevicePolicy"] == "closed"
    allowed = [line.split("=", 1)[1].split()[0] for line in
               (DEPLOY / "bom-kiosk.service").read_text().splitlines()
               if line.startswith("DeviceAllow=")]
    # GPU, sound, the printer over USB (libusb or usblp) or a serial line.
    assert {"char-drm", "char-alsa", "char-usb_device", "char-usb"} <= set(allowed)
    # Mesa's llvmpipe compiles shaders: the kiosk cannot forbid writable executable memory.
    assert "MemoryDenyWriteExecute" not in s
    assert s["LogsDirectoryMode"] == "0700" and s["ProtectHome"] == "true"


def test_the_sync_unit_has_no_devices_and_no_writable_executable_memory():
    s = unit("bom-kiosk-sync.service")["Service"]
    assert s["PrivateDevices"] == "true" and s["MemoryDenyWriteExecute"] == "true"
    assert s["ProtectSystem"] == "strict" and s["PrivateUsers"] == "true"


def test_a_sync_that_rejected_records_fails_the_unit_and_is_not_retried():
    s = unit("bom-kiosk-sync.service")["Service"]
    # Exit 1: applied, but some central records were rejected. A person must look: the unit
    # shows as failed, and trying again tonight would reject them again.
    assert "SuccessExitStatus" not in s
    assert set(s["RestartPreventExitStatus"].split()) == {"1", "2", "3"}
    assert s["Restart"] == "on-failure"


# --- pinned and installed for real (issue 20, part 8) -----------------------------------------

LOCK = PROJECT_ROOT / "requirements.lock"
TEST_LOCK = PROJECT_ROOT / "requirements-test.lock"


def pins(path: Path) -> dict[str, str]:
    """name (normalised) -> version of every package a lock pins; each with its sha256s."""
    from packaging.utils import canonicalize_name

    text = path.read_text()
    found = {}
    pin = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n"
                     r"((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.M)
    for m in pin.finditer(text):
        found[canonicalize_name(m.group(1))] = m.group(2)
    every = re.findall(r"^[A-Za-z0-9][^ \n]*==", text, re.M)
    assert len(found) == len(every), f"{path.name}: a pin without --hash lines"
    return found


def closure(requirements: list[str]) -> dict[str, list]:
    """Every requirement the project needs on Linux x86_64, Python 3.11: the given ones, their
    extras and dependencies, from the metadata of what scripts/setup.sh installed."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    env = {"python_version": "3.11", "python_full_version": "3.11.2", "sys_platform": "linux",
           "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
           "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    seen: dict[str, list] = {}
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        key = name + "[" + ",".join(sorted(req.extras)) + "]"
        if key in seen:
            seen[key].append(req.specifier)
            continue
        seen[key] = [req.specifier]
        try:
            deps = requires(req.name) or []
        except PackageNotFoundError:
            continue  # not installed here: the lock check below still names it
        for dep in deps:
            for ex in sorted(req.extras) or [""]:
                todo.append((Requirement(dep), ex))
    return seen


def project() -> dict:
    import tomllib

    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())


def assert_locked(lock: Path, requirements: list[str]) -> None:
    locked = pins(lock)
    for key, specifiers in closure(requirements).items():
        name = key.split("[")[0]
        assert name in locked, f"{lock.name} lacks {name}: run bash scripts/lock.sh"
        for spec in specifiers:
            assert spec.contains(locked[name], prereleases=True), (
                f"{lock.name} pins {name}=={locked[name]}, pyproject.toml or a dependency asks "
                f"{spec}: run bash scripts/lock.sh")


def test_the_lock_pins_every_runtime_dependency_with_its_hashes():
    assert_locked(LOCK, project()["project"]["dependencies"])
    # The build requirement too: install.sh builds the project with the lock's setuptools.
    assert_locked(LOCK, project()["build-system"]["requires"])
    locked = pins(LOCK)
    assert {"pyusb", "pyserial", "psycopg-binary", "kivy", "gtts", "holidays"} <= set(locked)
    assert not {"pytest", "ruff", "mypy"} & set(locked), "test tools in the runtime lock"


def test_the_test_lock_is_the_runtime_lock_plus_the_test_tools():
    runtime, test = pins(LOCK), pins(TEST_LOCK)
    assert {n: test.get(n) for n in runtime} == runtime, "CI would test other versions"
    assert_locked(TEST_LOCK, project()["project"]["optional-dependencies"]["test"])


def test_install_installs_exactly_the_lock_and_the_project_without_its_dependencies():
    text = (DEPLOY / "install.sh").read_text()
    pip_lines = [" ".join(line.split()) for line in
                 text.replace("\\\n", " ").splitlines() if '"${pip[@]}" install' in line]
    assert pip_lines and all("--upgrade" not in x and " -U " not in x for x in pip_lines)
    lock_line, = [x for x in pip_lines if 'requirements.lock"' in x]
    assert "--require-hashes" in lock_line
    project_line, = [x for x in pip_lines if '-e "$REL"' in x]
    assert "--no-deps" in project_line
    # The units name the stable paths, which install.sh points at the current release.
    assert 'for name in .venv deploy; do' in text and '"current/$name"' in text
    for name in UNITS:
        for line in (DEPLOY / name).read_text().splitlines():
            if line.startswith(("ExecStart", "WorkingDirectory")):
                assert "/releases/" not in line and "/current/" not in line, line
    assert "/opt/bom-kiosk/.venv/bin/kiosk" in (DEPLOY / "bom-kiosk.service").read_text()


def test_install_installs_the_kiosk_units_of_deploy():
    text = (DEPLOY / "install.sh").read_text()
    listed = re.search(r"^UNITS=\(([^)]*)\)", text, re.M).group(1).split()
    assert {"bom-kiosk.service", "bom-kiosk-sync.service", "bom-kiosk-sync.timer",
            "bom-kiosk-sync.path"} <= set(listed)
    assert all((DEPLOY / name).is_file() for name in listed)


def test_setup_and_lock_scripts_parse():
    for script in (PROJECT_ROOT / "scripts" / "setup.sh", PROJECT_ROOT / "scripts" / "lock.sh",
                   DEPLOY / "install-session.sh"):
        r = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert r.returncode == 0, f"{script.name}: {r.stderr}"
    setup = (PROJECT_ROOT / "scripts" / "setup.sh").read_text()
    assert "--require-hashes" in setup and "requirements-test.lock" in setup
