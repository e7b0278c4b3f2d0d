"""What the normaliser leaves unsaid: every token still written as digits or symbols (or with a
dot inside a word) after normalising the bundled content and the UI catalogues, per language.

`kiosk speak --scan-content` and scripts/scan_speech.py print it; a test keeps it at zero.
The content is read from its YAML files (every text a resident can hear, not only those the
nightly prerender renders: legal bases, addresses, phone numbers, hours, form examples), the
catalogues from their .po files with sample numbers in their placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.speech import common, normalise_pl
from kiosk.speech.normalise import normalise

LANGS = ("pl", "en", "uk")
# Plain (untranslated) fields read on a screen in any language: scanned in each.
ANY_LANGUAGE_KEYS = frozenset({"building", "entrance", "room", "desk", "floor", "email",
                               "example", "booking_url", "url", "online_url", "resolution",
                               "legal_basis", "phones", "hours", "mon", "tue", "wed", "thu",
                               "fri", "sat", "sun"})
# Identifiers and machine fields: never spoken.
SKIP_KEYS = frozenset({"symbol", "category", "department", "queue_category", "valid_from",
                       "valid_to", "last_reviewed", "source_url", "keywords", "unconfirmed",
                       "code", "form", "kind", "icon", "letter", "amount", "year", "days",
                       "deadline_days", "cutoff_minutes", "revision", "schema_version",
                       "words", "matters", "means", "order", "priority", "conditional",
                       "percent", "daily_limit"})
SAMPLE_NUMBERS = (1, 2, 5, 22)
# Numbers that fit each plural form of a catalogue ("1 osoba", "2 osoby", "5 osób").
PLURAL_SAMPLES = {"pl": ((1,), (2, 22), (5, 12)), "en": ((1,), (2, 5)),
                  "uk": ((1, 21), (2, 22), (5, 11))}


def content_texts(folder: Path) -> list[tuple[str, str]]:
    """(text, language it is spoken in) for every resident-facing string of the content."""
    import yaml

    out: list[tuple[str, str]] = []

    def walk(value: object, key: str | None) -> None:
        if isinstance(value, dict):
            if value and set(value) <= set(LANGS) and all(
                    isinstance(v, str | None) for v in value.values()):
                for lang in LANGS:  # a missing translation is said in Polish
                    text = value.get(lang) or value.get("pl")
                    if text:
                        out.append((text, lang if value.get(lang) else "pl"))
                return
            for k, v in value.items():
                if str(k) not in SKIP_KEYS:
                    walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and value.strip():
            for lang in (LANGS if key in ANY_LANGUAGE_KEYS else ("pl",)):
                out.append((value, lang))

    for path in sorted(folder.rglob("*.yaml")):
        if path.name == "synonyms.yaml":
            continue
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), None)
    return list(dict.fromkeys(out))


def catalogue_texts(locale_dir: Path) -> list[tuple[str, str]]:
    """Every UI string of the pl, en and uk catalogues, its placeholders filled with sample
    numbers (a count, a desk, a step)."""
    from babel.messages.pofile import read_po

    out: list[tuple[str, str]] = []
    for lang in LANGS:
        path = locale_dir / lang / "LC_MESSAGES" / "kiosk.po"
        with path.open("rb") as fh:
            catalogue = read_po(fh, locale=lang if lang != "uk" else "uk_UA")
        for msg in catalogue:
            if not msg.id:
                continue
            strings = msg.string if isinstance(msg.string, tuple | list) else (msg.string,)
            for i, s in enumerate(strings):
                s = s or (msg.id if isinstance(msg.id, str) else msg.id[0])
                if "{" not in s:
                    out.append((s, lang))
                    continue
                numbers = (PLURAL_SAMPLES[lang][i] if isinstance(msg.id, tuple | list)
                           else SAMPLE_NUMBERS)
                for n in numbers:
                    out.append((re.sub(r"\{[^}]*\}", str(n), s), lang))
    return list(dict.fromkeys(out))


@dataclass
class LanguageScan:
    texts: int = 0
    tokens: list[tuple[str, str]] = field(default_factory=list)  # (token, text it came from)

    def as_dict(self) -> dict:
        return {"texts": self.texts, "unsaid": len(self.tokens),
                "tokens": [{"token": t, "text": s[:160]} for t, s in self.tokens[:200]]}


@dataclass
class ScanReport:
    languages: dict[str, LanguageScan]
    undecided: list[str]  # sentences whose number kept its basic form (logged for content)

    @property
    def unsaid(self) -> int:
        return sum(len(s.tokens) for s in self.languages.values())

    def as_dict(self) -> dict:
        return {"unsaid": self.unsaid,
                "languages": {k: v.as_dict() for k, v in self.languages.items()},
                "undecided": self.undecided}


def scan(texts: Iterable[tuple[str, str]]) -> ScanReport:
    report = ScanReport({lang: LanguageScan() for lang in LANGS}, [])
    before = len(normalise_pl.UNDECIDED)
    for text, lang in dict.fromkeys(texts):
        said = normalise(text, lang)
        found = report.languages.setdefault(lang, LanguageScan())
        found.texts += 1
        for token in common.UNSAID.findall(said):
            found.tokens.append((token, text))
    report.undecided = list(normalise_pl.UNDECIDED[before:])
    return report


def bundled_texts() -> list[tuple[str, str]]:
    """The bundled content and the UI catalogues, in every language."""
    from kiosk import SAMPLE_CONTENT_DIR
    from kiosk.i18n import LOCALE_DIR

    return content_texts(Path(SAMPLE_CONTENT_DIR)) + catalogue_texts(Path(LOCALE_DIR))
