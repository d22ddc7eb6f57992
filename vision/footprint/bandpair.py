"""One person's two prints: is a broken arch band a high arch or a print that did not take?

A print whose midfoot band is broken (no contact between heel and ball,
``FootIndices.midfoot_width_px`` 0) reads an arch index near 0: right for a very high arch,
wrong when the midfoot simply did not print (too little ink or water, the weight on the
other foot). One print cannot tell the two apart; the other foot of the same child, printed
at the same time, can: a child's two feet rarely differ by much, so when the partner print
has a whole band and an arch index well above the broken one's, the broken band is more
likely a failed print. That foot's quality is then capped below the confidence line with a
plain reason (``band_unlike_other``), so no confident near-0 reading is shown beside a normal
one. Two broken bands (a high-arched child) are left as they are.

:func:`doubt` caps a print the same way for other evidence that its outline is not one
whole foot's (prints that touch, a line joined to the edge: ``vision.footprint``).
"""

from __future__ import annotations

from dataclasses import replace

__all__ = ["BAND_UNLIKE_OTHER", "BAND_UNLIKE_ADVICE", "doubt_broken_band", "doubt", "DOUBT_CAP"]

BAND_UNLIKE_OTHER = "band_unlike_other"
BAND_UNLIKE_ADVICE = ("The arch band of this print is broken but the other foot's print has "
                      "a whole band, so this foot's midfoot probably did not print: the arch "
                      "index is not reliable. Retake this foot's print, standing evenly on "
                      "both feet, with a little more ink or water.")
PAIR_AI_GAP = 0.05           # partner's arch index above the broken one's by more than this
DOUBT_CAP = 0.45             # quality ceiling of the doubted print (below the 0.5 line)


def _broken(ix) -> bool:
    return float(ix.midfoot_width_px) <= 0.0


def doubt_broken_band(pairs: list) -> list:
    """Cap the quality of a broken-band print whose partner has a whole band.

    Parameters
    ----------
    pairs : list of two (FootMeasurement, FootGeometry, FootIndices)
        One person's left and right prints.

    Returns
    -------
    list
        The same pairs; a doubted print's ``quality`` gets the issue ``band_unlike_other``,
        its advice, and a score of at most ``DOUBT_CAP``.
    """
    if len(pairs) != 2:
        return pairs
    out = list(pairs)
    for k in (0, 1):
        foot, geom, ix = pairs[k]
        other_foot, _, other_ix = pairs[1 - k]
        if not _broken(ix) or _broken(other_ix):
            continue
        if other_foot.arch_index - foot.arch_index <= PAIR_AI_GAP:
            continue
        q = foot.quality
        if BAND_UNLIKE_OTHER in q.issues:
            continue
        q = replace(q, score=min(float(q.score), DOUBT_CAP),
                    issues=(*q.issues, BAND_UNLIKE_OTHER),
                    advice=(*q.advice, BAND_UNLIKE_ADVICE))
        out[k] = (replace(foot, quality=q), geom, ix)
    return out



def doubt(foot, issue: str, advice: str):
    """``foot`` (a FootMeasurement) with its quality capped at ``DOUBT_CAP`` and ``issue``
    with its ``advice`` added (once)."""
    q = foot.quality
    if issue in q.issues:
        return replace(foot, quality=replace(q, score=min(float(q.score), DOUBT_CAP)))
    return replace(foot, quality=replace(q, score=min(float(q.score), DOUBT_CAP),
                                         issues=(*q.issues, issue),
                                         advice=(*q.advice, advice)))
