"""coach.knowledge: loading, validation, band edges, and originality of the wording."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest

from coach.knowledge import (
    DATA_DIR,
    MAX_AGE_MONTHS,
    band_for_age,
    check_age,
    load_knowledge,
    load_knowledge_from,
)

# ../shared beside the checkout (main) or beside the worktrees folder (a worktree)
SEED = next((p / "shared" / "seed" / "baby_foot_massage.txt"
             for p in Path(__file__).resolve().parents[2:4]
             if (p / "shared" / "seed" / "baby_foot_massage.txt").is_file()),
            Path(__file__).resolve().parents[2] / "shared" / "seed" / "baby_foot_massage.txt")

# (age_months, band id): every band edge, both sides of it, and the extremes.
EDGES = [
    (0, "newborn"), (1.49, "newborn"), (1.5, "infant_1_5m"), (2.999, "infant_1_5m"),
    (3, "infant_3m"), (3.999, "infant_3m"), (4, "infant_4m"), (5.999, "infant_4m"),
    (6, "infant_6m"), (7.999, "infant_6m"), (8, "infant_8m"), (9.999, "infant_8m"),
    (10, "infant_10m"), (11.999, "infant_10m"), (12, "toddler"), (35.999, "toddler"),
    (36, "child"), (95.999, "child"), (96, "child"),
]


def test_loads_and_is_cached():
    k = load_knowledge()
    assert load_knowledge() is k
    assert len(k.bands) == 9
    assert k.bands[0].from_months == 0 and k.bands[-1].to_months == MAX_AGE_MONTHS


def test_bands_are_contiguous_and_only_the_last_includes_its_upper_edge():
    bands = load_knowledge().bands
    for prev, nxt in zip(bands, bands[1:], strict=False):
        assert prev.to_months == nxt.from_months
        assert not prev.includes_upper
    assert bands[-1].includes_upper


@pytest.mark.parametrize("age, band_id", EDGES)
def test_band_edges_are_deterministic(age, band_id):
    assert band_for_age(age).id == band_id


@pytest.mark.parametrize("bad", [-0.01, 96.01, math.nan, math.inf, True, "12", None])
def test_age_outside_range_is_rejected(bad):
    with pytest.raises(ValueError, match="age_months"):
        check_age(bad)


def test_every_band_step_is_a_known_technique_with_positive_seconds():
    k = load_knowledge()
    for band in k.bands:
        assert sum(s.seconds for s in band.steps) == band.minutes * 60, band.id
        for step in band.steps:
            assert step.technique in k.techniques
            assert step.seconds > 0


def test_every_technique_has_purpose_and_steps():
    for tech in load_knowledge().techniques.values():
        assert tech.purpose.endswith(".") and tech.title
        assert tech.steps and all(s.endswith(".") for s in tech.steps), tech.id


def test_conditions_cover_the_session_rules():
    topics = {c.topic for c in load_knowledge().conditions}
    assert {"room", "timing", "hands", "products", "surface", "mood", "stop",
            "length"} <= topics
    resolved = {c.id for c in load_knowledge().conditions if c.resolution}
    # The source contradictions we settled, and say so.
    assert {"room", "meals", "no_products", "session_length", "repetitions"} <= resolved


def test_conditions_by_age():
    ids_baby = {c.id for c in load_knowledge().conditions_for_age(6)}
    ids_toddler = {c.id for c in load_knowledge().conditions_for_age(18)}
    assert "time_of_day_baby" in ids_baby and "time_of_day_toddler" not in ids_baby
    assert {"refusal", "session_length", "play"} <= ids_toddler
    assert "time_of_day_baby" not in ids_toddler


# ------------------------------------------------------------------------- validation

def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


@pytest.mark.parametrize("name, old, new, message", [
    ("bands.toml", 'technique = "figure_eight", seconds = 30',
     'technique = "figure_eights", seconds = 30', r"band 'infant_1_5m' step 2: unknown technique"),
    ("bands.toml", 'technique = "figure_eight", seconds = 30',
     'technique = "figure_eight", seconds = 31', r"band 'infant_1_5m': steps add up to 121 s"),
    ("bands.toml", "from_months = 3.0", "from_months = 3.5", r"band 'infant_3m' must start"),
    ("bands.toml", "reps = [8, 10], per = \"foot\"", "reps = [10, 8], per = \"foot\"",
     r"band 'infant_1_5m' step 2: reps must be"),
    ("bands.toml", '{ technique = "stroke_close", seconds = 15 },\n]',
     '{ technique = "tapping", seconds = 15 },\n]', r"band 'infant_1_5m': a routine must open"),
    ("techniques.toml", 'kind = "reflex"', 'kind = "magic"',
     r"technique 'reflex_toe_flex': kind must be"),
    ("contraindications.toml", 'question = "Does your child have a raised temperature (fever) today?"',
     'question = "Fever today"', r"item 'fever': the question must end"),
    ("contraindications.toml", 'id = "rash_skin_inflammation"\nkind = "absolute"',
     'id = "rash_skin_inflammation"\nkind = "forever"',
     r"item 'rash_skin_inflammation': kind must be"),
    ("adaptations.toml", 'references = ["engstrom2012"]', 'references = ["nobody1999"]',
     r"rule 'tiptoe_after_3': needs known references"),
    ("conditions.toml", 'id = "hands"\ntopic = "hands"\n', 'id = "hands"\n',
     r"condition 'hands': missing 'topic'"),
])
def test_bad_data_raises_naming_the_entry(tmp_path, name, old, new, message):
    data = _broken_copy(tmp_path, name, old, new)
    with pytest.raises(ValueError, match=message):
        load_knowledge_from(data)


def test_invalid_toml_names_the_file(tmp_path):
    data = _broken_copy(tmp_path, "references.toml", "[reference.pfeiffer2006]", "[reference")
    with pytest.raises(ValueError, match="references.toml: not valid TOML"):
        load_knowledge_from(data)


# ------------------------------------------------------------------------- originality

def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_sentence_in_the_data_is_copied_from_the_seed():
    """No run of 8 or more words is shared with the routine source (checked: none of 7)."""
    if not SEED.is_file():
        pytest.skip(f"seed text not available ({SEED})")
    seed = _ngrams(_words(SEED.read_text(encoding="utf-8")), 7)
    root = DATA_DIR.parents[1]
    own_code = [root / "coach" / f"{m}.py" for m in ("knowledge", "screening", "plan")]
    for path in sorted(DATA_DIR.glob("*.toml")) + own_code + [root / "cli" / "coach_cmd.py"]:
        shared = _ngrams(_words(path.read_text(encoding="utf-8")), 7) & seed
        assert not shared, f"{path.name} shares with the seed: {[' '.join(s) for s in shared]}"
