"""Resident-facing text with a Polish original and optional translations."""

from __future__ import annotations

import re
from dataclasses import dataclass

LANGS = ("pl", "en", "uk")

# C0/C1 control characters except tab and newline: they garble labels and speech. Bidi
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) can make a fee or a date read
# backwards; lone surrogates (invalid UTF-8 from a command line) make output that is not UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069"
                      r"\ufeff\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Neutralise what a content editor or a sync must never bring to the screen."""
    return _CONTROL.sub("", value).replace("\r\n", "\n").strip()


@dataclass(frozen=True)
class Shown:
    """A text as shown in one language; `fallback` marks Polish shown in place of a translation."""

    text: str
    lang: str
    fallback: bool


@dataclass(frozen=True)
class LocalText:
    pl: str
    en: str | None = None
    uk: str | None = None

    def get(self, lang: str) -> str:
        return self.show(lang).text

    def show(self, lang: str) -> Shown:
        value = getattr(self, lang, None) if lang in LANGS else None
        if value:
            return Shown(value, lang, False)
        return Shown(self.pl, "pl", lang != "pl")

    def has(self, lang: str) -> bool:
        return bool(getattr(self, lang, None))

    def to_json(self) -> dict[str, str]:
        return {k: v for k in LANGS if (v := getattr(self, k))}

    @classmethod
    def from_json(cls, data: dict[str, str] | None) -> LocalText | None:
        if data is None:
            return None
        return cls(data.get("pl", ""), data.get("en"), data.get("uk"))

    def __str__(self) -> str:
        return self.pl
