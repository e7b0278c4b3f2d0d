"""A content sync running beside the kiosk: the screen keeps answering, the resident in the
middle of a visit keeps the content they started with, Home shows the new content."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.content.format import read_content
from kiosk.content.service import ContentService
from kiosk.content.store import apply_bundle
from tests.sync_support import Central, central_db, no_audio_config
from tests.ui.conftest import _DATA

OLD_CAT, NEW_CAT = "Stan cywilny (USC)", "Stan cywilny – nowa treść"
OLD_TITLE = "Wydanie odpisu aktu urodzenia, małżeństwa lub zgonu"
NEW_TITLE = "Odpis aktu – tytuł z centrali"


def test_sync_beside_the_ui_shows_new_content_only_after_home(kiosk, pg_server):
    url, reader = central_db(pg_server)
    central = Central(url)
    central.edit("category", "civil-status", lambda d: d["name"].update(pl=NEW_CAT))
    central.edit("procedure", "USC I", lambda d: d["title"].update(pl=NEW_TITLE))
    # Plenty of new rows, so the apply transaction takes a while beside the UI.
    for i in range(150):
        central.add_procedure(f"GEN {i}", title={"pl": f"Sprawa testowa {i}"})

    kiosk.tap(OLD_CAT)
    assert kiosk.screen == "category" and OLD_TITLE in kiosk.texts()

    env = {**os.environ, "KIOSK_DATA_DIR": str(_DATA),
           "KIOSK_CONFIG": str(no_audio_config(Path(tempfile.mkdtemp())))}
    kiosk_bin = Path(sys.executable).with_name("kiosk")
    proc = subprocess.Popen([str(kiosk_bin), "sync", "--source", reader, "--now"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        slowest_frame, taps, t_end = 0.0, 0, time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < t_end:
            t = time.monotonic()
            kiosk.frames(1)
            slowest_frame = max(slowest_frame, time.monotonic() - t)
            # A resident keeps tapping: into the guide and back, each answered at once.
            t = time.monotonic()
            kiosk.tap(OLD_TITLE)
            assert kiosk.screen == "guide"
            kiosk.tap("Wstecz")
            assert kiosk.screen == "category" and OLD_TITLE in kiosk.texts()
            slowest_frame = max(slowest_frame, (time.monotonic() - t) / 8)
            taps += 1
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out + err
    assert taps >= 1
    assert slowest_frame < 1.0, f"a frame took {slowest_frame:.2f} s during the sync"

    # The new revision is active in the database...
    fresh = ContentService(kiosk.app.core.Session)
    assert fresh.guide("USC I").title.pl == NEW_TITLE
    # ...but the resident in the middle of a visit still reads what they started with.
    kiosk.tap(OLD_TITLE)
    assert kiosk.screen == "guide" and OLD_TITLE in " ".join(kiosk.texts())
    kiosk.tap("Wstecz")
    assert OLD_TITLE in kiosk.texts() and NEW_TITLE not in kiosk.texts()

    # Back at Home the new content shows.
    kiosk.tap("Ekran startowy")
    assert kiosk.screen == "home"
    texts = kiosk.texts()
    assert NEW_CAT in " ".join(texts) and OLD_CAT not in texts
    kiosk.tap(NEW_CAT)
    assert NEW_TITLE in kiosk.texts() and OLD_TITLE not in kiosk.texts()
    kiosk.screenshot("sync-new-content-after-home")

    # Leave the sample content for the UI tests that follow.
    apply_bundle(kiosk.app.core.Session, read_content(SAMPLE_CONTENT_DIR))
    kiosk.home()
    assert OLD_CAT in kiosk.texts()
