"""Text as it should be read aloud, before any TTS engine sees it: numbers, money, dates, times,
abbreviations, addresses, phone numbers and ticket codes written out in words, in the case the
sentence demands.

TTS engines read "22 zł" as "dwadzieścia dwa zet eł", "A012" as "a zero dwanaście" and "w ciągu
14 dni" with the number in its basic form; here they become "dwadzieścia dwa złote",
"A dwanaście" and "w ciągu czternastu dni". Polish: kiosk.speech.normalise_pl (morfeusz2);
Ukrainian: kiosk.speech.normalise_uk (pymorphy3); English: kiosk.speech.normalise_en. Where
morfeusz2 is missing, Polish is normalised as before case agreement (kiosk.speech.basic), after
one warning from kiosk.morphology.
"""

from __future__ import annotations

from kiosk.speech import normalise_en, normalise_pl, normalise_uk, pl_grammar
from kiosk.speech.basic import normalise_basic

__all__ = ["normalise", "normalise_basic"]


def normalise(text: str, lang: str = "pl") -> str:
    """The text with everything a TTS engine would misread written out in words."""
    if lang == "en":
        return normalise_en.normalise(text)
    if lang == "uk":
        return normalise_uk.normalise(text)
    if not pl_grammar.available():
        return normalise_basic(text, "pl")
    return normalise_pl.normalise(text)
