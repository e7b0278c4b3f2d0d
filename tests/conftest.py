"""Shared fixtures: a kiosk configuration in a temporary folder and the core opened on it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.config import KioskConfig, PathsConfig


@pytest.fixture
def cfg(tmp_path: Path) -> KioskConfig:
    return replace(KioskConfig(), paths=PathsConfig(data_dir=tmp_path / "data"))


@pytest.fixture
def core(cfg):
    from kiosk.bootstrap import open_core

    c = open_core(cfg)
    yield c
    c.close()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled sample content, for tests that break it on purpose."""
    dst = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT_DIR, dst)
    return dst


@pytest.fixture(scope="session")
def pg_server():
    """A private PostgreSQL cluster for the whole run (see tests/pg.py)."""
    import os

    from tests.pg import SKIP_ENV, PgServer, PgUnavailable

    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"${SKIP_ENV}=1: PostgreSQL tests skipped on request")
    try:
        server = PgServer()
    except PgUnavailable as exc:
        pytest.fail(f"{exc}\n(set {SKIP_ENV}=1 to skip the PostgreSQL tests deliberately)")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh, empty PostgreSQL database on the private server."""
    return pg_server.new_database()
