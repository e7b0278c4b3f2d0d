"""The hall display (`kiosk display`): the tickets being called and their desks in very large
type, the last calls, waiting counts and estimates per letter, the clock and the office's
notices; each new call is highlighted and announced after a chime.

A thin adapter: the call feed (kiosk.queue.call_feed.CallWatcher) follows the queue database on its
own thread and hands updates over with Clock.schedule_once; announcements go through
kiosk.queue.announce.AnnouncementQueue, played here with Kivy's SoundLoader. The UI thread never
touches the database: the notices are read through screens.background.

With $KIOSK_DISPLAY_STATE set, what is on screen (read back from the labels) and what was
played is written to that JSON file after every change, for the tests and the benchmark; a
file next to it named `<state>.shot` asks for a screenshot, `<state>.quit` ends the app.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.audio import SoundLoader
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import translator
from kiosk.ops.probe import EXIT_AFTER_READY_ENV, READY_FILE_ENV, write_ready_file
from kiosk.queue.announce import (
    CHIME_NAME,
    Announcement,
    AnnouncementQueue,
    make_chime,
    speech_renderer,
)
from kiosk.queue.call_feed import CallWatcher, FeedUpdate, closure_line, open_display_queue
from screens import theme
from screens.background import run_in_background

log = logging.getLogger(__name__)

STATE_ENV = "KIOSK_DISPLAY_STATE"

# Sizes for a 1920x1080 TV read from 10 m: on a 55" panel (0.63 mm a pixel) the banner's
# capitals are about 13 cm high, the rows' about 4 cm.
FONT_BANNER_CODE = 300
FONT_BANNER_DESK = 110
FONT_ROW_CODE = 88
FONT_ROW = 72
ROW_HEIGHT = 100
FONT_HISTORY = 42
HISTORY_HEIGHT = 60
FONT_WAITING = 40
WAITING_HEIGHT = 52
CURRENT_ROWS = 2    # "also called" rows under the banner
BAR = theme.rgba(theme.hex_rgb("#1C1C1C"))    # bars: white on #1C1C1C is 17:1
PANEL = theme.rgba(theme.hex_rgb("#111111"))
NOTICE_SECONDS = 12  # the shortest time a notice (or one page of it) stays
NOTICE_WORDS_PER_SECOND = 2.0  # read slowly, from across the hall
# The feed reports at least every status_seconds while connected; silence longer than this
# means the reader is stuck (e.g. a network that swallows packets): say so, keep the state.
STALE_SECONDS = 10


class CallRow(BoxLayout):
    code = StringProperty("")
    desk_text = StringProperty("")


class HistoryRow(BoxLayout):
    code = StringProperty("")
    desk_text = StringProperty("")


class WaitingRow(BoxLayout):
    letter = StringProperty("")
    count_text = StringProperty("")
    estimate_text = StringProperty("")


class DisplayRoot(BoxLayout):
    highlight = BooleanProperty(False)


def kivy_player(path: Path, done) -> None:
    """Play a clip and call `done` once when it ends (or when it cannot be played). A timer
    one second past its length stands in if the audio device never reports the end."""
    sound = SoundLoader.load(str(path))
    if sound is None:
        log.warning("cannot play %s", path)
        done()
        return
    timer = None

    def finish(*_a) -> None:
        if timer is not None:
            timer.cancel()
        sound.unbind(on_stop=finish)
        done()

    sound.bind(on_stop=finish)
    timer = Clock.schedule_once(finish, (sound.length or 5.0) + 1.0)
    sound.play()
    kivy_player.current = sound  # keep a reference while it plays


def page_seconds(page: str) -> float:
    """How long one page of a notice stays: slow reading, never less than NOTICE_SECONDS."""
    return max(float(NOTICE_SECONDS), len(page.split()) / NOTICE_WORDS_PER_SECOND + 3.0)


def notice_pages(text: str, label) -> list[str]:
    """`text` cut into pages that each fit `label` whole (its width, its height, its font),
    at word boundaries; with more than one page each ends with its number, "(2/3)". Nothing
    is ever shortened with "…": every word is on some page."""
    from kivy.core.text import Label as CoreLabel

    words = text.split()
    width, height = label.width - 2 * label.padding[0], label.height
    if not words:
        return []

    def fits(candidate: str) -> bool:
        core = CoreLabel(text=candidate, font_size=label.font_size, font_name=label.font_name,
                         bold=label.bold, text_size=(width, None), halign="left")
        core.refresh()
        return core.content_height <= height

    if fits(text):
        return [text]
    pages: list[list[str]] = []
    current: list[str] = []
    for word in words:
        # room for the page number, up to "(99/99)"
        if current and not fits(" ".join([*current, word, "(99/99)"])):
            pages.append(current)
            current = []
        current.append(word)
    if current:
        pages.append(current)
    return [f"{' '.join(p)} ({i}/{len(pages)})" for i, p in enumerate(pages, 1)]


def fit_font(label, largest: float, smallest: float = 40, margin: float = 16) -> float:
    """The largest font size up to `largest` at which `label`'s text fits one line of its width
    (less `margin` each side) whole: the banner's "Czekamy na pierwsze wezwanie" is longer than
    "Stanowisko 3". The text is never cut with "…" nor wrapped past the label's height."""
    from kivy.core.text import Label as CoreLabel

    width = label.width - label.padding[0] - label.padding[2] - 2 * margin
    if width < 100 or not label.text:  # not laid out yet
        return largest

    def needs(size: float) -> float:
        core = CoreLabel(text=label.text, font_size=size, font_name=label.font_name,
                         bold=label.bold)
        core.refresh()
        return core.content_width

    measured = needs(largest)
    if measured <= width:
        return largest
    size = max(smallest, math.floor(largest * width / measured))
    while size > smallest and needs(size) > width:
        size -= 2
    return size


