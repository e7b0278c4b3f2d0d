"""The content linter (issue 19): free text never contradicts the data beside it. Real `kiosk`
processes on copies of the bundled content, each copy with one contradiction typed in."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.content.format import ContentError, read_content


def kiosk(*args):
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, timeout=120)


def content_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT_DIR, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_the_bundled_content_has_no_contradictions():
    r = kiosk("content", "lint", str(SAMPLE_CONTENT_DIR))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no contradictions" in r.stdout


def test_a_guide_naming_the_wrong_ticket_letter_is_refused_naming_file_record_and_field(
        tmp_path):
    """DEL I is queue category B; its first step once said "Weź bilet z literą A"."""
    root = content_with(tmp_path, "procedures/id-residence.yaml",
                        "      - pl: Przyjdź osobiście do Referatu Ewidencji Ludności.\n",
                        "      - pl: Przyjdź osobiście do Referatu Ewidencji Ludności. "
                        "Weź bilet z literą A.\n")
    r = kiosk("content", "lint", str(root))
    assert r.returncode == 3
    assert ("procedures/id-residence.yaml: procedure 'DEL I': steps[0].pl: names ticket letter A "
            "in the text, but its queue category is B") in r.stdout
    r = kiosk("content", "validate", str(root))
    assert r.returncode == 3 and "steps[0].pl: names ticket letter A" in r.stderr
    lint = json.loads(kiosk("content", "lint", str(root), "--json").stdout)
    assert lint["problems"] == [{
        "file": "procedures/id-residence.yaml", "record": "procedure 'DEL I'",
        "field": "steps[0].pl",
        "message": "names ticket letter A in the text, but its queue category is B: leave the "
                   "letter out"}]


def test_even_the_right_letter_is_refused_in_prose(tmp_path):
    root = content_with(tmp_path, "procedures/id-residence.yaml",
                        "        en: Come in person to the Population Register Section.\n",
                        "        en: Come in person to the Population Register Section "
                        "(ticket B).\n")
    with pytest.raises(ContentError) as exc:
        read_content(root)
    [problem] = exc.value.problems
    assert problem.field == "steps[0].en" and "already shows from queue_category" in \
        problem.message


# (file, old, new, field, message part): one contradiction each, in DEL I unless said.
CASES = {
    "room": ("procedures/id-residence.yaml",
             "      - pl: Daj urzędnikowi zdjęcie",
             "      - pl: W pok. 12 daj urzędnikowi zdjęcie",
             "steps[1].pl", "names room 12, but place.room is empty"),
    "hour": ("procedures/id-residence.yaml",
             "      - pl: Daj urzędnikowi zdjęcie",
             "      - pl: Do 18:30 daj urzędnikowi zdjęcie",
             "steps[1].pl", "names the time 18:30"),
    "fee": ("procedures/id-residence.yaml",
            "      - pl: Daj urzędnikowi zdjęcie",
            "      - pl: Zapłać 30 zł i daj urzędnikowi zdjęcie",
            "steps[1].pl", "names 30 zł, which is not one of its fees (none)"),
    "document kind": ("procedures/id-residence.yaml",
                      "        form: DEL-DOWOD\n        kind: desk\n",
                      "        form: DEL-DOWOD\n",
                      "documents[0].kind", "missing: say who gets it to the desk"),
    "how to pay, free": ("procedures/id-residence.yaml",
                         "    fees: []\n    deadline:\n      pl: do 30 dni",
                         "    fees: []\n    payment_methods: Zapłać w kasie.\n    deadline:\n"
                         "      pl: do 30 dni",
                         "payment_methods", "a free matter has nothing to pay"),
    "QR label": ("procedures/id-residence.yaml",
                 "    online_label:\n      pl: Wniosek o dowód przez internet na gov.pl\n"
                 "      en: Apply for an ID card online at gov.pl\n"
                 "      uk: Заява на посвідчення онлайн на gov.pl\n", "",
                 "online_label", "missing: say what the online link opens"),
    "numbers in a translation": ("procedures/id-residence.yaml",
                                 "      en: up to 30 days\n", "      en: up to 14 days\n",
                                 "deadline.en", "its numbers (14) differ from the Polish "
                                                "text's (30)"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_contradiction_is_refused_with_its_field(tmp_path, case):
    file, old, new, field, message = CASES[case]
    with pytest.raises(ContentError) as exc:
        read_content(content_with(tmp_path, file, old, new))
    found = [(p.record, p.field, p.message) for p in exc.value.problems]
    assert any(record == "procedure 'DEL I'" and f == field and message in m
               for record, f, m in found), found


def test_a_room_or_an_opening_time_that_agrees_with_the_data_is_fine(tmp_path):
    root = content_with(tmp_path, "procedures/id-residence.yaml",
                        "      - pl: Daj urzędnikowi zdjęcie i pokaż obecny dowód lub paszport.\n"
                        "        en: Give the clerk your photo and show your current ID card or "
                        "passport.\n",
                        "      - pl: Przyjdź przed 15:30 i daj urzędnikowi zdjęcie.\n"
                        "        en: Come before 15:30 and give the clerk your photo.\n")
    uk = root / "procedures/id-residence.yaml"
    uk.write_text(uk.read_text(encoding="utf-8").replace(
        "        uk: Передайте працівнику фотографію та покажіть чинне посвідчення особи або "
        "паспорт.\n", "        uk: Прийдіть до 15:30 і передайте працівнику фотографію.\n", 1),
        encoding="utf-8")
    dept = (root / "departments.yaml").read_text(encoding="utf-8")
    assert "15:30" in dept, "the DEL department closes at 15:30 on some day"
    read_content(root)
