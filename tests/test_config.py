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
    ('[screen]\nwidht = 5\n', "[screen] unknown key 'widht' (did you mean 'width'?)"),
    ('[screens]\nwidth = 5\n', "unknown section [screens] (did you mean 'screen'?)"),
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


def test_every_problem_of_the_file_is_listed_in_one_error(tmp_path):
    f = tmp_path / "kiosk.toml"
    f.write_text('[screen]\nwidht = 1080\nfullscreen = "yes"\n'
                 '[printer]\nkind = "laser"\nprot = 9100\npaper_mm = 70\n'
                 '[timeouts]\nidle_seconds = 5\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert err.value.problems == [
        "[screen] unknown key 'widht' (did you mean 'width'?)",
        "[screen] fullscreen must be true or false",
        "[printer] unknown key 'prot' (did you mean 'port'?)",
        "[timeouts] idle_seconds must be at least 10",
        "[printer] kind must be one of preview, network, usb, serial, cups",
        "[printer] paper_mm must be 58 or 80",
    ]
    # One line per problem, each naming the file, so each can be found and fixed alone.
    assert str(err.value).splitlines() == [f"{f}: {p}" for p in err.value.problems]


@pytest.mark.parametrize("text, message", [
    ('[screen]\nwidth = 1080.0\n', "[screen] width must be a whole number"),
    ('[screen]\nwidth = true\n', "[screen] width must be a whole number"),
    ('[languages]\navailable = "pl"\n', "[languages] available must be a list of strings"),
    ('[languages]\navailable = ["pl", 2]\n', "[languages] available must be a list of strings"),
    ('[printer]\nkind = 5\n', "[printer] kind must be a string"),
    ('[printer]\njob_timeout = -1\n', "[printer] job_timeout must be a number of seconds"),
    ('[printer]\njob_timeout = nan\n', "[printer] job_timeout must be a number of seconds"),
    ('[paths]\ndata_dir = ""\n', "[paths] data_dir must be a path string"),
])
def test_a_value_of_the_wrong_type_is_refused(tmp_path, text, message):
    f = tmp_path / "kiosk.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert len(err.value.problems) == 1 and err.value.problems[0].startswith(message)
    assert str(err.value).startswith(f"{f}: {message}")


def test_values_of_the_file_arrive_with_the_types_the_code_uses(tmp_path):
    f = tmp_path / "kiosk.toml"
    f.write_text('[paths]\ncontent_dir = "~/content"\n'
                 '[languages]\navailable = ["pl", "uk"]\n'
                 '[printer]\njob_timeout = 30\n', encoding="utf-8")
    cfg = load_config(f)
    assert cfg.paths.content_dir == Path("~/content").expanduser()
    assert cfg.languages.available == ("pl", "uk")
    assert cfg.printer.job_timeout == 30.0 and isinstance(cfg.printer.job_timeout, float)
    # Still plain dataclasses: replace() works and validates nothing.
    from dataclasses import replace
    assert replace(cfg.screen, width=100).width == 100


@pytest.mark.parametrize("text, message", [
    ('[office]\ntimezone = "Mars/Olympus"\n',
     "[office] timezone 'Mars/Olympus' is not a time zone"),
    ('[printer]\njob_timeout = inf\n', "[printer] job_timeout must be a number of seconds"),
    ('[paths]\ndatabase_url = "not a url"\n', "[paths] database_url must be a sqlite:/// or"),
])
def test_values_that_would_crash_later_are_refused_at_load(tmp_path, text, message):
    f = tmp_path / "kiosk.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert err.value.problems[0].startswith(message)


def test_a_file_that_is_not_utf8_is_refused_plainly(tmp_path):
    f = tmp_path / "kiosk.toml"
    f.write_bytes('[office]\nname = "Urząd"\n'.encode("cp1250"))
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert str(err.value).startswith(f"{f}: not UTF-8 text")


@pytest.mark.parametrize("text, message", [
    ('[queue]\nurl = "postgresql+psycopg://kiosk:hunter2@db/q"\n',
     "[queue] url holds a password (postgresql+psycopg://kiosk:***@db/q): no passwords in "
     "this file"),
    ('[queue]\npassword = "hunter2"\n', "[queue] key 'password': no passwords in this file"),
    ('[sync]\nsource_url = "postgresql://r:hunter2@central/bom"\n',
     "[sync] source_url holds a password"),
    ('[queue]\nurl = "kiosk:hunter2@db/q"\n',
     "[queue] url must be a sqlite:/// or postgresql+psycopg:// URL, not 'kiosk:***@db/q'"),
])
def test_a_password_is_refused_naming_the_key_and_never_repeated(tmp_path, text, message):
    f = tmp_path / "kiosk.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert err.value.problems[0].startswith(message)
    assert "hunter2" not in str(err.value)


def test_a_url_without_a_password_or_with_a_passfile_is_accepted(tmp_path):
    f = tmp_path / "kiosk.toml"
    f.write_text('[queue]\nurl = "postgresql+psycopg://kiosk@db:5432/q?passfile=/x/pgpass"\n'
                 '[sync]\nsource_url = "postgresql://bom_kiosk@central/bom"\n', encoding="utf-8")
    assert load_config(f).queue.url.endswith("?passfile=/x/pgpass")
