"""deploy/install.sh for real, on a fresh Debian 12 (bookworm) made with debootstrap: install,
then the installed kiosk runs (kiosk status, kiosk printer status, python-escpos's USB and serial
printers usable, its assets found), the venv holds exactly requirements.lock, systemd accepts
the installed units; then an upgrade and a rollback (and a rollback of the rollback).

Also the upgrade of an installation made by install.sh from before releases. Slow (about 5
minutes the first time, 3 with the cache, on 2 cores) and root only: it runs when
KIOSK_DEPLOY_TEST=1, else it is skipped at once:

    KIOSK_DEPLOY_TEST=1 bash scripts/test.sh tests/deploy

The root is made with `debootstrap --variant=minbase` plus the Debian packages install.sh asks
for, and kept as a tar file in $KIOSK_DEPLOY_CACHE (default ~/.cache/bom-kiosk-test/debootstrap;
a new one when install.sh's package list changes). Each run unpacks it into a new folder, mounts
/proc, /sys (read-only), /dev and /dev/pts into it and runs install.sh with chroot. systemd does
not run in a chroot: install.sh installs and enables the units and says it skips the reload and
the restarts. pip's cache is ~/.cache/bom-kiosk-test/pip (mounted as root's pip
cache inside). The host's CA bundle goes in as PIP_CERT, so pip trusts what the host trusts.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from kiosk import PROJECT_ROOT

ENABLED = os.environ.get("KIOSK_DEPLOY_TEST") == "1"
pytestmark = pytest.mark.skipif(not ENABLED, reason="slow: set KIOSK_DEPLOY_TEST=1 (root, "
                                "debootstrap, network)")

SUITE = "bookworm"
MIRROR = os.environ.get("KIOSK_DEPLOY_MIRROR", "http://deb.debian.org/debian")
CACHE = Path(os.environ.get("KIOSK_DEPLOY_CACHE")
             or Path.home() / ".cache" / "bom-kiosk-test" / "debootstrap")
PIP_CACHE = CACHE.parent / "pip"
SRC_IN_ROOT = "/root/bom-kiosk"  # the checkout install.sh runs from
PIN = "482915"
APP = "/opt/bom-kiosk"
UNITS = ("bom-kiosk.service", "bom-kiosk-sync.service", "bom-kiosk-sync.timer",
         "bom-kiosk-sync.path")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

TIMINGS: dict[str, float] = {}
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "deploy"
# install.sh as it was before releases (code and .venv straight in /opt/bom-kiosk, dependencies
# resolved on the kiosk): the layout of the kiosks installed until then.
LEGACY_INSTALL = "36c433e3824142cce2c94ecf62290d1ff657c988:deploy/install.sh"


def install_sh_packages() -> list[str]:
    """The Debian packages deploy/install.sh installs (its apt-get install lines)."""
    text = (PROJECT_ROOT / "deploy" / "install.sh").read_text()
    m = re.search(r"apt-get install[^\n]*\\\n((?:[^\n]*\\\n)*[^\n]*\n)", text)
    assert m, "no apt-get install in install.sh"
    return [w for w in m.group(1).replace("\\", " ").split() if not w.startswith("-")]


def host_run(*cmd: str, timeout: float = 1800, **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    assert r.returncode == 0, f"{' '.join(cmd)}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


class Root:
    """A Debian root in a folder, with /proc, /sys, /dev mounted, and commands run in it."""

    def __init__(self, path: Path):
        self.path = path
        self.mounts: list[Path] = []

    def mount(self) -> None:
        p = self.path
        for src, dst, args in (
            ("proc", p / "proc", ["-t", "proc"]),
            ("/sys", p / "sys", ["--bind"]),
            ("/dev", p / "dev", ["--bind"]),
            ("/dev/pts", p / "dev/pts", ["--bind"]),
            (str(PIP_CACHE), p / "root/.cache/pip", ["--bind"]),
        ):
            dst.mkdir(parents=True, exist_ok=True)
            host_run("mount", *args, src, str(dst))
            self.mounts.append(dst)
            if src == "/sys":  # nothing in the root writes to the host's devices
                host_run("mount", "-o", "remount,bind,ro", str(dst))

    def umount(self) -> None:
        for dst in reversed(self.mounts):
            subprocess.run(["umount", "-l", str(dst)], capture_output=True)
        self.mounts.clear()

    def mounted(self) -> list[str]:
        prefix = str(self.path.resolve()) + "/"
        return [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()
                if (line.split()[4] + "/").startswith(prefix)]

    def run(self, script: str, *, input: str | None = None, timeout: float = 1800,
            check: bool = True) -> subprocess.CompletedProcess:
        env = ["PATH=" + PATH, "HOME=/root", "LANG=C.UTF-8", "TERM=dumb",
               "DEBIAN_FRONTEND=noninteractive", "PIP_CERT=/etc/ssl/certs/host-ca.crt",
               "PIP_DEFAULT_TIMEOUT=120"]
        r = subprocess.run(["chroot", str(self.path), "/usr/bin/env", "-i", *env,
                            "/bin/bash", "-c", script],
                           input=input if input is not None else "", capture_output=True,
                           text=True, timeout=timeout)
        if check:
            assert r.returncode == 0, f"{script}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
        return r

    def file(self, path: str) -> Path:
        return self.path / path.lstrip("/")


def base_tarball() -> Path:
    """debootstrap minbase + install.sh's packages, made once per package list."""
    packages = install_sh_packages()
    key = hashlib.sha256(" ".join([SUITE, "minbase", *sorted(packages)]).encode()).hexdigest()
    tar = CACHE / f"{SUITE}-minbase-{key[:12]}.tar"
    if tar.exists():
        return tar
    CACHE.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    build = Path(tempfile.mkdtemp(prefix="debootstrap-", dir=CACHE))
    root = Root(build / "root")
    try:
        host_run("debootstrap", "--variant=minbase", SUITE, str(root.path), MIRROR)
        # No daemon starts from a package's install script inside the build.
        policy = root.file("/usr/sbin/policy-rc.d")
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        shutil.copy("/etc/resolv.conf", root.file("/etc/resolv.conf"))
        root.mount()
        root.run("apt-get update -q && apt-get install -y -q --no-install-recommends "
                 + " ".join(packages) + " ca-certificates && apt-get clean")
        root.umount()
        assert not root.mounted()
        host_run("tar", "-C", str(root.path), "-cf", str(tar) + ".part", ".")
        os.replace(str(tar) + ".part", tar)
        for stale in CACHE.glob(f"{SUITE}-minbase-*.tar"):  # for an older package list
            if stale != tar:
                stale.unlink()
    finally:
        root.umount()
        if not root.mounted():
            subprocess.run(["rm", "-rf", "--one-file-system", str(build)])
    TIMINGS["debootstrap and packages (cached after)"] = time.monotonic() - start
    return tar


