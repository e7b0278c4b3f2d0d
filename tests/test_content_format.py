"""The bundled sample content is complete, and bad content is refused with a clear message."""

import re
from collections import Counter
from decimal import Decimal

import pytest
import yaml

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.content.format import ContentError, read_content


@pytest.fixture(scope="module")
def sample():
    return read_content(SAMPLE_CONTENT_DIR)


def test_sample_content_is_as_large_as_promised(sample):
    assert len(sample.procedures) >= 40
    assert len(sample.categories) >= 8
    assert len(sample.departments) >= 9
    assert len(sample.forms) >= 10
    assert all(len(f["fields"]) >= 1 for f in sample.forms)
    assert len(sample.announcements) >= 2
    kinds = {r["kind"] for r in sample.rates}
    assert {"property_tax", "waste_fee", "dog_fee", "market_fee"} <= kinds


def test_every_category_has_procedures_and_every_procedure_cites_its_source(sample):
    per_cat = Counter(p["category_code"] for p in sample.procedures)
    for c in sample.categories:
        assert per_cat[c["code"]] >= 1, c["code"]
    for p in sample.procedures:
        assert p["source_url"].startswith("https://"), p["symbol"]
        assert p["last_reviewed"] is not None, p["symbol"]


def test_sourced_fees_arrive_as_exact_decimals(sample):
    by_symbol = {p["symbol"]: p for p in sample.procedures}
    usc1 = [f["amount"] for f in by_symbol["USC I"]["fees"]]
    assert Decimal("22.00") in usc1 and Decimal("33.00") in usc1
    licence = [p for p in sample.procedures
               if any(f["amount"] == Decimal("100.50") for f in p["fees"])]
    assert licence, "the driving licence fee 100.50 zł is in the sample"


def _edit(content_copy, rel, fn):
    path = content_copy / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _first_proc_file(content_copy):
    return sorted((content_copy / "procedures").glob("*.yaml"))[0].relative_to(content_copy)


def _problems(content_copy):
    with pytest.raises(ContentError) as err:
        read_content(content_copy)
    return [str(p) for p in err.value.problems]


def test_missing_required_field_names_file_record_and_field(content_copy):
    rel = _first_proc_file(content_copy)
    symbol = {}
    def drop(data):
        symbol["s"] = data["procedures"][0]["symbol"]
        del data["procedures"][0]["deadline"]
    _edit(content_copy, rel, drop)
    assert f"{rel}: procedure '{symbol['s']}': deadline: required field is missing" in \
        _problems(content_copy)


def test_unknown_category_is_refused(content_copy):
    rel = _first_proc_file(content_copy)
    _edit(content_copy, rel, lambda d: d["procedures"][0].update(category="astrology"))
    assert any("category: unknown category 'astrology'" in p for p in _problems(content_copy))


@pytest.mark.parametrize("amount", ["22,5O", "-3", "12.345", True, "abc"])
def test_malformed_amount_is_refused(content_copy, amount):
    def bad(data):
        data["rates"][0]["amount"] = amount
    _edit(content_copy, "rates.yaml", bad)
    problems = _problems(content_copy)
    assert any(re.search(r"rates\.yaml: rate '.*': amount: not an amount", p) for p in problems)


def test_ten_thousand_character_field_is_refused(content_copy):
    rel = _first_proc_file(content_copy)
    _edit(content_copy, rel, lambda d: d["procedures"][0].update(title="A" * 10_000))
    assert any("title.pl: too long (10000 characters, at most 200)" in p
               for p in _problems(content_copy))


def test_markup_is_kept_as_literal_text_and_control_characters_removed(content_copy):
    rel = _first_proc_file(content_copy)
    def markup(data):
        data["procedures"][0]["summary"] = "[b]Ważne[/b] [ref=x]kliknij[/ref]\x07\x1b"
    _edit(content_copy, rel, markup)
    bundle = read_content(content_copy)
    first = next(p for p in bundle.procedures if p["summary"].pl.startswith("[b]"))
    assert first["summary"].pl == "[b]Ważne[/b] [ref=x]kliknij[/ref]"


def test_unsupported_schema_version_aborts(content_copy):
    (content_copy / "content.yaml").write_text("schema_version: 99\nrevision: x\n")
    assert any("version 99 is not supported" in p for p in _problems(content_copy))


def test_broken_yaml_names_the_file(content_copy):
    (content_copy / "forms.yaml").write_text("forms: [unclosed\n")
    assert any(p.startswith("forms.yaml: not valid YAML") for p in _problems(content_copy))


def test_all_problems_are_listed_at_once(content_copy):
    _edit(content_copy, "rates.yaml", lambda d: d["rates"][0].update(amount="x"))
    _edit(content_copy, "forms.yaml", lambda d: d["forms"][0].update(title=None))
    problems = _problems(content_copy)
    assert any("rates.yaml" in p for p in problems) and any("forms.yaml" in p for p in problems)


def test_unconfirmed_must_name_a_real_field(content_copy):
    _edit(content_copy, "departments.yaml",
          lambda d: d["departments"][0].update(unconfirmed=["hours", "colour"]))
    assert any("unconfirmed: names no field of this record: 'colour'" in p
               for p in _problems(content_copy))


