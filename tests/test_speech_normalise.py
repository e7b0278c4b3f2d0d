"""The Polish normaliser: what a blind resident hears must be what a person would say."""

import pytest

from kiosk.speech.normalise import normalise

POLISH = [
    # money: grammatical forms of złoty and grosz
    ("22 zł", "dwadzieścia dwa złote"),
    ("17 zł", "siedemnaście złotych"),
    ("100,50 zł", "sto złotych pięćdziesiąt groszy"),
    ("1 zł", "jeden złoty"),
    ("2 zł", "dwa złote"),
    ("5 zł", "pięć złotych"),
    ("12 zł", "dwanaście złotych"),
    ("24 zł", "dwadzieścia cztery złote"),
    ("33 zł", "trzydzieści trzy złote"),
    ("39 zł", "trzydzieści dziewięć złotych"),
    ("111 zł", "sto jedenaście złotych"),
    ("1 000 zł", "tysiąc złotych"),
    ("2,01 zł", "dwa złote jeden grosz"),
    ("0,50 zł", "pięćdziesiąt groszy"),
    ("82 PLN", "osiemdziesiąt dwa złote"),
    ("50 gr", "pięćdziesiąt groszy"),
    ("22 gr", "dwadzieścia dwa grosze"),
    ("Opłata wynosi 22 zł, pok. 12, ul. Szkolna 28",
     "Opłata wynosi dwadzieścia dwa złote, pokój dwanaście, ulica Szkolna dwadzieścia osiem"),
    # desks and rooms
    ("stanowisko 3", "stanowisko numer trzy"),
    ("stanowisko nr 12", "stanowisko numer dwanaście"),
    ("okienko 7", "okienko numer siedem"),
    ("pok. 104", "pokój sto cztery"),
    ("pokój 12", "pokój dwanaście"),
    ("sala 2", "sala dwa"),
    # ticket codes
    ("A012", "A dwanaście"),
    ("B001", "B jeden"),
    ("Bilet C100", "Bilet C sto"),
    ("Numer A 012, stanowisko 3", "Numer A dwanaście, stanowisko numer trzy"),
    ("F 999", "F dziewięćset dziewięćdziesiąt dziewięć"),
    # dates
    ("15 marca 2026", "piętnastego marca dwa tysiące dwudziestego szóstego roku"),
    ("1 stycznia", "pierwszego stycznia"),
    ("2 lutego 2027 r.", "drugiego lutego dwa tysiące dwudziestego siódmego roku"),
    ("24.11.2026", "dwudziestego czwartego listopada dwa tysiące dwudziestego szóstego roku"),
    ("3.05.2026 r.", "trzeciego maja dwa tysiące dwudziestego szóstego roku"),
    ("2026-12-31", "trzydziestego pierwszego grudnia dwa tysiące dwudziestego szóstego roku"),
    ("do 31 marca", "do trzydziestego pierwszego marca"),
    ("12 października 2000", "dwunastego października dwutysięcznego roku"),
    # times
    ("godz. 15:30", "godzina piętnasta trzydzieści"),
    ("8:00", "ósma"),
    ("7:05", "siódma zero pięć"),
    ("21:15", "dwudziesta pierwsza piętnaście"),
    ("o 12:00", "o dwunastej"),
    ("do 15:30", "do piętnastej trzydzieści"),
    ("8:00–15:30", "od ósmej do piętnastej trzydzieści"),
    ("Wtorek: 08:00–17:00", "Wtorek: od ósmej do siedemnastej"),
    ("od 7:30 do 15:30", "od siódmej trzydzieści do piętnastej trzydzieści"),
    # abbreviations
    ("ul. Szkolna", "ulica Szkolna"),
    ("al. Armii Krajowej 5", "aleja Armii Krajowej pięć"),
    ("pl. Kościuszki", "plac Kościuszki"),
    ("nr 5", "numer pięć"),
    ("np. dowód", "na przykład dowód"),
    ("ok. 30 dni", "około trzydziestu dni"),
    ("Ul. Szkolna", "Ulica Szkolna"),
    ("m.in. akt urodzenia", "między innymi akt urodzenia"),
    ("wg taryfy", "według taryfy"),
    ("art. 5 ust. 2", "artykuł pięć ustęp dwa"),
    # phone numbers: group by group, as people say them ("zero siedem" for a leading zero)
    ("tel. 44 732 77 07",
     "telefon czterdzieści cztery, siedemset trzydzieści dwa, siedemdziesiąt siedem, zero siedem"),
    ("44 732 77 07",
     "czterdzieści cztery, siedemset trzydzieści dwa, siedemdziesiąt siedem, zero siedem"),
    ("+48 44 732 77 07",
     "plus czterdzieści osiem, czterdzieści cztery, siedemset trzydzieści dwa, "
     "siedemdziesiąt siedem, zero siedem"),
    ("600 123 456", "sześćset, sto dwadzieścia trzy, czterysta pięćdziesiąt sześć"),
    # numbers, percents, decimals
    ("2,5%", "dwa i pół procent"),
    ("1%", "jeden procent"),
    ("30 dni", "trzydzieści dni"),
    ("14 dni", "czternaście dni"),
    ("1,5 m", "półtora metra"),
    ("Wydział 2", "Wydział dwa"),
    # text without anything to change stays as it is
    ("Dzień dobry!", "Dzień dobry!"),
    ("Zażółć gęślą jaźń", "Zażółć gęślą jaźń"),
]


@pytest.mark.parametrize("text, spoken", POLISH, ids=[t for t, _ in POLISH])
def test_polish(text, spoken):
    assert normalise(text, "pl") == spoken


def test_the_table_covers_at_least_sixty_cases():
    assert len(POLISH) >= 60


@pytest.mark.parametrize("text, lang, spoken", [
    ("Ticket A012 at 15:30, 17 zł", "en", "Ticket A twelve at fifteen thirty, seventeen zlotys"),
    ("Квиток A012, 22 zł", "uk", "Квиток A дванадцять, двадцять два злоті"),
    ("Desk 3", "en", "Desk three"),
])
def test_english_and_ukrainian_numbers(text, lang, spoken):
    assert normalise(text, lang) == spoken