def copy_checkout(dst: Path) -> None:
    """The working tree as git sees it (tracked and new files, not ignored ones)."""
    files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"],
                           cwd=PROJECT_ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = PROJECT_ROOT / rel
        if src.is_file():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)


@pytest.fixture(scope="module")
def root():
    if os.geteuid() != 0:
        pytest.fail("KIOSK_DEPLOY_TEST=1 needs root (debootstrap, chroot, mount)")
    if not shutil.which("debootstrap"):
        pytest.fail("KIOSK_DEPLOY_TEST=1 needs debootstrap: apt-get install -y debootstrap")
    PIP_CACHE.mkdir(parents=True, exist_ok=True)
    tar = base_tarball()
    start = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="run-", dir=CACHE))
    r = Root(work / "root")
    try:
        r.path.mkdir()
        host_run("tar", "-C", str(r.path), "-xf", str(tar))
        shutil.copy("/etc/resolv.conf", r.file("/etc/resolv.conf"))
        shutil.copy("/etc/ssl/certs/ca-certificates.crt", r.file("/etc/ssl/certs/host-ca.crt"))
        copy_checkout(r.file(SRC_IN_ROOT))
        r.mount()
        TIMINGS["unpack the root"] = time.monotonic() - start
        yield r
    finally:
        r.umount()
        if r.mounted():
            print(f"left {work}: still mounted: {r.mounted()}")
        else:
            subprocess.run(["rm", "-rf", "--one-file-system", str(work)])
        summary = "deploy test timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in TIMINGS.items())
        print("\n" + summary)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "timings.txt").write_text(summary + "\n")


def install(root: Root, label: str, args: str = "",
            script: str = f"{SRC_IN_ROOT}/deploy/install.sh") -> subprocess.CompletedProcess:
    """install.sh as IT runs it, the admin PIN typed when it asks (a new install only). What it
    printed goes to test-artifacts/deploy/<label>.log."""
    start = time.monotonic()
    r = root.run(f"bash {script} {args}", input=PIN + "\n", check=False)
    TIMINGS[f"install.sh {args}({label})"] = time.monotonic() - start
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{re.sub(r'[^a-z0-9]+', '-', label)}.log").write_text(
        f"$ bash {script} {args}\nexit {r.returncode}\n{r.stdout}\n--- stderr\n{r.stderr}")
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr
    return r


