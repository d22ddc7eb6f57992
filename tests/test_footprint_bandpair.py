"""A broken arch band beside a whole one (one child's two prints) is doubted, not shown."""

from dataclasses import replace

import pytest

from synth.footprint_render import render_photo
from synth.footprint_scenes import scene_spec
from vision.footprint import measure_footprint
from vision.footprint.bandpair import BAND_UNLIKE_OTHER, DOUBT_CAP

CONFIDENT = 0.5
WHOLE_ARCH = 0.5          # arch_level of a foot with a clear midfoot band


def _measure(seed: int, *, whole_partner: bool):
    spec, hooks, _ = scene_spec("broken_band", seed, long_side_px=1600)
    assert len(spec.feet) == 2 and spec.kind == "ink"
    if whole_partner:
        spec = replace(spec, feet=(spec.feet[0], replace(spec.feet[1], arch_level=WHOLE_ARCH)))
    return measure_footprint(render_photo(spec, hooks).image, overlay=False)


@pytest.mark.parametrize("seed", [1, 4])
def test_broken_band_beside_a_whole_band_drops_below_confidence_with_a_reason(seed):
    r = _measure(seed, whole_partner=True)
    assert len(r.feet) == 2
    broken = [f for f in r.feet if "broken_band" in f.quality.issues]
    whole = [f for f in r.feet if "broken_band" not in f.quality.issues]
    assert len(broken) == 1 and len(whole) == 1
    assert BAND_UNLIKE_OTHER in broken[0].quality.issues
    assert broken[0].quality.score <= DOUBT_CAP < CONFIDENT
    assert any("other foot" in a for a in broken[0].quality.advice)
    assert BAND_UNLIKE_OTHER not in whole[0].quality.issues
    assert whole[0].quality.score >= CONFIDENT


def test_two_broken_bands_are_a_high_arch_not_doubted():
    r = _measure(4, whole_partner=False)
    assert len(r.feet) == 2
    assert all("broken_band" in f.quality.issues for f in r.feet)
    assert not any(BAND_UNLIKE_OTHER in f.quality.issues for f in r.feet)
    assert all(f.quality.score >= CONFIDENT for f in r.feet)


def test_a_stored_doubted_print_is_explained_in_the_report():
    """A stored foot with ``band_unlike_other`` reads its own advice in the PDF report, not
    the generic "could not name" sentence."""
    from coach.report import issue_words
    from vision.footprint.bandpair import BAND_UNLIKE_ADVICE, BAND_UNLIKE_OTHER

    assert issue_words([BAND_UNLIKE_OTHER]) == BAND_UNLIKE_ADVICE