def test_a_misspelt_key_names_file_record_field_and_the_likely_key(content_copy):
    def typo(data):
        dept = data["departments"][0]
        dept["emial"] = dept.pop("email", None) or "usc@piotrkow.pl"
    _edit(content_copy, "departments.yaml", typo)
    code = yaml.safe_load((content_copy / "departments.yaml").read_text())["departments"][0]["code"]
    assert (f"departments.yaml: department '{code}': emial: unknown field "
            f"(did you mean 'email'?)") in _problems(content_copy)


def test_a_misspelt_key_inside_a_record_part_is_named_by_its_path(content_copy):
    rel = _first_proc_file(content_copy)
    def typo(data):
        data["procedures"][0]["place"]["buliding"] = data["procedures"][0]["place"]["building"]
    _edit(content_copy, rel, typo)
    assert any(p.endswith("place.buliding: unknown field (did you mean 'building'?)")
               for p in _problems(content_copy))


def test_problems_in_several_files_and_records_are_reported_together(content_copy):
    rel = _first_proc_file(content_copy)
    _edit(content_copy, "departments.yaml", lambda d: d["departments"][0].update(emial="x"))
    _edit(content_copy, "departments.yaml", lambda d: d["departments"][1].update(floor="one"))
    _edit(content_copy, "rates.yaml", lambda d: d["rates"][0].update(year=None))
    def two(data):
        data["procedures"][0]["fees"] = [{"name": "Opłata", "amount": "abc"}]
        data["procedures"][1]["titel"] = "x"
    _edit(content_copy, rel, two)
    problems = _problems(content_copy)
    expected = [r"^departments\.yaml: department '\w+': emial: unknown field",
                r"^departments\.yaml: department '\w+': floor: must be a whole number, not 'one'",
                r"^rates\.yaml: rate '.+': year: required field is missing",
                rf"^{re.escape(str(rel))}: procedure '.+': fees\[0\]\.amount: not an amount: 'abc'",
                rf"^{re.escape(str(rel))}: procedure '.+': titel: unknown field "
                r"\(did you mean 'title'\?\)"]
    for pattern in expected:
        assert any(re.search(pattern, p) for p in problems), (pattern, problems)


def test_a_fee_amount_of_the_wrong_type_is_refused(content_copy):
    rel = _first_proc_file(content_copy)
    symbol = {}
    def bad(data):
        symbol["s"] = data["procedures"][0]["symbol"]
        data["procedures"][0]["fees"] = [{"name": "Opłata", "amount": "abc"},
                                         {"name": "Opłata", "amount": [22]}]
    _edit(content_copy, rel, bad)
    problems = _problems(content_copy)
    where = f"{rel}: procedure '{symbol['s']}'"
    assert f"{where}: fees[0].amount: not an amount: 'abc' (use digits and a dot, e.g. \"22.50\")" \
        in problems
    assert any(p.startswith(f"{where}: fees[1].amount: not an amount: [22]") for p in problems)


def test_an_invalid_record_does_not_make_records_pointing_at_it_fail_too(content_copy):
    _edit(content_copy, "departments.yaml", lambda d: d["departments"][0].update(floor="one"))
    problems = _problems(content_copy)
    assert len(problems) == 1 and "floor: must be a whole number" in problems[0]


def test_no_pydantic_wording_reaches_the_editor(content_copy):
    rel = _first_proc_file(content_copy)
    def odd(data):
        p = data["procedures"][0]
        p.update(place="Ratusz", appeal=[1], documents=["dowód"], steps="jeden", deadline_days=1.5)
    _edit(content_copy, rel, odd)
    problems = _problems(content_copy)
    assert any("place: must be a mapping with building" in p for p in problems)
    assert any("appeal: must be a mapping with to, days and how, or null" in p for p in problems)
    assert any("documents[0]: must be a mapping of fields" in p for p in problems)
    assert any("steps: must be a list" in p for p in problems)
    for p in problems:
        assert "Input should" not in p and "pydantic" not in p.lower(), p


def test_a_key_written_twice_is_refused_naming_file_record_and_key(content_copy):
    """Plain YAML keeps the last of two equal keys without a word: a second `building:` would
    silently replace the first."""
    path = content_copy / "departments.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    building: ul. Szkolna 28\n",
                        "    building: ul. Szkolna 28\n    building: Pasaż Karola Rudowskiego 10\n",
                        1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    building: Pasaż Karola Rudowskiego 10") + 1
    assert (f"departments.yaml: department 'DBM': building: written twice (line {line}): "
            "keep one") in _problems(content_copy)


def test_bidi_controls_are_removed_so_no_text_reads_backwards(content_copy):
    rel = _first_proc_file(content_copy)
    def bidi(data):
        data["procedures"][0]["summary"] = "Opłata \u202e05 zł\u202c, \u2067termin\u2069 14 dni."
    _edit(content_copy, rel, bidi)
    bundle = read_content(content_copy)
    first = next(p for p in bundle.procedures if p["summary"].pl.startswith("Opłata"))
    assert first["summary"].pl == "Opłata 05 zł, termin 14 dni."


def test_two_synonym_records_starting_with_the_same_word_are_refused(content_copy):
    """The central database keys a synonym record by its first word: two such records would
    become one there, and a sync would lose the other one's phrases."""
    path = content_copy / "synonyms.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - words: [meldunek, adres]\n"
                    "    means: [zameldowanie]\n  - words: [meldunek, pobyt]\n"
                    "    matters: [DEL IX]\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        read_content(content_copy)
    assert ("another synonym record starts with 'meldunek' too: merge the two"
            in str(err.value)), str(err.value)