def link(root: Root, name: str) -> str:
    return os.readlink(root.file(f"{APP}/{name}"))


def kiosk(root: Root, args: str) -> subprocess.CompletedProcess:
    """A kiosk command as the kiosk user, as docs/operations.md says to run them."""
    return root.run(f"runuser -u kiosk -- env KIOSK_CONFIG=/etc/bom-kiosk/kiosk.toml "
                    f"{APP}/.venv/bin/kiosk {args}", check=False)


def lock_pins(name: str) -> set[tuple[str, str]]:
    text = (PROJECT_ROOT / name).read_text()
    return {(re.sub(r"[-_.]+", "-", m.group(1)).lower(), m.group(2))
            for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", text, re.M)}


@pytest.fixture(scope="module")
def installed(root):
    return install(root, "fresh")


def test_install_on_a_fresh_debian_12(root, installed):
    out = installed.stdout + installed.stderr
    assert "systemd is not running here" in out
    release = link(root, "current")
    assert release.startswith("releases/0.")
    assert link(root, ".venv") == "current/.venv" and link(root, "deploy") == "current/deploy"
    assert not root.file(f"{APP}/previous").is_symlink()
    rel = root.file(f"{APP}/{release}")
    assert (rel / ".venv/.complete").exists() and (rel / "RELEASE").read_text()
    for name in UNITS:
        assert root.file(f"/etc/systemd/system/{name}").read_text() == \
            (rel / "deploy" / name).read_text()
    wants = root.file("/etc/systemd/system/multi-user.target.wants/bom-kiosk.service")
    assert wants.is_symlink()
    assert root.file("/etc/systemd/system/timers.target.wants/bom-kiosk-sync.timer").is_symlink()
    assert root.file("/etc/systemd/system/multi-user.target.wants/bom-kiosk-sync.path").is_symlink()
    pin = root.file("/etc/bom-kiosk/admin_pin")
    assert pin.exists() and (pin.stat().st_mode & 0o777) == 0o600
    assert (root.file("/etc/bom-kiosk/sync.env").stat().st_mode & 0o777) == 0o600
    assert (root.file("/var/lib/bom-kiosk").stat().st_mode & 0o777) == 0o700
    assert root.file("/etc/udev/rules.d/99-bom-kiosk-printer.rules").exists()
    home = root.file("/home/kiosk")
    assert home.stat().st_uid == 0 and (home / ".xinitrc").stat().st_uid == 0
    # root-owned code the kiosk user cannot change
    r = root.run(f"runuser -u kiosk -- touch {APP}/current/kiosk/x", check=False)
    assert r.returncode != 0


def test_the_venv_holds_exactly_the_lock(root, installed):
    r = root.run(f"{APP}/.venv/bin/python -m pip freeze --all --exclude-editable "
                 "--disable-pip-version-check")
    frozen = {(re.sub(r"[-_.]+", "-", n).lower(), v) for n, v in
              (line.split("==", 1) for line in r.stdout.splitlines() if "==" in line)}
    frozen = {(n, v) for n, v in frozen if n != "pip"}
    assert frozen == lock_pins("requirements.lock")
    r = root.run(f"{APP}/.venv/bin/python -m pip check --disable-pip-version-check")
    assert "No broken requirements" in r.stdout


def test_the_installed_kiosk_runs(root, installed):
    status = kiosk(root, "status")
    assert status.returncode in (0, 1), status.stdout + status.stderr  # 1: staff must act
    assert "Traceback" not in status.stdout + status.stderr
    assert status.stdout.strip()
    printer = kiosk(root, "printer status")
    assert printer.returncode in (0, 1), printer.stdout + printer.stderr  # 1: not ready
    assert "Traceback" not in printer.stdout + printer.stderr
    # pyusb finds libusb (install.sh installs libusb-1.0-0); there is just no printer here.
    assert "No backend available" not in printer.stdout + printer.stderr
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "kiosk-status.log").write_text(
        f"$ kiosk status\nexit {status.returncode}\n{status.stdout}{status.stderr}\n"
        f"$ kiosk printer status\nexit {printer.returncode}\n{printer.stdout}{printer.stderr}")
    config = kiosk(root, "config show")
    assert config.returncode == 0 and "/etc/bom-kiosk/kiosk.toml" in config.stdout
    root.run(f"{APP}/.venv/bin/python -c 'from escpos.printer import Usb, Serial; "
             "assert Usb.is_usable() and Serial.is_usable()'")
    # The kiosk finds its translations and sample content next to its code, in the release.
    root.run(f"cd / && {APP}/.venv/bin/python -c 'import kiosk; "
             f"assert kiosk.ASSETS_DIR.is_dir() and (kiosk.ASSETS_DIR / \"locale\").is_dir(); "
             f"assert str(kiosk.PROJECT_ROOT).startswith(\"{APP}/releases/\")'")


