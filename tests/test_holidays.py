"""Public holidays (issue 20, part 3): the office is closed on them whatever its weekly hours
say. Real `kiosk` processes at a frozen office time; the card decoded from its ESC/POS bytes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from printer.escpos_decode import decode
from tests.test_queue_cli import env_for

INDEPENDENCE_DAY = "2026-11-11T10:00:00+01:00"  # a Wednesday
EASTER_MONDAY = "2026-04-06T10:00:00+02:00"
CHRISTMAS_EVE = "2026-12-24T10:00:00+01:00"  # a Thursday; 25 and 26 December follow


def kiosk(*args, data_dir, now):
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env_for(data_dir, now), timeout=120)


def card_text(data_dir, now, lang="pl", symbol="DEL I") -> str:
    """The card's text with its lines joined (a long line wraps at 48 characters)."""
    r = kiosk("print", "card", symbol, "--lang", lang, "--json", data_dir=data_dir, now=now)
    assert r.returncode == 0, r.stderr
    with open(json.loads(r.stdout)["job_file"], "rb") as f:
        return " ".join(decode(f.read()).lines)


def test_no_ticket_on_independence_day_and_the_holiday_is_named(tmp_path):
    r = kiosk("ticket", "issue", "A", data_dir=tmp_path, now=INDEPENDENCE_DAY)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Narodowe Święto Niepodległości" in r.stderr
    assert "next opening Thu 2026-11-12 08:00" in r.stderr
    r = kiosk("ticket", "issue", "A", "--json", data_dir=tmp_path, now=INDEPENDENCE_DAY)
    out = json.loads(r.stdout)
    assert out["ok"] is False and "Narodowe Święto Niepodległości" in out["message"]
    # The day after, the office is open again.
    r = kiosk("ticket", "issue", "A", data_dir=tmp_path, now="2026-11-12T10:00:00+01:00")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("now", [EASTER_MONDAY, CHRISTMAS_EVE], ids=["easter", "24-december"])
def test_the_queue_is_closed_on_easter_monday_and_christmas_eve(tmp_path, now):
    r = kiosk("ticket", "issue", "B", data_dir=tmp_path, now=now)
    assert r.returncode == 1 and "a public holiday" in r.stderr, r.stdout + r.stderr


def test_the_card_says_closed_today_with_the_holiday_and_the_next_opening(tmp_path):
    text = card_text(tmp_path, INDEPENDENCE_DAY)
    assert ("Dziś nieczynne: Narodowe Święto Niepodległości. Otwarcie: czwartek o 08:00."
            in text), text
    text = card_text(tmp_path, INDEPENDENCE_DAY, lang="en")
    assert "Closed today: National Independence Day. Opens Thursday at 08:00." in text, text


def test_after_christmas_eve_the_next_opening_skips_both_christmas_days(tmp_path):
    text = card_text(tmp_path, CHRISTMAS_EVE)
    assert "Dziś nieczynne: Wigilia Bożego Narodzenia. Otwarcie: poniedziałek o 08:00." \
        in text, text
    r = kiosk("ticket", "issue", "B", data_dir=tmp_path, now=CHRISTMAS_EVE)
    assert "next opening Mon 2026-12-28 08:00" in r.stderr, r.stderr


def test_usb_and_serial_printers_can_be_driven_from_a_fresh_install():
    """Issue 20's must-show: python-escpos comes with its usb and serial extras."""
    r = subprocess.run([sys.executable, "-c", "from escpos.printer import Usb, Serial; "
                        "assert Usb.is_usable() and Serial.is_usable()"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_only_polands_holidays_are_loaded_and_named_in_each_language():
    """The kiosk asks the holidays package for Poland alone: the package's country index
    imports every country it knows (8 MiB held all day in the kiosk's window process)."""
    probe = (
        "import datetime, sys\n"
        "from kiosk.closures import public_holiday\n"
        "day = datetime.date(2026, 11, 11)\n"
        "print([public_holiday(day, lang) for lang in ('pl', 'en', 'uk')])\n"
        "print(sum(m.startswith('holidays.countries.') for m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=60).stdout.splitlines()
    assert out[0] == str(["Narodowe Święto Niepodległości", "National Independence Day",
                          "День незалежності"])
    assert int(out[1]) == 1  # holidays.countries.poland
