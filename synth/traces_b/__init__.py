"""An independent landmark-trace generator (3D skeleton, pinhole camera, tracker errors).

Written apart from the other generators in :mod:`synth` and importing none of them, so
the movement checks can be scored on traces their own tuning never saw. Entry point:
:func:`synth.traces_b.scenarios.make`.
"""
