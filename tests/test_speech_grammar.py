"""Spoken Polish, Ukrainian and English with numbers in the case the sentence demands (issue 21).

Each row states the whole text a resident hears. Rows come from the bundled content, the UI
catalogues and sentences of the office; PREPOSITION_ROWS has one row per row of the preposition
table (kiosk.speech.pl_cases.PREPOSITION_CASES).
"""

from __future__ import annotations

import logging

import pytest

from kiosk import morphology
from kiosk.speech import normalise_pl
from kiosk.speech.cache import cache_key
from kiosk.speech.normalise import normalise, normalise_basic
from kiosk.speech.pl_cases import PREPOSITION_CASES

# fmt: off
PL = [
    ('Odwołanie złóż w ciągu 30 dni, w pok. 12 na 2 piętrze.',
     'Odwołanie złóż w ciągu trzydziestu dni, w pokoju dwanaście na drugim piętrze.'),
    ('Odwołanie złóż w USC w ciągu 14 dni od jej doręczenia.',
     'Odwołanie złóż w USC w ciągu czternastu dni od jej doręczenia.'),
    ('2 osoby przed Tobą', 'dwie osoby przed Tobą'),
    ('po 6 miesiącach', 'po sześciu miesiącach'),
    ('ok. 15 min', 'około piętnastu minut'),
    ('w 2026 r.', 'w dwa tysiące dwudziestym szóstym roku'),
    ('0,50 zł', 'pięćdziesiąt groszy'),
    ('pon.–pt. 8:00–15:30', 'od poniedziałku do piątku od ósmej do piętnastej trzydzieści'),
    ('I piętro', 'pierwsze piętro'),
    ('bom@piotrkow.pl', 'bom małpa piotrkow kropka pl'),
    ('w wieku 18–25 lat', 'w wieku od osiemnastu do dwudziestu pięciu lat'),
    ('10–25 minut', 'od dziesięciu do dwudziestu pięciu minut'),
    ('Kodeks postępowania administracyjnego, art. 217–219',
     'Kodeks postępowania administracyjnego, artykuły od dwieście siedemnastego do dwieście '
     'dziewiętnastego'),
    ('Kodeks postępowania administracyjnego, dział VIII (art. 221–260)',
     'Kodeks postępowania administracyjnego, dział ósmy (artykuły od dwieście dwudziestego '
     'pierwszego do dwieście sześćdziesiątego)'),
    ('Uchwała nr XLVII/593/22 Rady Miasta Piotrkowa Trybunalskiego z 26.01.2022',
     'Uchwała numer czterdzieści siedem łamane przez pięćset dziewięćdziesiąt trzy łamane przez '
     'dwadzieścia dwa Rady Miasta Piotrkowa Trybunalskiego z dwudziestego szóstego stycznia dwa '
     'tysiące dwudziestego drugiego roku'),
    ('3 x 35,00 zł = 105,00 zł', 'trzy razy trzydzieści pięć złotych równa się sto pięć złotych'),
    ('ul. Przykładowa 1 m. 2, działka nr 0/0',
     'ulica Przykładowa jeden mieszkanie dwa, działka numer zero łamane przez zero'),
    ('Kolorowe zdjęcie 35 x 45 mm, nie starsze niż 6 miesięcy',
     'Kolorowe zdjęcie trzydzieści pięć na czterdzieści pięć milimetrów, nie starsze niż sześć '
     'miesięcy'),
    ('Zamelduj się najpóźniej w 30. dniu od dnia, w którym się wprowadziłeś.',
     'Zamelduj się najpóźniej w trzydziestym dniu od dnia, w którym się wprowadziłeś.'),
    ('Zrób to do 10. dnia następnego miesiąca.',
     'Zrób to do dziesiątego dnia następnego miesiąca.'),
    ('Ustawa z dnia 16 listopada 2006 r. o opłacie skarbowej',
     'Ustawa z dnia szesnastego listopada dwa tysiące szóstego roku o opłacie skarbowej'),
    ('Dowód osoby, która ma co najmniej 12 lat, jest ważny 10 lat, a dziecka do 12 lat – 5 lat.',
     'Dowód osoby, która ma co najmniej dwanaście lat, jest ważny dziesięć lat, a dziecka do '
     'dwunastu lat – pięć lat.'),
    ('alkohol od 4,5% do 18% (bez piwa)',
     'alkohol od czterech i pół procent do osiemnastu procent (bez piwa)'),
    ('od 1 m² powierzchni użytkowej rocznie',
     'od jednego metra kwadratowego powierzchni użytkowej rocznie'),
    ('Krok 2 z 5', 'Krok dwa z pięciu'),
    ('Za 1 sekundę kiosk wróci do ekranu startowego.',
     'Za jedną sekundę kiosk wróci do ekranu startowego.'),
    ('z 2 świadkami', 'z dwoma świadkami'),
    ('2 świadków', 'dwóch świadków'),
    ('Stawki na 2026 rok', 'Stawki na dwa tysiące dwudziesty szósty rok'),
    ('przy ul. Szkolnej 28', 'przy ulicy Szkolnej dwadzieścia osiem'),
    ('97-300 Piotrków Trybunalski', 'dziewięćdziesiąt siedem trzysta Piotrków Trybunalski'),
    ('PESEL 00000000000', 'PESEL zero zero zero zero zero zero zero zero zero zero zero'),
    ('Złóż wniosek CEIDG-1 przez internet na biznes.gov.pl.',
     'Złóż wniosek CEIDG jeden przez internet na biznes kropka gov kropka pl.'),
    ('https://bom.piotrkow.pl/', 'bom kropka piotrkow kropka pl'),
    ('Kodeks postępowania administracyjnego, art. 217 § 3',
     'Kodeks postępowania administracyjnego, artykuł dwieście siedemnaście paragraf trzy'),
    ('w XIX wieku', 'w dziewiętnastym wieku'),
    ('na II piętrze', 'na drugim piętrze'),
    ('przez 3 miesiące', 'przez trzy miesiące'),
    ('za 5 dni', 'za pięć dni'),
    ('w ciągu 1 miesiąca', 'w ciągu jednego miesiąca'),
    ('od 10. tygodnia ciąży', 'od dziesiątego tygodnia ciąży'),
    ('Od 12 lat', 'Od dwunastu lat'),
    ('Opłata wynosi 100,50 zł.', 'Opłata wynosi sto złotych pięćdziesiąt groszy.'),
    ('do 100 zł', 'do stu złotych'),
    ('z ostatnich 3 miesięcy', 'z ostatnich trzech miesięcy'),
    ('Pasaż Karola Rudowskiego 10 lub ul. Szkolna 28',
     'Pasaż Karola Rudowskiego dziesięć lub ulica Szkolna dwadzieścia osiem'),
    ('do godz. 15:30', 'do godziny piętnastej trzydzieści'),
    ('w godz. 8:00–15:30', 'w godzinach od ósmej do piętnastej trzydzieści'),
    ('Dz. U. z 2024 r. poz. 572',
     'Dziennik Ustaw z dwa tysiące dwudziestego czwartego roku pozycja pięćset siedemdziesiąt dwa'),
    ('art. 127 k.p.a.', 'artykuł sto dwadzieścia siedem Kodeksu postępowania administracyjnego'),
    ('od 1 ha powierzchni rocznie', 'od jednego hektara powierzchni rocznie'),
    ('w dniach 2–3 maja', 'w dniach od drugiego do trzeciego maja'),
    ('Szpital przesyła kartę urodzenia, a rodzic ma 21 dni na zgłoszenie.',
     'Szpital przesyła kartę urodzenia, a rodzic ma dwadzieścia jeden dni na zgłoszenie.'),
    ('W ciągu 21 dni przyjdź do USC.', 'W ciągu dwudziestu jeden dni przyjdź do USC.'),
    ('Przed Tobą czekają 22 osoby.', 'Przed Tobą czekają dwadzieścia dwie osoby.'),
    ('Przed Tobą czeka 5 osób.', 'Przed Tobą czeka pięć osób.'),
    ('Przed Tobą czeka 1 osoba.', 'Przed Tobą czeka jedna osoba.'),
    ('Za 2 sekundy kiosk wróci do ekranu startowego.',
     'Za dwie sekundy kiosk wróci do ekranu startowego.'),
    ('Spróbuj ponownie za 5 minut.', 'Spróbuj ponownie za pięć minut.'),
    ('Jeszcze 2 próby przed blokadą.', 'Jeszcze dwie próby przed blokadą.'),
    ('Obsługa: 2 zgłoszenia techniczne', 'Obsługa: dwa zgłoszenia techniczne'),
    ('Opłata wynosi 84 zł, a za pełnomocnictwo 17 zł.',
     'Opłata wynosi osiemdziesiąt cztery złote, a za pełnomocnictwo siedemnaście złotych.'),
    ('Płać podatek co miesiąc do 15. dnia miesiąca, a za styczeń do 31 stycznia.',
     'Płać podatek co miesiąc do piętnastego dnia miesiąca, a za styczeń do trzydziestego '
     'pierwszego stycznia.'),
    ('trwający ponad 3 miesiące', 'trwający ponad trzy miesiące'),
    ('dłuższy niż 3 miesiące', 'dłuższy niż trzy miesiące'),
    ('Matka musiała być pod opieką lekarską od 10. tygodnia ciąży do porodu.',
     'Matka musiała być pod opieką lekarską od dziesiątego tygodnia ciąży do porodu.'),
    ('Wniosek złóż najpóźniej w 9. dniu przed dniem wyborów.',
     'Wniosek złóż najpóźniej w dziewiątym dniu przed dniem wyborów.'),
    ('co 2 tygodnie', 'co dwa tygodnie'),
    ('na 2 dni', 'na dwa dni'),
    ('w 2 dni', 'w dwa dni'),
    ('między 2 budynkami', 'między dwoma budynkami'),
    ('dzięki 2 osobom', 'dzięki dwóm osobom'),
    ('bez 2 dokumentów', 'bez dwóch dokumentów'),
    ('dla 3 osób', 'dla trzech osób'),
    ('podczas 2 wizyt', 'podczas dwóch wizyt'),
    ('powyżej 5 stron', 'powyżej pięciu stron'),
    ('poniżej 18 lat', 'poniżej osiemnastu lat'),
    ('po upływie 1 miesiąca', 'po upływie jednego miesiąca'),
    ('w terminie 14 dni', 'w terminie czternastu dni'),
    ('w okresie 12 miesięcy', 'w okresie dwunastu miesięcy'),
    ('w wysokości 22 zł', 'w wysokości dwudziestu dwóch złotych'),
    ('na wysokości 5 cm', 'na wysokości pięciu centymetrów'),
    ('według 2 taryf', 'według dwóch taryf'),
    ('u 2 lekarzy', 'u dwóch lekarzy'),
    ('przy 2 stanowiskach', 'przy dwóch stanowiskach'),
    ('nad 2 piętrami', 'nad dwoma piętrami'),
    ('pod 2 adresami', 'pod dwoma adresami'),
    ('o 2 dni dłużej', 'o dwa dni dłużej'),
    ('wraz z 2 załącznikami', 'wraz z dwoma załącznikami'),
    ('zgodnie z 2 przepisami', 'zgodnie z dwoma przepisami'),
    ('na podstawie 2 dokumentów', 'na podstawie dwóch dokumentów'),
    ('w kwocie 50 zł', 'w kwocie pięćdziesięciu złotych'),
    ('przed upływem 14 dni', 'przed upływem czternastu dni'),
    ('około 30 minut', 'około trzydziestu minut'),
    ('od 1 stycznia 2026 r.', 'od pierwszego stycznia dwa tysiące dwudziestego szóstego roku'),
    ('do 31 marca', 'do trzydziestego pierwszego marca'),
    ('15 marca 2026', 'piętnastego marca dwa tysiące dwudziestego szóstego roku'),
    ('2026-12-31', 'trzydziestego pierwszego grudnia dwa tysiące dwudziestego szóstego roku'),
    ('o 12:00', 'o dwunastej'),
    ('od 7:30 do 15:30', 'od siódmej trzydzieści do piętnastej trzydzieści'),
    ('Krok 1 z 3', 'Krok jeden z trzech'),
    ('Tempo mowy 3 z 5.', 'Tempo mowy trzy z pięciu.'),
    ('Głośność 2 z 4.', 'Głośność dwa z czterech.'),
    ('Stanowisko 3', 'Stanowisko numer trzy'),
    ('Numer A012, stanowisko 3', 'Numer A dwanaście, stanowisko numer trzy'),
    ('Wydział 2', 'Wydział dwa'),
    ('tel. 44 732 77 07',
     'telefon czterdzieści cztery, siedemset trzydzieści dwa, siedemdziesiąt siedem, zero siedem'),
    ('w 2 pokojach', 'w dwóch pokojach'),
    ('2 lata', 'dwa lata'),
    ('5 lat', 'pięć lat'),
    ('22 lata', 'dwadzieścia dwa lata'),
    ('1 rok', 'jeden rok'),
    ('1 dzień', 'jeden dzień'),
    ('2 dni', 'dwa dni'),
    ('w ciągu 2 tygodni', 'w ciągu dwóch tygodni'),
    ('przez 2 tygodnie', 'przez dwa tygodnie'),
    ('w ciągu 7 dni', 'w ciągu siedmiu dni'),
    ('ponad 30 dni', 'ponad trzydzieści dni'),
    ('30 dni kalendarzowych', 'trzydzieści dni kalendarzowych'),
    ('14 kolejnych dni', 'czternaście kolejnych dni'),
    ('do 2 miesięcy', 'do dwóch miesięcy'),
    ('w ciągu 6 miesięcy', 'w ciągu sześciu miesięcy'),
    ('na 6 miesięcy', 'na sześć miesięcy'),
    ('przed 15 marca', 'przed piętnastym marca'),
    ('po 15 marca', 'po piętnastym marca'),
    ('1000 zł', 'tysiąc złotych'),
    ('2000 zł', 'dwa tysiące złotych'),
    ('1 zł', 'jeden złoty'),
    ('21 zł', 'dwadzieścia jeden złotych'),
    ('do 1000 zł', 'do tysiąca złotych'),
    ('w kwocie 1 zł', 'w kwocie jednego złotego'),
    ('2,01 zł', 'dwa złote jeden grosz'),
    ('50 gr', 'pięćdziesiąt groszy'),
    ('22 gr', 'dwadzieścia dwa grosze'),
    ('18%', 'osiemnaście procent'),
    ('do 18%', 'do osiemnastu procent'),
    ('1%', 'jeden procent'),
    ('od 2 osób', 'od dwóch osób'),
    ('z 2 osób', 'z dwóch osób'),
    ('2 m²', 'dwa metry kwadratowe'),
    ('120 cm', 'sto dwadzieścia centymetrów'),
    ('przekracza 80 cm', 'przekracza osiemdziesiąt centymetrów'),
    ('54,20 m2', 'pięćdziesiąt cztery przecinek dwa metra kwadratowego'),
    ('XX wiek', 'dwudziesty wiek'),
    ('w XX w.', 'w dwudziestym wieku'),
    ('III kondygnacja', 'trzecia kondygnacja'),
    ('na III kondygnacji', 'na trzeciej kondygnacji'),
    ('2 piętro', 'drugie piętro'),
    ('do 3 piętra', 'do trzy piętra'),
    ('Biuro jest na 1 piętrze, pok. 104.', 'Biuro jest na pierwszym piętrze, pokój sto cztery.'),
    ('anna.kowalska@example.com', 'anna kropka kowalska małpa example kropka com'),
    ('Rezerwacja wizyty w BOM: bom.piotrkow.pl',
     'Rezerwacja wizyty w BOM: bom kropka piotrkow kropka pl'),
    ('e-płatność piotrkow.oplatyurzedowe.pl',
     'e-płatność piotrkow kropka oplatyurzedowe kropka pl'),
    ('00.00.Z', 'zero zero, zero zero, Z'),
    ('ABC000000', 'ABC zero zero zero zero zero zero'),
    ('formatu A4', 'formatu A cztery'),
    ('IN-1', 'IN jeden'),
    ('(M.P. 2025)', '(Monitor Polski dwa tysiące dwadzieścia pięć)'),
    ('w godz. 7:30–15:30', 'w godzinach od siódmej trzydzieści do piętnastej trzydzieści'),
    ('sob.–niedz. nieczynne', 'od soboty do niedzieli nieczynne'),
    ('wt. 8:00–17:00', 'wtorek od ósmej do siedemnastej'),
    ('600 123 456', 'sześćset, sto dwadzieścia trzy, czterysta pięćdziesiąt sześć'),
    ('+48 44 732 77 07',
     'plus czterdzieści osiem, czterdzieści cztery, siedemset trzydzieści dwa, siedemdziesiąt '
     'siedem, zero siedem'),
    ('800 plus', 'osiemset plus'),
    ('1,5 m', 'półtora metra'),
    ('2,5%', 'dwa i pół procent'),
    ('dwóch', 'dwóch'),
    ('Dzień dobry!', 'Dzień dobry!'),
]
UK = [
    ('Подайте оскарження протягом 14 днів від дня його вручення.',
     'Подайте оскарження протягом чотирнадцяти днів від дня його вручення.'),
    ('Протягом 21 дня прийдіть до відділу РАЦС.',
     'Протягом двадцяти одного дня прийдіть до відділу РАЦС.'),
    ('2 особи', 'дві особи'),
    ('5 осіб', "п'ять осіб"),
    ('1 особа', 'одна особа'),
    ('21 особа', 'двадцять одна особа'),
    ('Довіреність – 17 злотих', 'Довіреність - сімнадцять злотих'),
    ('до 30 днів', 'до тридцяти днів'),
    ('за 2 тижні', 'за два тижні'),
    ('понад 3 місяці', 'понад три місяці'),
    ('старше 18 років', 'старше вісімнадцяти років'),
    ('від 12 років', 'від дванадцяти років'),
    ('26.01.2022', 'двадцять шостого січня дві тисячі двадцять другого року'),
    ('до 31 січня', 'до тридцять першого січня'),
    ('22 zł', 'двадцять два злоті'),
    ('0,50 zł', "п'ятдесят грошів"),
    ('100,50 zł', "сто злотих п'ятдесят грошів"),
    ('35 x 45 мм', "тридцять п'ять на сорок п'ять міліметрів"),
    ('4,5%', "чотири кома п'ять відсотків"),
    ('на 2026 рік', 'на дві тисячі двадцять шостий рік'),
    ('у 2026 р.', 'у дві тисячі двадцять шостому році'),
    ('з 2023 року', 'з дві тисячі двадцять третього року'),
    ('Квиток A012, 22 zł', 'Квиток A дванадцять, двадцять два злоті'),
    ('Номер A012, вікно номер 3', 'Номер A дванадцять, вікно номер три'),
    ('з 1 березня', 'з першого березня'),
    ('1000 злотих', 'тисяча злотих'),
    ('протягом 1 місяця', 'протягом одного місяця'),
    ('через 6 місяців', 'через шість місяців'),
    ('за 1 хвилину', 'за одну хвилину'),
    ('протягом 2 тижнів', 'протягом двох тижнів'),
    ('21 день', 'двадцять один день'),
    ('2026-11-26', 'двадцять шостого листопада дві тисячі двадцять шостого року'),
    ('bom@piotrkow.pl', 'bom равлик piotrkow крапка pl'),
    ('через piotrkow.oplatyurzedowe.pl', 'через piotrkow крапка oplatyurzedowe крапка pl'),
    ('44 732 77 07', 'сорок чотири, сімсот тридцять два, сімдесят сім, нуль сім'),
    ('08:00-15:30', "з восьмої до п'ятнадцятої тридцяти"),
    ('у віці 18–25 років', "у віці від вісімнадцяти до двадцяти п'яти років"),
    ('протягом 3 днів', 'протягом трьох днів'),
    ('протягом 7 днів', 'протягом семи днів'),
    ('дитина до 12 років', 'дитина до дванадцяти років'),
    ('Посвідчення дійсне 10 років.', 'Посвідчення дійсне десять років.'),
    ('після 6 місяців', 'після шести місяців'),
]
EN = [
    ('File the appeal within 14 days, room 12 on the 2nd floor.',
     'File the appeal within fourteen days, room twelve on the second floor.'),
    ('Ticket A012, 2 people ahead', 'Ticket A twelve, two people ahead'),
    ('0,50 zł', 'fifty groszy'),
    ('0,01 zł', 'one grosz'),
    ('17 zł', 'seventeen zlotys'),
    ('1 zł', 'one zloty'),
    ('Mon–Fri 08:00–15:30', 'Monday to Friday eight to fifteen thirty'),
    ('4,5%', 'four point five percent'),
    ('Colour photo 35 x 45 mm', 'Colour photo thirty-five by forty-five millimetres'),
    ('anna.kowalska@example.com', 'anna dot kowalska at example dot com'),
    ('2026-11-26', 'the twenty-sixth of November twenty twenty-six'),
    ('per 1 m² of area', 'per one square metre of area'),
    ('per 1 ha of area', 'per one hectare of area'),
    ('aged 18–25', 'aged eighteen to twenty-five'),
    ('§ 3', 'section three'),
    ('Dz.U. 2024', 'Journal of Laws two thousand and twenty-four'),
    ('e.g. a passport', 'for example a passport'),
    ('i.e. the office', 'that is the office'),
    ('Pay at piotrkow.oplatyurzedowe.pl.', 'Pay at piotrkow dot oplatyurzedowe dot pl.'),
    ('https://bom.piotrkow.pl/', 'bom dot piotrkow dot pl'),
    ('44 732 77 07', 'forty-four, seven hundred and thirty-two, seventy-seven, zero seven'),
    ('PESEL 00000000000', 'PESEL zero zero zero zero zero zero zero zero zero zero zero'),
    ('CEIDG-1', 'CEIDG one'),
    ('26.01.2022', 'the twenty-sixth of January twenty twenty-two'),
    ('15 March 2026', 'the fifteenth of March twenty twenty-six'),
    ('within 21 days', 'within twenty-one days'),
    ('Desk 3', 'Desk three'),
    ('Ticket A012 at 15:30, 17 zł', 'Ticket A twelve at fifteen thirty, seventeen zlotys'),
    ('3 x 35,00 zł = 105,00 zł',
     'three times thirty-five zlotys equals one hundred and five zlotys'),
    ('the 1st floor', 'the first floor'),
    ('97-300 Piotrków', 'ninety-seven three hundred Piotrków'),
    ('120 cm', 'one hundred and twenty centimetres'),
]
# fmt: on

