"""The layers of ../shared/DESIGN.md hold because `lint-imports` says so, not by habit.

Each case copies the source packages and pyproject.toml into a temporary folder, adds one wrong
import and runs the real `lint-imports` there: the contract must break and name the import. The
untouched tree must pass.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("entrypoints", "screens", "content_sync", "kiosk", "printer")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(REPO / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.kv", "versions"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


def add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text() + "\n" + line + "\n")


def test_the_project_keeps_its_layers(tree):
    r = lint(tree)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


@pytest.mark.parametrize("module, line, broken", [
    # printer/ is a pure ESC/POS adapter.
    ("printer/encoding.py", "from kiosk.config import KioskConfig",
     "printer is not allowed to import kiosk"),
    # An import inside a function counts as much as one at the top.
    ("printer/raster.py", "def late():\n    from kiosk import ASSETS_DIR\n    return ASSETS_DIR",
     "printer is not allowed to import kiosk"),
    # The core runs without a display.
    ("kiosk/hours.py", "import kivy", "kiosk is not allowed to import kivy"),
    ("kiosk/texts.py", "from screens import theme", "kiosk is not allowed to import screens"),
    # Screens use core services, never the database, the printer or a speech engine.
    ("screens/home.py", "import sqlalchemy", "screens is not allowed to import sqlalchemy"),
    ("screens/home.py", "import escpos", "screens is not allowed to import escpos"),
    ("screens/home.py", "import psycopg", "screens is not allowed to import psycopg"),
    ("screens/home.py", "import gtts", "screens is not allowed to import gtts"),
    ("screens/home.py", "from kiosk.db import models", "screens is not allowed to import kiosk.db"),
    # The edge wires screens and the sync together; nothing below it reaches up.
    ("content_sync/pg.py", "import screens.home", "content_sync is not allowed to import screens"),
    # No cycles inside the core: the queue already reads opening hours.
    ("kiosk/hours.py", "def f():\n    from kiosk.queue import service\n    return service",
     "No cycles are allowed in kiosk"),
])
def test_a_wrong_import_breaks_the_contract(tree, module, line, broken):
    add_line(tree / module, line)
    r = lint(tree)
    assert r.returncode != 0, r.stdout
    assert broken in " ".join(r.stdout.split()), r.stdout
