"""Renderer B: a second footprint renderer, written apart from ``synth.footprint_render``.

It shares no code with renderer A (no ``foot_shape``, ``print_style``, ``footprint_render``
or ``footprint_scenes`` import) so that the engine can be scored on prints it was never
tuned on. Modules: ``anatomy`` (plantar outline from parameters in mm, separate toe pads),
``archindex`` (its own arch-index truth), ``ink`` (print physics), ``marks`` (hands,
drawings, text, stickers, rulers), ``camera`` (sheet photographed at an angle), ``scenes``
(scene kinds and :func:`synth.footprint_b.scenes.render_scene`).
"""