# One sentence per row of the preposition table: (key, text, spoken).
PREPOSITION_ROWS = [
    ("w ciągu", "w ciągu 14 dni", "w ciągu czternastu dni"),
    ("w terminie", "w terminie 7 dni", "w terminie siedmiu dni"),
    ("w okresie", "w okresie 12 miesięcy", "w okresie dwunastu miesięcy"),
    ("w wieku", "w wieku 18 lat", "w wieku osiemnastu lat"),
    ("w wysokości", "w wysokości 22 zł", "w wysokości dwudziestu dwóch złotych"),
    ("w kwocie", "w kwocie 50 zł", "w kwocie pięćdziesięciu złotych"),
    ("na wysokości", "na wysokości 5 cm", "na wysokości pięciu centymetrów"),
    ("po upływie", "po upływie 2 miesięcy", "po upływie dwóch miesięcy"),
    ("na podstawie", "na podstawie 2 dokumentów", "na podstawie dwóch dokumentów"),
    ("przed upływem", "przed upływem 14 dni", "przed upływem czternastu dni"),
    ("do", "do 30 dni", "do trzydziestu dni"),
    ("od", "od 12 lat", "od dwunastu lat"),
    ("około", "około 30 minut", "około trzydziestu minut"),
    ("ok.", "ok. 15 min", "około piętnastu minut"),
    ("powyżej", "powyżej 5 stron", "powyżej pięciu stron"),
    ("poniżej", "poniżej 18 lat", "poniżej osiemnastu lat"),
    ("bez", "bez 2 dokumentów", "bez dwóch dokumentów"),
    ("dla", "dla 3 osób", "dla trzech osób"),
    ("podczas", "podczas 2 wizyt", "podczas dwóch wizyt"),
    ("wobec", "wobec 2 osób", "wobec dwóch osób"),
    ("według", "według 2 taryf", "według dwóch taryf"),
    ("wg", "wg 2 taryf", "według dwóch taryf"),
    ("u", "u 2 lekarzy", "u dwóch lekarzy"),
    ("spośród", "spośród 5 kandydatów", "spośród pięciu kandydatów"),
    ("zamiast", "zamiast 2 wizyt", "zamiast dwóch wizyt"),
    ("sprzed", "sprzed 3 miesięcy", "sprzed trzech miesięcy"),
    ("z", "z 2 świadkami", "z dwoma świadkami"),
    ("ze", "ze 2 stron", "ze dwóch stron"),
    ("przez", "przez 3 miesiące", "przez trzy miesiące"),
    ("ponad", "ponad 3 miesiące", "ponad trzy miesiące"),
    ("co", "co 2 tygodnie", "co dwa tygodnie"),
    ("na", "na 2 dni", "na dwa dni"),
    ("za", "za 5 dni", "za pięć dni"),
    ("w", "w 2 pokojach", "w dwóch pokojach"),
    ("we", "we 2 pokojach", "we dwóch pokojach"),
    ("o", "o 2 dni dłużej", "o dwa dni dłużej"),
    ("po", "po 6 miesiącach", "po sześciu miesiącach"),
    ("przy", "przy 2 stanowiskach", "przy dwóch stanowiskach"),
    ("przed", "przed 2 budynkami", "przed dwoma budynkami"),
    ("między", "między 2 budynkami", "między dwoma budynkami"),
    ("nad", "nad 2 piętrami", "nad dwoma piętrami"),
    ("pod", "pod 2 adresami", "pod dwoma adresami"),
    ("wraz z", "wraz z 2 załącznikami", "wraz z dwoma załącznikami"),
    ("razem z", "razem z 2 osobami", "razem z dwiema osobami"),
    ("zgodnie z", "zgodnie z 2 przepisami", "zgodnie z dwoma przepisami"),
    ("dzięki", "dzięki 2 osobom", "dzięki dwóm osobom"),
    ("wbrew", "wbrew 2 przepisom", "wbrew dwóm przepisom"),
    ("przeciw", "przeciw 2 decyzjom", "przeciw dwóm decyzjom"),
    ("ku", "ku 2 celom", "ku dwóm celom"),
    ("niż", "nie starsze niż 6 miesięcy", "nie starsze niż sześć miesięcy"),
]


