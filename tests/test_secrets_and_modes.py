"""Secrets and permissions (issue 18, defect 11), through the real `kiosk` command and the real
deploy scripts: no password printed or accepted in the world-readable kiosk.toml, the queue
password taken from the environment, every file the kiosk makes private to its user, and a
login session the kiosk user cannot change."""

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest

from kiosk import PROJECT_ROOT
from kiosk.config import QueueConfig

DEPLOY = PROJECT_ROOT / "deploy"
QUEUE_SECRET = "Qu3ue-S3cret/x:y"
SYNC_SECRET = "Sync-S3cret"


def kiosk(*args, config: Path | None = None, env: dict | None = None, umask: int = 0o022):
    """`kiosk ARGS` in a process of its own, started with an ordinary umask (022), as a shell
    or an older unit would start it."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("KIOSK_CONFIG", "KIOSK_QUEUE_PASSWORD", "KIOSK_SYNC_PASSWORD",
                             "KIOSK_SYNC_URL")}
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "entrypoints"]
    if config is not None:
        cmd += ["--config", str(config)]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, env=full_env,
                          cwd=PROJECT_ROOT, timeout=180, preexec_fn=lambda: os.umask(umask))


# --- `kiosk config show` never prints a password ---------------------------------------------

def test_config_show_redacts_the_passwords_and_names_where_they_come_from(tmp_path):
    sync_env = tmp_path / "sync.env"
    sync_env.write_text(f"KIOSK_SYNC_URL=postgresql://bom_kiosk@central/bom\n"
                        f"KIOSK_SYNC_PASSWORD={SYNC_SECRET}\n", encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n'
                      '[queue]\nurl = "postgresql+psycopg://kiosk@queue-db/bomqueue"\n'
                      f'[sync]\nenv_file = "{sync_env}"\n', encoding="utf-8")
    env = {"KIOSK_QUEUE_PASSWORD": QUEUE_SECRET}
    text = kiosk("config", "show", config=config, env=env)
    assert text.returncode == 0, text.stderr
    as_json = kiosk("config", "show", "--json", config=config, env=env)
    assert as_json.returncode == 0, as_json.stderr
    for r in (text, as_json):
        assert QUEUE_SECRET not in r.stdout + r.stderr
        assert SYNC_SECRET not in r.stdout + r.stderr
    assert "# password: *** (from KIOSK_QUEUE_PASSWORD)" in text.stdout
    assert f"# password: *** (from {sync_env})" in text.stdout
    data = json.loads(as_json.stdout)
    assert data["passwords"] == {"queue": "*** (from KIOSK_QUEUE_PASSWORD)",
                                 "sync": f"*** (from {sync_env})"}
    assert data["queue"]["url"] == "postgresql+psycopg://kiosk@queue-db/bomqueue"


# --- no password in kiosk.toml ----------------------------------------------------------------

@pytest.mark.parametrize("toml, key, home", [
    (f'[queue]\nurl = "postgresql+psycopg://kiosk:{QUEUE_SECRET}@queue-db/bomqueue"\n',
     "[queue] url", "/etc/bom-kiosk/queue.env as KIOSK_QUEUE_PASSWORD="),
    (f'[queue]\nurl = "postgresql://kiosk@queue-db/q?sslmode=require&password={QUEUE_SECRET}"\n',
     "[queue] url", "/etc/bom-kiosk/queue.env as KIOSK_QUEUE_PASSWORD="),
    (f'[queue]\nurl = "postgresql+psycopg://kiosk@queue-db/bomqueue"\n'
     f'password = "{QUEUE_SECRET}"\n',
     "[queue] key 'password'", "/etc/bom-kiosk/queue.env as KIOSK_QUEUE_PASSWORD="),
    (f'[sync]\nsource_url = "postgresql://bom_kiosk:{QUEUE_SECRET}@central/bom"\n',
     "[sync] source_url", "/etc/bom-kiosk/sync.env as KIOSK_SYNC_PASSWORD="),
    (f'[paths]\ndatabase_url = "postgresql+psycopg://k:{QUEUE_SECRET}@db/kiosk"\n',
     "[paths] database_url", "passfile"),
])
def test_a_password_in_kiosk_toml_is_refused_naming_the_key_and_where_it_belongs(
        tmp_path, toml, key, home):
    config = tmp_path / "kiosk.toml"
    config.write_text(toml, encoding="utf-8")
    r = kiosk("config", "show", config=config)
    assert r.returncode == 2, r.stdout
    assert QUEUE_SECRET not in r.stdout + r.stderr  # not even in the error
    assert f"{config}: {key}" in r.stderr and "no passwords in this file" in r.stderr
    assert home in r.stderr


def test_the_queue_password_comes_from_the_environment(monkeypatch, tmp_path):
    q = QueueConfig(url="postgresql+psycopg://kiosk@queue-db:5432/bomqueue?sslmode=require")
    monkeypatch.delenv("KIOSK_QUEUE_PASSWORD", raising=False)
    assert q.effective_url(tmp_path) == q.url  # libpq's passfile or ~/.pgpass then
    monkeypatch.setenv("KIOSK_QUEUE_PASSWORD", "p@ss/w:rd%")
    from sqlalchemy.engine import make_url

    url = make_url(q.effective_url(tmp_path))
    assert url.password == "p@ss/w:rd%" and url.host == "queue-db" and url.port == 5432
    assert url.query == {"sslmode": "require"} and url.username == "kiosk"
    # The embedded SQLite queue has no password to take.
    assert QueueConfig().effective_url(tmp_path) == f"sqlite:///{tmp_path / 'queue.sqlite3'}"


def test_the_deployed_config_and_units_keep_the_queue_password_in_a_root_only_file():
    from kiosk.config import url_has_password

    deployed = (DEPLOY / "kiosk.toml").read_text()
    values = [v for section in tomllib.loads(deployed).values() for v in section.values()]
    assert not any(isinstance(v, str) and url_has_password(v) for v in values)
    assert "KIOSK_QUEUE_PASSWORD=... in /etc/bom-kiosk/queue.env" in deployed
    example = (DEPLOY / "queue.env.example").read_text()
    assert "\nKIOSK_QUEUE_PASSWORD=" in example
    unit = (DEPLOY / "bom-kiosk.service").read_text()
    assert "\nEnvironmentFile=-/etc/bom-kiosk/queue.env\n" in unit
    install = (DEPLOY / "install.sh").read_text()
    assert 'install -m 0600 -o root -g root "$SRC/deploy/$env.env.example" "$ETC/$env.env"' \
        in install and "for env in sync queue; do" in install
    assert 'chown root:root "$ETC/$env.env" && chmod 0600 "$ETC/$env.env"' in install


# --- files the kiosk makes are its own --------------------------------------------------------

def _not_private(root: Path) -> list[str]:
    out = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        if mode & 0o077 or (path.is_dir() and mode != want):
            out.append(f"{oct(mode)} {path.relative_to(root.parent)}")
    return out


def test_a_real_run_on_a_fresh_data_folder_leaves_only_private_folders_and_files(tmp_path):
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{data}"\n[printer]\nkind = "preview"\n'
                      f'[logging]\nlog_dir = "{tmp_path / "logs"}"\n', encoding="utf-8")
    # An office hour of a working day: the real clock may be after hours (or a Sunday).
    r = kiosk("ticket", "issue", "A", "--print", config=config,
              env={"KIOSK_TEST_NOW": "2026-11-24T10:00:00+01:00"})
    assert r.returncode == 0, r.stderr
    assert kiosk("status", config=config).returncode in (0, 1)
    printouts = list((data / "printouts").iterdir())
    assert printouts and (data / "kiosk.sqlite3").exists() and (data / "queue.sqlite3").exists()
    assert _not_private(data) == []


def test_the_heartbeat_and_the_log_file_are_private_whatever_the_umask(tmp_path):
    from kiosk.config import KioskConfig, LoggingConfig, PathsConfig
    from kiosk.ops.heartbeat import beat
    from kiosk.ops.logs import setup_file_logging

    old = os.umask(0o022)
    try:
        cfg = KioskConfig(paths=PathsConfig(data_dir=tmp_path / "data"),
                          logging=LoggingConfig(log_dir=tmp_path / "var" / "log" / "kiosk"))
        path = setup_file_logging(cfg)
        import logging

        logging.getLogger("kiosk.test").warning("written")
        (tmp_path / "data").mkdir(mode=0o700)
        beat(tmp_path / "data" / "heartbeat.json", state="home")
    finally:
        os.umask(old)
        root = logging.getLogger()
        for h in [h for h in root.handlers if h.get_name() == "kiosk-json-file"]:
            root.removeHandler(h)
            h.close()
    assert path is not None and path.read_text().strip()
    assert _not_private(tmp_path / "var") == []
    assert _not_private(tmp_path / "data") == []


# --- the session that starts the kiosk belongs to root ----------------------------------------

def _as(user: pwd.struct_passwd, *cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
                           "--clear-groups", "--", *cmd], capture_output=True, text=True,
                          cwd=cwd, timeout=30)


@pytest.mark.skipif(os.geteuid() != 0, reason="install-session.sh changes owners: needs root "
                    "(CI runs as root)")
@pytest.mark.skipif(not shutil.which("setpriv"), reason="setpriv (util-linux) not installed")
def test_install_leaves_a_session_the_kiosk_user_cannot_change_or_replace():
    user = pwd.getpwnam("nobody")  # stands in for the kiosk user
    base = Path(tempfile.mkdtemp(prefix="kiosk-session-"))
    try:
        base.chmod(0o755)  # the stand-in must reach the folders, to be refused by them
        home = base / "home" / "kiosk"
        home.mkdir(parents=True)
        # A home as useradd leaves it, after the kiosk user had its way with it.
        for name, text in ((".bashrc", "# skel\n"), (".bash_profile", "evil\n"),
                           (".xserverrc", "exec evil\n"), (".Xauthority", "")):
            (home / name).write_text(text)
            os.chown(home / name, user.pw_uid, user.pw_gid)
        (home / ".bash_profile").chmod(0o666)
        (home / ".cache").mkdir()
        os.chown(home / ".cache", user.pw_uid, user.pw_gid)
        os.chown(home, user.pw_uid, user.pw_gid)
        session = base / "var" / "lib" / "bom-kiosk-session"
        r = subprocess.run(["bash", str(DEPLOY / "install-session.sh"), "nobody", str(home),
                            str(session), str(DEPLOY)], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0, r.stderr

        st = home.stat()
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 0, 0o755)
        for path in home.rglob("*"):
            st = path.lstat()
            assert st.st_uid == 0 and not st.st_mode & 0o022, path
        assert (home / ".bash_profile").read_text() == (DEPLOY / "bash_profile").read_text()
        assert (home / ".xinitrc").read_text() == (DEPLOY / "xinitrc").read_text()
        assert stat.S_IMODE((home / ".bash_profile").stat().st_mode) == 0o644
        assert stat.S_IMODE((home / ".xinitrc").stat().st_mode) == 0o755
        assert not (home / ".xserverrc").exists()
        st = session.stat()
        assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (user.pw_uid, 0o700)

        # The kiosk user tries to change what its next login starts: every way is refused.
        for attempt in (["sh", "-c", "echo evil >> .bash_profile"],
                        ["mv", ".bash_profile", ".old"], ["rm", "-f", ".xinitrc"],
                        ["sh", "-c", "echo 'exec evil' > .xserverrc"],
                        ["ln", "-s", "/tmp/evil", ".startxrc"],
                        ["sh", "-c", "echo evil > .cache/x"]):
            r = _as(user, *attempt, cwd=home)
            assert r.returncode != 0, f"the kiosk user could: {' '.join(attempt)}"
        assert (home / ".bash_profile").read_text() == (DEPLOY / "bash_profile").read_text()
        # What the session must write, it can: the X authority cookie, the X server's log.
        assert _as(user, "sh", "-c", "echo c > Xauthority && echo l > xorg/Xorg.0.log",
                   cwd=session).returncode == 0
    finally:
        shutil.rmtree(base)


def test_the_session_and_the_kiosk_unit_agree_on_the_x_authority():
    profile = (DEPLOY / "bash_profile").read_text()
    unit = (DEPLOY / "bom-kiosk.service").read_text()
    install = (DEPLOY / "install.sh").read_text()
    assert "export XAUTHORITY=/var/lib/bom-kiosk-session/Xauthority" in profile
    assert "\nEnvironment=XAUTHORITY=/var/lib/bom-kiosk-session/Xauthority\n" in unit
    assert ('bash "$SRC/deploy/install-session.sh" "$USER_" "$HOME_" '
            '/var/lib/bom-kiosk-session "$SRC/deploy"') in install
    # The unit then needs nothing of /home.
    assert "\nProtectHome=true\n" in unit
