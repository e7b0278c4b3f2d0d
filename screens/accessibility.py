"""Accessibility settings, one tap from every screen: audio mode, text size, high contrast,
controls within reach, and in audio mode the privacy screen, volume and speech speed. Every
setting says its state in words and ends with the session."""

from __future__ import annotations

from kiosk.i18n import N_
from kiosk.speech.service import SPEEDS, VOLUMES
from screens import theme
from screens.base import KioskScreen, load_kv
from screens.widgets import KButton, PrimaryButton, SwitchButton, TitleLabel

TEXT_SIZES = {1.0: N_("Normal text"), 1.5: N_("Large text"), 2.0: N_("Very large text")}
# Each switch says its state in a whole phrase of its own, so each language can make the
# words agree ("Przyciski niżej: wyłączone", not "wyłączony" as for "Tryb głosowy").
SWITCH_STATES = {
    "audio": (N_("Audio mode: on"), N_("Audio mode: off")),
    "privacy": (N_("Hide the screen: on"), N_("Hide the screen: off")),
    "contrast": (N_("High contrast: on"), N_("High contrast: off")),
    "reach": (N_("Buttons lower down: on"), N_("Buttons lower down: off")),
}


class AccessibilityScreen(KioskScreen):
    reuse_widgets = True
    def crumb(self, **_params) -> str:
        return self._("Accessibility")

    def _on_off(self, which: str, on: bool) -> str:
        return self._(SWITCH_STATES[which][0 if on else 1])

    def render(self, **_params) -> None:
        self.show_page()
        self.finish()

    def page_key(self, **_params):
        app = self.app
        if not app.audio_on:
            return ("accessibility",)
        speaker = app.audio.speaker
        return ("accessibility", app.privacy, speaker.volume_step, speaker.speed_step)

    def fill(self, **_params) -> None:
        app = self.app
        _ = self._
        self.add(self.take(TitleLabel, text=_("Accessibility")))
        self.para(_("Everything here goes back to normal when you tap Start screen, or when "
                    "nobody touches the kiosk for a while."))

        box = self.card()
        self.heading(_("Audio mode"), box)
        self.para(_("The kiosk reads everything aloud. Use the headphones. Move with the keys "
                    "or by swiping, choose with Enter or a double tap."), box)
        self.switch("audio", app.audio_on, self._toggle_audio, box)
        if app.audio_on:
            self.switch("privacy", app.privacy,
                        lambda: self._then_refresh(app.audio.set_privacy, not app.privacy), box)
            self._stepper(box, _("Volume {n} of {total}.").format(
                n=app.audio.speaker.volume_step + 1, total=len(VOLUMES)), app.audio.volume)
            self._stepper(box, _("Speech speed {n} of {total}.").format(
                n=app.audio.speaker.speed_step + 1, total=len(SPEEDS)), app.audio.speed)

        box = self.card()
        self.heading(_("Text size"), box)
        for scale in theme.LARGE_TEXT_SCALES:
            label = _(TEXT_SIZES[scale])
            chosen = abs(app.font_scale - scale) < 0.01
            text = _("{label} (chosen)").format(label=label) if chosen else label
            self.button(text, lambda s=scale: app.set_font_scale(s), box,
                        cls=PrimaryButton if chosen else KButton)

        box = self.card()
        self.heading(_("Contrast"), box)
        high = app.pal is theme.HIGH_CONTRAST
        self.switch("contrast", high,
                    lambda: app.set_palette("normal" if high else "high_contrast"), box)

        box = self.card()
        self.heading(_("Within reach"), box)
        self.para(_("All buttons in the lower part of the screen, for a seated person."), box)
        self.switch("reach", app.low_reach,
                    lambda: app.set_low_reach(not app.low_reach), box)

    def switch(self, which: str, on: bool, toggle, parent) -> SwitchButton:
        return self.add(self.take(SwitchButton, toggle, text=self._on_off(which, on), active=on),
                        parent)

    def _toggle_audio(self) -> None:
        """Audio mode on or off from here; the page shows the new state (and, when on, the
        privacy, volume and speed controls) without audio mode announcing the page again
        over its spoken orientation."""
        app = self.app
        if app.audio_on:
            app.audio.stop()
            self.refresh()
        else:
            app.audio.start()
            self.refresh()
            app.audio.recollect_quietly()

    def _stepper(self, parent, label: str, change) -> None:
        self.para(label, parent, bold=True)
        self.button(self._("Less"), lambda: self._then_refresh(change, -1), parent)
        self.button(self._("More"), lambda: self._then_refresh(change, 1), parent)

    def _then_refresh(self, fn, arg) -> None:
        fn(arg)
        self.refresh()


SCREEN = AccessibilityScreen
load_kv(__file__)