@pytest.mark.parametrize("text, spoken", PL, ids=[t for t, _ in PL])
def test_polish(text, spoken):
    assert normalise(text, "pl") == spoken


@pytest.mark.parametrize("text, spoken", UK, ids=[t for t, _ in UK])
def test_ukrainian(text, spoken):
    assert normalise(text, "uk") == spoken


@pytest.mark.parametrize("text, spoken", EN, ids=[t for t, _ in EN])
def test_english(text, spoken):
    assert normalise(text, "en") == spoken


@pytest.mark.parametrize("key, text, spoken", PREPOSITION_ROWS,
                         ids=[k for k, _, _ in PREPOSITION_ROWS])
def test_each_preposition_row(key, text, spoken):
    assert normalise(text, "pl") == spoken


def test_every_preposition_row_has_a_test():
    assert {k for k, _, _ in PREPOSITION_ROWS} == set(PREPOSITION_CASES)


def test_the_tables_are_large_enough():
    assert len(PL) + len(PREPOSITION_ROWS) >= 150 and len(UK) >= 40 and len(EN) >= 30


def test_the_issue_sentence():
    assert normalise("Odwołanie złóż w ciągu 30 dni, w pok. 12 na 2 piętrze.", "pl") == \
        "Odwołanie złóż w ciągu trzydziestu dni, w pokoju dwanaście na drugim piętrze."