def test_systemd_accepts_the_installed_units(root, installed):
    r = root.run("systemd-analyze verify " + " ".join(f"/etc/systemd/system/{u}" for u in UNITS),
                 check=False)
    problems = [line for line in r.stderr.splitlines()
                if "bom-kiosk" in line and ("Unknown" in line or "Failed" in line
                                            or "Invalid" in line or "not" in line)]
    assert r.returncode == 0 and not problems, r.stderr


def test_upgrade_keeps_the_previous_release_and_rollback_returns_to_it(root, installed):
    first = link(root, "current")
    # Running it again with the same code builds nothing and switches nothing; of older
    # releases only the newest stays beside current and previous.
    for age, name in ((3, "0.0.1-old"), (2, "0.0.2-old"), (1, "0.0.3-old")):
        root.run(f"mkdir -p {APP}/releases/{name} && touch -d '{age} days ago' "
                 f"{APP}/releases/{name}")
    again = install(root, "the same code again")
    assert "is built already" in again.stdout and link(root, "current") == first
    releases = sorted(p.name for p in root.file(f"{APP}/releases").iterdir())
    assert releases == sorted(["0.0.3-old", first.split("/")[1]]), releases
    # A new version of the code: a new release, the old one kept as previous.
    with root.file(f"{SRC_IN_ROOT}/kiosk/__init__.py").open("a") as f:
        f.write("\n# the upgrade of the deploy test\n")
    install(root, "upgrade")
    second = link(root, "current")
    assert second != first and link(root, "previous") == first
    releases = sorted(p.name for p in root.file(f"{APP}/releases").iterdir())
    assert releases == sorted(["0.0.3-old", first.split("/")[1], second.split("/")[1]]), releases
    assert root.file(f"{APP}/{second}/kiosk/__init__.py").read_text().endswith(
        "# the upgrade of the deploy test\n")
    assert kiosk(root, "status").returncode in (0, 1)

    back = install(root, "rollback", "--rollback")
    assert link(root, "current") == first and link(root, "previous") == second
    assert f"rollback: {second.split('/')[1]} -> {first.split('/')[1]}" in back.stdout
    for name in UNITS:
        assert root.file(f"/etc/systemd/system/{name}").read_text() == \
            root.file(f"{APP}/{first}/deploy/{name}").read_text()
    status = kiosk(root, "status")
    assert status.returncode in (0, 1) and "Traceback" not in status.stderr
    r = root.run(f"{APP}/.venv/bin/python -c 'import kiosk; print(kiosk.PROJECT_ROOT)'")
    assert r.stdout.strip() == f"{APP}/{first}"
    # And forward again, with the installed copy of the script (no checkout needed), which
    # installs nothing itself.
    install(root, "rollback again", "--rollback", script=f"{APP}/deploy/install.sh")
    assert link(root, "current") == second and link(root, "previous") == first
    r = root.run(f"bash {APP}/deploy/install.sh", check=False)
    assert r.returncode == 2 and "install from a checkout" in r.stderr


def test_an_installation_from_before_releases_is_upgraded(root, installed):
    legacy = subprocess.run(["git", "show", LEGACY_INSTALL], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    if legacy.returncode != 0:
        pytest.skip(f"no {LEGACY_INSTALL} in this clone (shallow?)")
    # It stops at `systemctl daemon-reload` without systemd (its code is in place by then).
    script = legacy.stdout.replace("systemctl daemon-reload\n", "systemctl daemon-reload || :\n")
    root.file(f"{SRC_IN_ROOT}/deploy/install-legacy.sh").write_text(script)
    root.run(f"rm -rf {APP}")
    install(root, "legacy", script=f"{SRC_IN_ROOT}/deploy/install-legacy.sh")
    assert root.file(f"{APP}/.venv/bin/kiosk").is_file() and root.file(f"{APP}/kiosk").is_dir()
    assert not root.file(f"{APP}/.venv").is_symlink()

    install(root, "from legacy")
    assert link(root, ".venv") == "current/.venv" and link(root, "current").startswith("releases/")
    left = sorted(p.name for p in root.file(APP).iterdir())
    assert left == [".venv", "current", "deploy", "releases"], left
    assert kiosk(root, "status").returncode in (0, 1)
    r = root.run(f"bash {SRC_IN_ROOT}/deploy/install.sh --rollback", check=False)
    assert r.returncode == 1 and "no previous release" in r.stderr
