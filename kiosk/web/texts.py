"""The live queue page's own words, Polish first, then English and Ukrainian, and the choice of
language: `?lang=pl|en|uk`, else the browser's Accept-Language, else Polish.

Kept here rather than in the kiosk's gettext catalogues: the page is read on a phone, away from
the kiosk, and its wording is short and its own. Every key has all three languages with the
same placeholders (tests/test_web.py checks).
"""

from __future__ import annotations

LANGS = ("pl", "en", "uk")
DEFAULT = "pl"
LANG_NAMES = {"pl": "Polski", "en": "English", "uk": "Українська"}

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "pl": "Kolejka na żywo",
        "en": "Live queue",
        "uk": "Черга наживо",
    },
    "intro": {
        "pl": "Biuro Obsługi Mieszkańców. Strona odświeża się sama.",
        "en": "Residents' Service Office. This page updates by itself.",
        "uk": "Бюро обслуговування мешканців. Сторінка оновлюється сама.",
    },
    "waiting": {
        "pl": "Czeka",
        "en": "Waiting",
        "uk": "Очікують",
    },
    "last_called": {
        "pl": "Ostatnio wywołane",
        "en": "Last called",
        "uk": "Останні виклики",
    },
    "none_called": {
        "pl": "Dziś jeszcze nikt nie został wywołany.",
        "en": "Nobody has been called yet today.",
        "uk": "Сьогодні ще нікого не викликали.",
    },
    "desk": {
        "pl": "stanowisko {desk}",
        "en": "desk {desk}",
        "uk": "вікно {desk}",
    },
    "to_desk": {
        "pl": "{code} → stanowisko {desk}",
        "en": "{code} → desk {desk}",
        "uk": "{code} → вікно {desk}",
    },
    "wait": {
        "pl": "Przewidywane czekanie: {low}–{high} min",
        "en": "Expected wait: {low}–{high} min",
        "uk": "Орієнтовне очікування: {low}–{high} хв",
    },
    "no_estimate": {
        "pl": "Czasu czekania jeszcze nie umiemy ocenić.",
        "en": "No wait estimate yet.",
        "uk": "Час очікування поки невідомий.",
    },
    "hours_today": {
        "pl": "Dziś: {hours}",
        "en": "Today: {hours}",
        "uk": "Сьогодні: {hours}",
    },
    "tickets_until": {
        "pl": "Bilety do {time}",
        "en": "Tickets until {time}",
        "uk": "Талони до {time}",
    },
    "tickets_from": {
        "pl": "Bilety od {time}",
        "en": "Tickets from {time}",
        "uk": "Талони з {time}",
    },
    "no_more_today": {
        "pl": "Dziś nie wydajemy już biletów.",
        "en": "No more tickets today.",
        "uk": "Сьогодні талонів більше немає.",
    },
    "limit_reached": {
        "pl": "Dzisiejsze bilety zostały już wydane.",
        "en": "Today's tickets have all been given out.",
        "uk": "Усі сьогоднішні талони вже видано.",
    },
    "closed_today": {
        "pl": "Dziś nie wydajemy biletów.",
        "en": "No tickets today.",
        "uk": "Сьогодні талони не видаються.",
    },
    "no_categories": {
        "pl": "Kolejka jest dziś nieczynna.",
        "en": "The queue is not running today.",
        "uk": "Сьогодні черга не працює.",
    },
    "updated": {
        "pl": "Ostatnia zmiana o {time}",
        "en": "Last change at {time}",
        "uk": "Остання зміна о {time}",
    },
    "offline": {
        "pl": "Brak połączenia z kolejką. Pokazujemy ostatni znany stan.",
        "en": "No connection to the queue. Showing the last known state.",
        "uk": "Немає зв'язку з чергою. Показуємо останній відомий стан.",
    },
    "your_ticket": {
        "pl": "Twój bilet",
        "en": "Your ticket",
        "uk": "Ваш талон",
    },
    "ahead": {
        "pl": "Przed Tobą",
        "en": "People ahead of you",
        "uk": "Перед вами",
    },
    "status_waiting": {
        "pl": "Czekasz w kolejce.",
        "en": "You are waiting in the queue.",
        "uk": "Ви чекаєте в черзі.",
    },
    "status_called": {
        "pl": "Zapraszamy do stanowiska {desk}",
        "en": "Please go to desk {desk}",
        "uk": "Підійдіть до вікна {desk}",
    },
    "status_served": {
        "pl": "Sprawa obsłużona. Dziękujemy!",
        "en": "Served. Thank you!",
        "uk": "Обслуговано. Дякуємо!",
    },
    "status_expired": {
        "pl": "Ten bilet jest już nieważny.",
        "en": "This ticket is no longer valid.",
        "uk": "Цей талон уже недійсний.",
    },
    "all_queues": {
        "pl": "Cała kolejka",
        "en": "The whole queue",
        "uk": "Уся черга",
    },
    "not_found_title": {
        "pl": "Nie ma takiego biletu",
        "en": "No such ticket",
        "uk": "Такого талона немає",
    },
    "not_found": {
        "pl": "Sprawdź, czy adres jest taki sam jak w kodzie QR na bilecie.",
        "en": "Check that the address is the one in the QR code on your ticket.",
        "uk": "Перевірте, чи адреса така сама, як у QR-коді на талоні.",
    },
    "qr_label": {
        "pl": "Twoje miejsce w kolejce na żywo",
        "en": "Your place in the queue, live",
        "uk": "Ваше місце в черзі наживо",
    },
    "language": {
        "pl": "Język",
        "en": "Language",
        "uk": "Мова",
    },
}


class Texts:
    """The page's words in one language: `t("key", desk=3)`."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else DEFAULT

    def __call__(self, key: str, **values: object) -> str:
        text = TEXTS[key][self.lang]
        return text.format(**values) if values else text


def choose_language(query: str | None, accept_language: str | None) -> str:
    """`?lang=` when it names one of ours; else the first of ours the browser asks for (by
    q-value, "uk-UA" counts as "uk", "ru" does not count); else Polish."""
    if query in LANGS:
        return query
    best: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        if base not in LANGS:
            continue
        q = 1.0
        for p in params.split(";"):
            name, _eq, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            best.append((-q, i, base))
    return min(best)[2] if best else DEFAULT
