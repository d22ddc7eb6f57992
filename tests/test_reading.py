"""vision.footprint.reading: adult arch-index bands and age-aware readings."""

from types import SimpleNamespace

import pytest

from vision.footprint.reading import FLAT_ARCH_MIN, HIGH_ARCH_MAX, age_reading, categorise


def _ix(ai=0.25, si=0.8, csi=40.0):
    return SimpleNamespace(arch_index=ai, staheli_index=si, chippaux_smirak_index=csi)


@pytest.mark.parametrize("ai, cat", [(0.0, "high"), (0.15, "high"), (HIGH_ARCH_MAX, "high"),
                                     (0.2101, "normal"), (0.235, "normal"),
                                     (0.2599, "normal"), (FLAT_ARCH_MIN, "flat"),
                                     (0.35, "flat")])
def test_categorise_adult_bands(ai, cat):
    assert categorise(ai) == cat


@pytest.mark.parametrize("bad", [float("nan"), -0.1, 1.5, "x", None])
def test_categorise_rejects_bad_values(bad):
    with pytest.raises(ValueError):
        categorise(bad)


def test_no_age_no_reading():
    assert age_reading(_ix(), None) is None


@pytest.mark.parametrize("age", [0, 6, 11.9])
def test_before_standing_not_informative(age):
    text = age_reading(_ix(ai=0.4), age)
    assert "not informative" in text
    assert "flat" not in text.lower().replace("flat-looking", "")


@pytest.mark.parametrize("age", [12, 24, 35.9])
def test_toddlers_get_no_label(age):
    text = age_reading(_ix(ai=0.40, si=1.5, csi=90), age)
    assert "no flat or normal label" in text
    assert "Bosch" in text and "not a diagnosis" in text
    assert "0.40" in text  # the value is still recorded


@pytest.mark.parametrize("si, csi, flat", [(1.0, 60.0, False), (1.08, 50.0, True),
                                           (0.9, 63.0, True), (1.07, 62.7, False)])
def test_three_to_six_banwell(si, csi, flat):
    text = age_reading(_ix(si=si, csi=csi), 48)
    assert "Banwell" in text and "3 to 6 years" in text and "not a diagnosis" in text
    assert ("above the children's cut-off" in text) == flat


@pytest.mark.parametrize("si, csi, flat", [(1.2, 58.0, False), (1.28, 40.0, True),
                                           (1.0, 59.5, True), (1.27, 59.0, False)])
def test_six_to_nine_banwell(si, csi, flat):
    text = age_reading(_ix(si=si, csi=csi), 90)
    assert "Banwell" in text and "6 to 9 years" in text
    assert ("above the cut-off" in text) == flat


@pytest.mark.parametrize("csi, flat", [(39.9, False), (40.0, True), (55.0, True)])
def test_nine_to_sixteen_csi(csi, flat):
    text = age_reading(_ix(csi=csi), 150)
    assert "Banwell" in text and "9 to 16 years" in text
    assert ("at or above the 40 % cut-off" in text) == flat


@pytest.mark.parametrize("ai, words", [(0.18, "high-arch"), (0.23, "usual range"),
                                       (0.29, "low-arch")])
def test_adults_use_cavanagh_rodgers(ai, words):
    text = age_reading(_ix(ai=ai), 16 * 12 + 1)
    assert "Cavanagh & Rodgers" in text and words in text and "not a diagnosis" in text


def test_every_reading_names_a_source_and_never_diagnoses():
    for age in (13, 40, 80, 120, 300):
        text = age_reading(_ix(), age)
        assert any(src in text for src in ("Bosch", "Banwell", "Cavanagh"))
        assert "diagnos" not in text.replace("not a diagnosis", "")


def test_bad_age_raises():
    with pytest.raises(ValueError):
        age_reading(_ix(), -3)
    with pytest.raises(ValueError):
        age_reading(_ix(), float("inf"))