def test_an_undecided_case_keeps_the_basic_form_and_logs_the_sentence(caplog):
    with caplog.at_level(logging.INFO, logger="kiosk.speech.undecided"):
        said = normalise("Wybierz 1 z 3 sposobów, a potem krok z 1.", "pl")
    assert said == "Wybierz jeden z trzech sposobów, a potem krok z jeden."
    assert any("krok z 1" in r.getMessage() for r in caplog.records)


def test_without_morfeusz2_polish_is_said_as_before(monkeypatch):
    monkeypatch.setattr(morphology, "polish", lambda: None)
    for text in ("w ciągu 14 dni", "Opłata wynosi 22 zł, pok. 12", "A012"):
        assert normalise(text, "pl") == normalise_basic(text, "pl")
    assert normalise("w ciągu 14 dni", "pl") == "w ciągu czternaście dni"


def test_a_changed_normaliser_output_gives_a_new_audio_cache_key():
    text = "w ciągu 14 dni"
    old = cache_key("espeak", "pl", "pl", 1.0, normalise_basic(text, "pl"))
    new = cache_key("espeak", "pl", "pl", 1.0, normalise(text, "pl"))
    assert old != new  # clips of the old wording are rendered again at the next sync


def test_the_bundled_content_and_catalogues_leave_nothing_unsaid():
    from kiosk.speech.scan import bundled_texts, scan

    report = scan(bundled_texts())
    assert {k: [t for t, _ in v.tokens] for k, v in report.languages.items()} == \
        {"pl": [], "en": [], "uk": []}
    assert all(v.texts > 1000 for v in report.languages.values())


def test_undecided_sentences_are_remembered_once():
    before = len(normalise_pl.UNDECIDED)
    normalise("Jedna rzecz: z 1.", "pl")
    normalise("Jedna rzecz: z 1.", "pl")
    assert len(normalise_pl.UNDECIDED) - before <= 1
