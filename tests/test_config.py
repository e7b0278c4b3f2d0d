import re
import tomllib
from pathlib import Path

import pytest

from kiosk import ASSETS_DIR
from kiosk.config import ConfigError, KioskConfig, config_as_dict, load_config

EXAMPLE = ASSETS_DIR / "kiosk.example.toml"


def test_no_configuration_means_sqlite_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    cfg = load_config()
    assert cfg.paths.effective_database_url == f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    assert cfg.screen.fullscreen is True
    assert cfg.languages.default == "pl"


def test_file_overrides_paths_screen_languages_and_timeouts(tmp_path):
    f = tmp_path / "kiosk.toml"
    f.write_text(
        '[paths]\ndata_dir = "/srv/kiosk"\n'
        '[screen]\nwidth = 1920\nheight = 1080\n'
        '[languages]\ndefault = "uk"\n'
        '[timeouts]\nidle_seconds = 120\nidle_warning_seconds = 25\n', encoding="utf-8")
    cfg = load_config(f)
    assert cfg.paths.data_dir == Path("/srv/kiosk")
    assert (cfg.screen.width, cfg.screen.height) == (1920, 1080)
    assert cfg.languages.default == "uk"
    assert cfg.timeouts.idle_seconds == 120 and cfg.timeouts.idle_warning_seconds == 25
    assert cfg.source == f


@pytest.mark.parametrize("text, message", [
    ('[screen]\nwidht = 5\n', "[screen] unknown key 'widht'"),
    ('[screens]\nwidth = 5\n', "unknown section [screens]"),
    ('[timeouts]\nidle_warning_seconds = 5\n', "at least 20"),
    ('[timeouts]\nidle_seconds = "soon"\n', "must be a whole number"),
    ('[languages]\ndefault = "de"\n', "not in available"),
    ('[screen\n', "not valid TOML"),
])
def test_bad_configuration_is_refused_with_file_and_key(tmp_path, text, message):
    f = tmp_path / "kiosk.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert message in str(err.value)
    assert str(f) in str(err.value)


def test_example_file_documents_every_key_with_its_default():
    documented = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    defaults = config_as_dict(KioskConfig())
    assert set(documented) == set(defaults)
    for section, keys in defaults.items():
        assert set(documented[section]) | _commented_keys(section) >= set(keys), section
    parsed = load_config(EXAMPLE)
    assert parsed.screen == KioskConfig().screen
    assert parsed.timeouts == KioskConfig().timeouts
    assert parsed.languages == KioskConfig().languages


def _commented_keys(section: str) -> set[str]:
    """Keys documented as comments ('# key = ...') because their default is computed."""
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text.split(f"[{section}]", 1)[1].split("\n[", 1)[0]
    return set(re.findall(r"^#\s*(\w+)\s*=", block, re.M))