class DisplayApp(App):
    pal = ObjectProperty(theme.HIGH_CONTRAST, rebind=True)
    font_scale = NumericProperty(1.0)
    # Rows of the recent calls list: fewer while the closure strip takes its height.
    recent_rows = NumericProperty(6)
    title = "BOM — kolejka"

    def __init__(self, cfg, core, **kwargs):
        self.cfg, self.core = cfg, core
        self.i18n = translator(cfg.languages.default)
        self.recent_rows = cfg.display.recent_calls
        self.connected: bool | None = None
        self.mode = ""
        self.recent: list = []          # newest first: kiosk.queue.call_feed.Call
        self.current: list = []         # (code, desk) called and not yet served, newest first
        self.status = None
        self.banner_call = None
        self.shown: dict[int, float] = {}     # event id -> wall time of the first frame with it
        self._unstamped: list[int] = []
        self._highlight_ev = None
        self._notice_index = 0
        self._notices: list = []
        self._pages: list[str] = []  # what is left of the notice on screen, a page at a time
        self._notice_ev = None
        self._notices_read = -1e9
        self._state_file = Path(os.environ[STATE_ENV]) if os.environ.get(STATE_ENV) else None
        self._state_dirty = True
        self._last_update = time.monotonic()
        super().__init__(**kwargs)
        d = cfg.display
        chime = None
        if d.chime:
            folder = cfg.speech.cache_dir or cfg.paths.data_dir / "audio"
            chime = make_chime(folder / CHIME_NAME)
        self.announcer = AnnouncementQueue(
            speech_renderer(core.speech, d.announce_languages), kivy_player,
            lambda fn: Clock.schedule_once(lambda _dt: self._after_play_change(fn)),
            lead_in=chime)
        self.watcher = CallWatcher(
            lambda: open_display_queue(cfg, core.content), self._from_worker,
            poll_seconds=d.poll_seconds, pg_poll_seconds=d.pg_poll_seconds, listen=d.listen,
            status_seconds=d.status_seconds, max_age_seconds=d.announce_max_age_seconds,
            recent=d.recent_calls, state_file=cfg.paths.data_dir / "display-last-call.json")

    def _(self, message: str) -> str:
        return self.i18n._(message)

    def load_kv(self, filename=None):
        # Kivy would load display.kv by the class name as well; build() loads it once, by path.
        return True

    # --- building ---------------------------------------------------------------------------
    def build(self):
        Builder.load_file(str(Path(__file__).with_suffix(".kv")))
        root = DisplayRoot()
        Window.clearcolor = self.pal.BACKGROUND
        _ = self._
        ids = root.ids
        ids.office.text = self.cfg.office.name
        ids.now_title.text = _("Now calling")
        ids.current_title.text = _("Also called now")
        ids.current_desk_title.text = _("Desk")
        ids.current_header.opacity = 0
        ids.recent_title.text = _("Recent calls")
        ids.waiting_title.text = _("Waiting")
        ids.banner_code.text = "—"
        ids.banner_desk.text = _("Waiting for the first call")
        ids.closure.bind(height=lambda *_a: self._fit_recent())
        refit = Clock.create_trigger(lambda _dt: self._fit_banner_desk())
        ids.banner_desk.bind(text=lambda *_a: refit(), width=lambda *_a: refit())
        return root

    def _fit_banner_desk(self) -> None:
        label = self.root.ids.banner_desk
        size = fit_font(label, FONT_BANNER_DESK)
        if label.font_size != size:
            label.font_size = size
            self._state_dirty = True

    def on_start(self):
        self._tick_clock()
        Clock.schedule_interval(lambda _dt: self._tick_clock(), 1.0)
        self._next_notice()
        Clock.schedule_interval(lambda _dt: self._service_state_file(), 0.1)
        Clock.schedule_interval(lambda _dt: self._check_stale(), 1.0)
        Window.bind(on_flip=self._on_flip)
        self.watcher.start()
        if os.environ.get(READY_FILE_ENV):
            Window.bind(on_flip=self._report_ready)

    def _report_ready(self, *_a) -> None:
        Window.unbind(on_flip=self._report_ready)
        write_ready_file(Path(os.environ[READY_FILE_ENV]), screen="display",
                         title=self.root.ids.now_title.text)
        if os.environ.get(EXIT_AFTER_READY_ENV):
            Clock.schedule_once(lambda _dt: self.stop(), 0)

    def on_stop(self):
        self.watcher.stop()
        self.announcer.close()

    # --- clock and notices ------------------------------------------------------------------
    def _tick_clock(self) -> None:
        from kiosk.hours import office_now

        text = office_now(self.cfg.office.timezone).strftime("%H:%M")
        if self.root.ids.clock.text != text:
            self.root.ids.clock.text = text

    def _next_notice(self) -> None:
        """One notice from the content at a time, shown whole: a notice longer than the bar is
        cut into pages at word boundaries, each with its number ("1/3"), and every page stays
        long enough to be read slowly (NOTICE_WORDS_PER_SECOND, at least NOTICE_SECONDS). The
        list is read on a worker thread (once a minute): the UI thread never waits for a
        database."""
        if self._notice_ev is not None:
            self._notice_ev.cancel()
        if time.monotonic() - self._notices_read > 60:
            self._notices_read = time.monotonic()
            self._read_notices()
        label = self.root.ids.notice
        if label.width < 100:  # not laid out yet: the pages need the bar's real width
            self._notice_ev = Clock.schedule_once(lambda _dt: self._next_notice(), 0.2)
            return
        if not self._pages and self._notices:
            lang = self.cfg.languages.default
            a = self._notices[self._notice_index % len(self._notices)]
            self._notice_index += 1
            self._pages = notice_pages(f"{a.title.get(lang)}: {a.body.get(lang)}", label)
        page = self._pages.pop(0) if self._pages else ""
        if label.text != page:
            label.text = page
            self._state_dirty = True
        self._notice_ev = Clock.schedule_once(lambda _dt: self._next_notice(),
                                              page_seconds(page))

    def _read_notices(self) -> None:
        from kiosk.hours import office_now

        content, today = self.core.content, office_now(self.cfg.office.timezone).date()
        # A failure is only logged: content is local, and the calls matter more. The notices
        # read last (or none) stay.
        run_in_background(lambda: content.announcements(today), name="notices",
                          done=self._notices_arrived, error=None)

    def _notices_arrived(self, notices) -> None:
        first = not self._notices
        self._notices = list(notices)
        if first and not self._pages:
            self._next_notice()

    # --- updates from the feed ----------------------------------------------------------------
    def _from_worker(self, update: FeedUpdate) -> None:
        Clock.schedule_once(lambda _dt: self.apply(update))

    def _check_stale(self) -> None:
        stale_after = max(STALE_SECONDS, 3 * self.cfg.display.status_seconds)
        if self.connected and time.monotonic() - self._last_update > stale_after:
            self.connected = None  # the next update from the feed sets it again
            self.root.ids.note.text = self._("No connection to the queue")
            self._state_dirty = True

    def apply(self, update: FeedUpdate) -> None:
        ids = self.root.ids
        self._last_update = time.monotonic()
        self.mode = update.mode or self.mode
        if update.connected != self.connected:
            self.connected = update.connected
            # Small type: the last state stays on screen, the display reconnects by itself.
            ids.note.text = "" if update.connected else self._("No connection to the queue")
        if update.recent is not None:
            self.recent = list(update.recent)
        for call in update.calls:
            if update.recent is None:
                self.recent = ([call] + [c for c in self.recent if c.id != call.id])
            self.current = [(call.code, call.desk)] + [
                (c, d) for c, d in self.current if d != call.desk and c != call.code]
            self._unstamped.append(call.id)
        self.recent = self.recent[:self.cfg.display.recent_calls]
        if update.calls:
            newest = update.calls[-1]
            self._show_banner(newest.code, newest.desk, highlight=True)
            for call in update.calls:
                if call.id in update.announce:
                    self.announcer.submit(Announcement(call.id, call.kind, call.code, call.desk))
        if update.status is not None:
            self.status = update.status
            self.current = [(d.current.code, d.desk) for d in sorted(
                (d for d in update.status.desks if d.current is not None),
                key=lambda d: (d.current.called_at, d.current.id), reverse=True)]
            if self.banner_call is None and self.current:
                self._show_banner(*self.current[0], highlight=False)
            self._show_waiting()
            self._show_closure()
        if update.alerts is not None:
            self._show_alerts(update.alerts)
        if update.calls or update.recent is not None or update.status is not None:
            self._show_lists()
        self._state_dirty = True

    def _desk_text(self, desk: int) -> str:
        return self._("Desk {n}").format(n=desk)

    def _show_banner(self, code: str, desk: int, *, highlight: bool) -> None:
        ids = self.root.ids
        self.banner_call = (code, desk)
        ids.banner_code.text = code
        ids.banner_desk.text = self._desk_text(desk)
        if highlight:
            self.root.highlight = True
            if self._highlight_ev is not None:
                self._highlight_ev.cancel()
            self._highlight_ev = Clock.schedule_once(self._end_highlight,
                                                     self.cfg.display.highlight_seconds)

    def _end_highlight(self, *_a) -> None:
        self.root.highlight = False
        self._state_dirty = True

    def _show_lists(self) -> None:
        ids = self.root.ids
        ids.current.clear_widgets()
        # the banner's call is not repeated below it
        others = [c for c in self.current if c != self.banner_call][:CURRENT_ROWS]
        for code, desk in others:
            ids.current.add_widget(CallRow(code=code, desk_text=str(desk)))
        ids.current_header.opacity = 1 if others else 0
        ids.recent.clear_widgets()
        for c in self.recent[:self.recent_rows]:
            again = "  " + self._("(again)") if c.kind == "recall" else ""
            ids.recent.add_widget(HistoryRow(code=c.code, desk_text=self._desk_text(c.desk)
                                             + again))

    def _show_waiting(self) -> None:
        ids = self.root.ids
        ids.waiting.clear_widgets()
        lang = self.cfg.languages.default
        for c in self.status.categories:
            if c.name is None and not c.waiting:
                continue  # a letter content no longer has, with nobody waiting
            e = c.estimate
            if not c.waiting:
                est = ""
            elif e is None:
                est = self._("no estimate yet")
            else:
                est = self._("about {low}–{high} min").format(low=e.low_minutes,
                                                             high=e.high_minutes)
            row = WaitingRow(letter=c.letter,
                             count_text=self._("waiting: {n}").format(n=c.waiting),
                             estimate_text=est)
            row.name = c.name.get(lang) if c.name else ""
            ids.waiting.add_widget(row)

    def _show_closure(self) -> None:
        """A public holiday or a closure of the content, in a yellow strip under the top bar:
        "Dziś urząd nieczynny: … Otwarcie: …", or today's shorter hours; hidden otherwise."""
        text = closure_line(self.status, self.i18n)
        if self.root.ids.closure.text != text:
            self.root.ids.closure.text = text

    def _show_alerts(self, n: int) -> None:
        """For staff, in small type at the bottom right: how many technical alerts of the hall
        are open ("Obsługa: 2 zgłoszenia techniczne"); nothing when none. Only the number:
        the hall is public, the details are in `kiosk alerts`."""
        text = self.i18n.ngettext("Staff: {n} technical alert", "Staff: {n} technical alerts",
                                  n).format(n=n) if n else ""
        if self.root.ids.alerts.text != text:
            self.root.ids.alerts.text = text

    def _fit_recent(self) -> None:
        """The strip's height comes off the recent calls list, whole rows, so the right
        column still fits between the bars."""
        strip = self.root.ids.closure.height
        rows = self.cfg.display.recent_calls - (math.ceil(strip / HISTORY_HEIGHT) if strip else 0)
        rows = max(1, rows)
        if rows != self.recent_rows:
            self.recent_rows = rows
            self._show_lists()
            self._state_dirty = True

    # --- what was played ----------------------------------------------------------------------
    def _after_play_change(self, fn) -> None:
        fn()
        self._state_dirty = True

    # --- the first frame that shows a call ------------------------------------------------------
    def _on_flip(self, *_a) -> None:
        if self._unstamped:
            t = time.time()
            for eid in self._unstamped:
                self.shown.setdefault(eid, t)
            self._unstamped = []
            self._state_dirty = True

    # --- state file for tests and the benchmark ------------------------------------------------
    def state(self) -> dict:
        ids = self.root.ids

        def rows(box, fields):
            return [" ".join(getattr(w, f) for f in fields if getattr(w, f))
                    for w in reversed(box.children)]

        return {
            "time": time.time(),
            "connected": self.connected,
            "mode": self.mode,
            "note": ids.note.text,
            "banner": {"code": ids.banner_code.text, "desk": ids.banner_desk.text,
                       "highlight": bool(self.root.highlight)},
            "current": rows(ids.current, ("code", "desk_text")),
            "recent": rows(ids.recent, ("code", "desk_text")),
            "waiting": rows(ids.waiting, ("letter", "count_text", "estimate_text")),
            "clock": ids.clock.text,
            "notice": ids.notice.text,
            "closure": ids.closure.text,
            "alerts": ids.alerts.text,
            "banner_desk_font": ids.banner_desk.font_size,
            "clipped": self.clipped(),
            "last_id": self.watcher.last_id,
            "shown": self.shown,
            "queued": [e.ann.event_id for e in self.announcer.pending],
            "announced": list(self.announcer.announced),
            "played": [vars(p) for p in self.announcer.played],
        }

    def clipped(self) -> list[str]:
        """Labels (by id) whose whole text does not fit them: wrapped past their height or
        wider than their width. Labels that may shorten with "…" are not counted."""
        from kivy.uix.label import Label

        bad = []
        for name, w in self.root.ids.items():
            if not isinstance(w, Label) or not w.text or w.opacity == 0 or w.shorten:
                continue
            tw, th = w.texture_size
            if tw > w.width + 2 or th > w.height + 2:
                bad.append(f"{name}: {w.text[:40]!r} {tw}x{th} in {w.width:.0f}x{w.height:.0f}")
        return bad

    def _service_state_file(self) -> None:
        if self._state_file is None:
            return
        shot = self._state_file.with_name(self._state_file.name + ".shot")
        if shot.exists():
            target = Path(shot.read_text().strip())
            made = Window.screenshot(name=str(target.with_name("display-shot.png")))
            Path(made).replace(target)
            shot.unlink()
            self._state_dirty = True
        if self._state_file.with_name(self._state_file.name + ".quit").exists():
            self.stop()
            return
        if not self._state_dirty:
            return
        self._state_dirty = False
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state(), ensure_ascii=False, default=str))
        tmp.replace(self._state_file)
