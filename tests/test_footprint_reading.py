"""vision.footprint.reading: one age-aware reading per foot, no sentence against its numbers."""

import re
from types import SimpleNamespace

import pytest

from vision.footprint.bands import bands_at, load_bands
from vision.footprint.reading import csv_fields, read_foot, value_text


def _ix(ai=0.24, si=0.8, csi=40.0):
    return SimpleNamespace(arch_index=ai, staheli_index=si, chippaux_smirak_index=csi)


NUM = r"(\d+(?:\.\d+)?)"


def claims(sentence: str):
    """Every numeric comparison a sentence makes: (value, relation, cut-off) triples."""
    out = []
    for v, rel, c in re.findall(NUM + r"(?: %)? is (above|below|at)(?: the cut-off of)? " + NUM,
                                sentence):
        out.append((float(v), rel, float(c)))
    for v, lo, hi in re.findall(NUM + r" is between " + NUM + " and " + NUM, sentence):
        out += [(float(v), "above", float(lo)), (float(v), "below", float(hi))]
    return out


def holds(value, rel, cut) -> bool:
    return {"above": value > cut, "below": value < cut, "at": value == cut}[rel]


AGES = [None, 9, 24, 40, 48, 71.9, 72, 80, 90, 120, 200, 216, 400]


@pytest.mark.parametrize("age", AGES)
@pytest.mark.parametrize("ai, si, csi", [(0.205, 1.01, 30.0), (0.215, 1.0704, 62.7),
                                         (0.2600, 1.28, 70.0), (0.2101, 1.2799, 59.0),
                                         (0.35, 0.3, 0.0), (0.2099, 1.07, 62.71)])
def test_no_sentence_contradicts_its_numbers(age, ai, si, csi):
    r = read_foot(_ix(ai, si, csi), age)
    for v, rel, cut in claims(r.sentence):
        assert holds(v, rel, cut), (r.sentence, v, rel, cut)
    if r.category != "flat":
        assert "flat-looking print is common" not in r.sentence
    if r.category is None:
        assert r.findings == () and "no label" in r.label
    else:
        assert r.label in r.short_text


@pytest.mark.parametrize("age", [40, 80, 120, 300, None])
def test_printed_value_gives_the_same_label(age):
    """The value printed next to a label, read again by the same band, gives that label."""
    for ai in (0.2095, 0.2100, 0.21004, 0.2149, 0.2599, 0.26, 0.2601):
        for si in (1.0699, 1.07, 1.07001, 1.2799, 1.28):
            for csi in (40.0, 39.996, 59.0, 59.004, 62.7, 62.70001):
                r = read_foot(_ix(ai, si, csi), age)
                for f in r.findings:
                    assert f.band.classify(float(f.value_text)) == f.category
                    assert f.band.classify(f.value) == f.category


def test_two_close_values_print_differently_when_labels_differ():
    lo, hi = read_foot(_ix(ai=0.205), 300), read_foot(_ix(ai=0.215), 300)
    assert (lo.category, hi.category) == ("high", "normal")
    assert lo.value_text("arch_index") != hi.value_text("arch_index")
    assert read_foot(_ix(ai=0.21004), 300).value_text("arch_index") == "0.21004"
    assert read_foot(_ix(ai=0.21004), 300).category == "normal"


@pytest.mark.parametrize("age", [0, 9, 11.9, 12, 24, 35.9])
def test_no_label_under_three(age):
    r = read_foot(_ix(ai=0.40, si=1.5, csi=90), age)
    assert r.category is None and r.reference
    assert "flat" not in r.label and "normal" not in r.short_text
    if age >= 12:
        assert "0.400" in r.sentence and "trend" in r.sentence and "Bosch" in r.sentence


@pytest.mark.parametrize("si, csi, cat", [(1.0, 60.0, "normal"), (1.08, 50.0, "flat"),
                                          (0.9, 63.0, "flat"), (1.07, 62.7, "normal")])
def test_three_to_six_uses_banwell(si, csi, cat):
    r = read_foot(_ix(si=si, csi=csi), 48)
    assert r.category == cat and "Banwell" in r.reference and "not a diagnosis" in r.sentence
    assert ("flat-looking print is common" in r.sentence) == (cat == "flat")


@pytest.mark.parametrize("age, si, csi, cat", [
    (80, 1.27, 40.0, "normal"), (80, 1.28, 40.0, "flat"),        # Staheli >= 1.28 counts
    (80, 1.0, 62.8, "flat"), (90, 1.0, 59.1, "flat"), (90, 1.0, 59.0, "normal"),
    (150, 3.0, 39.9, "normal"), (150, 0.1, 40.0, "flat")])       # 9-16 y: CSI only
def test_school_age_bands(age, si, csi, cat):
    assert read_foot(_ix(si=si, csi=csi), age).category == cat


def test_adults_only_from_eighteen_and_without_age():
    assert read_foot(_ix(ai=0.30), 200).category is None          # 16-18 y: no source
    adult = read_foot(_ix(ai=0.30), 216)
    assert adult.category == "flat" and "Cavanagh" in adult.reference
    none = read_foot(_ix(ai=0.30), None)
    assert none.category == "flat" and "no age given" in none.reference
    assert "No age was given" in none.sentence


def test_children_are_never_labelled_high_arch():
    for age in (36, 60, 84, 100, 150):
        assert read_foot(_ix(ai=0.05, si=0.05, csi=1.0), age).category == "normal"


def test_label_follows_the_age_at_the_print_date():
    ix = _ix(ai=0.30, si=1.2, csi=65.0)
    assert [read_foot(ix, a).category for a in (30, 48, 80, 400)] == [None, "flat", "flat",
                                                                      "flat"]
    assert read_foot(_ix(ai=0.23, si=1.2, csi=50.0), 80).category == "normal"
    assert read_foot(_ix(ai=0.23, si=1.2, csi=50.0), 48).category == "flat"


def test_accepts_json_and_entries_and_rejects_bad_values():
    foot = {"arch_index": 0.3, "staheli_index": 1.2, "chippaux_smirak_index": 70.0}
    assert read_foot(foot, 48).category == "flat"
    assert csv_fields(foot, 48) == read_foot(foot, 48).to_json()
    partial = read_foot({"arch_index": 0.3, "staheli_index": None,
                         "chippaux_smirak_index": None}, 48)
    assert partial.category is None and "not recorded" in partial.sentence
    for bad in ({"arch_index": float("nan")}, {"arch_index": 1.5}, {"arch_index": "x"}, {}):
        with pytest.raises(ValueError):
            read_foot({**foot, **bad} if bad else {}, 48)
    with pytest.raises(ValueError):
        read_foot(foot, -1)


def test_value_text_default_digits():
    band = bands_at(load_bands().adult_months)[0]
    assert value_text(0.2345, "arch_index") == "0.234" or value_text(0.2345,
                                                                     "arch_index") == "0.235"
    assert value_text(0.2100001, "arch_index", band) == "0.210000" or \
        band.classify(0.2100001) == band.classify(0.21)
