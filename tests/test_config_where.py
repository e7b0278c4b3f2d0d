"""Where the kiosk finds its configuration, and what an installed kiosk refuses (issue 20,
part 6). Real `kiosk` processes; $KIOSK_ETC_DIR stands in for /etc/bom-kiosk and
$XDG_CONFIG_HOME for the user's config folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from kiosk import SAMPLE_CONTENT_DIR


def env(tmp_path: Path, **extra) -> dict:
    e = {**os.environ, "KIOSK_ETC_DIR": str(tmp_path / "etc"),
         "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
         "XDG_DATA_HOME": str(tmp_path / "xdg-data"), **extra}
    for key in ("KIOSK_CONFIG", "KIOSK_DATA_DIR"):
        if key not in extra:
            e.pop(key, None)
    return e


def kiosk(*args, env):
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def toml(path: Path, data_dir: Path, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[paths]\ndata_dir = "{data_dir}"\n{extra}', encoding="utf-8")
    return path


def source(tmp_path, *args, **extra) -> str:
    r = kiosk(*args, "config", "show", "--json", env=env(tmp_path, **extra))
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["source"]


def test_the_configuration_is_found_where_admins_look(tmp_path):
    etc = toml(tmp_path / "etc" / "kiosk.toml", tmp_path / "machine")
    assert source(tmp_path) == str(etc), "the machine's file, with no other"
    user = toml(tmp_path / "xdg-config" / "bom-kiosk" / "kiosk.toml", tmp_path / "mine")
    assert source(tmp_path) == str(user), "the user's own file comes before the machine's"
    named = toml(tmp_path / "named.toml", tmp_path / "named")
    assert source(tmp_path, KIOSK_CONFIG=str(named)) == str(named)
    given = toml(tmp_path / "given.toml", tmp_path / "given")
    assert source(tmp_path, "--config", str(given), KIOSK_CONFIG=str(named)) == str(given)
    r = kiosk("config", "show", env=env(tmp_path))
    assert r.stdout.startswith(f"# configuration from: {user}")


def test_status_on_an_installed_machine_uses_its_data_not_a_fresh_one(tmp_path):
    """Before: without $KIOSK_CONFIG, `kiosk status` made a new database in the user's data
    folder, loaded the sample content and said ok."""
    machine = tmp_path / "var-lib-bom-kiosk"
    toml(tmp_path / "etc" / "kiosk.toml", machine, '[office]\nmode = "production"\n')
    r = kiosk("status", "--json", env=env(tmp_path))
    assert r.returncode == 1, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert not out["ok"] and any(p.startswith("production: no content") for p in out["problems"])
    assert out["content"]["revision"] is None, "no sample content loaded on an installed kiosk"
    assert not (tmp_path / "xdg-data").exists(), "nothing made in the user's data folder"
    assert (machine / "kiosk.sqlite3").exists()


def test_an_installed_kiosk_will_not_open_without_the_offices_content(tmp_path):
    machine = tmp_path / "machine"
    toml(tmp_path / "etc" / "kiosk.toml", machine, '[office]\nmode = "production"\n')
    r = kiosk("run", env=env(tmp_path))
    assert r.returncode == 2
    assert "will not open to residents" in r.stderr and "no content: run the first sync" \
        in r.stderr, r.stderr
    assert kiosk("content", "load", str(SAMPLE_CONTENT_DIR), env=env(tmp_path)).returncode == 0
    r = kiosk("run", env=env(tmp_path))
    assert r.returncode == 2 and "the content is the bundled sample" in r.stderr, r.stderr


def test_run_production_without_a_configuration_file_names_where_it_looked(tmp_path):
    r = kiosk("run", "--production", env=env(tmp_path, KIOSK_DATA_DIR=str(tmp_path / "d")))
    assert r.returncode == 2
    assert "no configuration file" in r.stderr and str(tmp_path / "etc" / "kiosk.toml") \
        in r.stderr, r.stderr


def test_a_wrong_mode_is_refused_naming_the_key(tmp_path):
    toml(tmp_path / "etc" / "kiosk.toml", tmp_path / "m", '[office]\nmode = "prod"\n')
    r = kiosk("status", env=env(tmp_path))
    assert r.returncode == 2 and "[office] mode must be one of development, production" \
        in r.stderr, r.stderr


def test_office_content_from_another_folder_passes_the_check(tmp_path):
    """The check does not refuse the office's own content (here: a copy loaded from another
    folder, as `kiosk content load` on an installed kiosk would)."""
    from kiosk.bootstrap import open_core
    from kiosk.config import load_config
    from kiosk.content.format import read_content
    from kiosk.content.store import apply_bundle
    from kiosk.ops.production import production_problems

    office = tmp_path / "office-content"
    shutil.copytree(SAMPLE_CONTENT_DIR, office)
    cfg_path = toml(tmp_path / "kiosk.toml", tmp_path / "data", '[office]\nmode = "production"\n')
    cfg = load_config(cfg_path)
    core = open_core(cfg, load_bundled=False)
    try:
        apply_bundle(core.Session, read_content(office))
        assert production_problems(cfg, core.content.status()) == []
    finally:
        core.close()
