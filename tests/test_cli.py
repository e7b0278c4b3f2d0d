"""The `kiosk` command as IT staff use it: real processes, real files."""

import json
import os
import subprocess
import sys
from pathlib import Path


def kiosk(*args, data_dir, check=False):
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=check)


def test_help_lists_the_commands(tmp_path):
    out = kiosk("--help", data_dir=tmp_path).stdout
    for command in ("run", "status", "content", "config"):
        assert command in out


def test_status_json_reports_revision_and_counts(tmp_path):
    r = kiosk("status", "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["ok"] is True
    assert data["content"]["revision"]
    counts = data["content"]["counts"]
    assert counts["procedures"] >= 40 and counts["departments"] >= 9 and counts["forms"] >= 10
    assert (tmp_path / "kiosk.sqlite3").exists()


def test_content_validate_reports_problems_and_exit_code(tmp_path, content_copy):
    (content_copy / "rates.yaml").write_text("rates:\n  - code: x\n    amount: '1,5'\n")
    r = kiosk("content", "validate", str(content_copy), data_dir=tmp_path)
    assert r.returncode == 3
    assert "rates.yaml: rate 'x': amount: not an amount: '1,5'" in r.stderr


def test_content_load_refuses_bad_content_and_keeps_the_old(tmp_path, content_copy):
    assert kiosk("status", data_dir=tmp_path).returncode == 0
    before = json.loads(kiosk("status", "--json", data_dir=tmp_path).stdout)["content"]
    (content_copy / "forms.yaml").write_text("forms: [\n")
    r = kiosk("content", "load", str(content_copy), data_dir=tmp_path)
    assert r.returncode == 3 and "Nothing was changed" in r.stderr
    after = json.loads(kiosk("status", "--json", data_dir=tmp_path).stdout)["content"]
    assert after == before


def test_bad_config_file_exit_code_2(tmp_path):
    bad = tmp_path / "k.toml"
    bad.write_text("[screen]\nwidth = 'wide'\n")
    r = kiosk("--config", str(bad), "status", data_dir=tmp_path)
    assert r.returncode == 2 and "width must be a whole number" in r.stderr


def test_the_core_never_imports_kivy():
    code = ("import sys, pkgutil, importlib, kiosk\n"
            "for m in pkgutil.walk_packages(kiosk.__path__, 'kiosk.'):\n"
            "    if '.migrations' not in m.name and m.name != 'entrypoints.__main__':\n"
            "        importlib.import_module(m.name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] == 'kivy']\n"
            "assert not bad, bad\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_help_and_usage_errors_answer_without_loading_the_database_layers():
    """`kiosk --help` or a mistyped option must answer at once: every command's parser is
    built at start, and the sync commands' exit codes and the production check pulled the
    ORM and every content model in (0.78 s before any answer)."""
    code = ("import sys, contextlib, io\n"
            "from entrypoints.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main(['--help'])\n"
            "print(sorted(m for m in ('sqlalchemy.orm', 'kiosk.db.models') if m in sys.modules))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       cwd=Path(__file__).resolve().parent.parent)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
