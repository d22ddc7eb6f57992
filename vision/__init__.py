"""footcoach.vision: pure image and video analysis (no UI, no storage).

Subpackages
-----------
footprint : photo of a footprint -> per-foot arch indices (:func:`vision.footprint.measure_footprint`)
pose      : frame sources, MediaPipe Pose/Hands wrappers, landmark traces, signals
exercises : one module per exercise; trace in, :class:`vision.exercises.report.ExerciseReport` out
synth     : synthetic ground truth (footprint photo renderer, landmark trace generator)
"""
