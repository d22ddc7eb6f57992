"""Streamlit user interface for footcoach (``app.py`` is the entry point).

Pages, one module each, each exposing ``render()`` and imported on first visit:
``child_page``, ``footprint_page``, ``movement_page`` (with ``movement_report`` for the
report views and ``live`` for the webcam), ``routine_page``, ``history_page``,
``report_page``. Pages hold no analysis logic: each calls one function from :mod:`vision` or
:mod:`coach` and renders its result.

Shared helpers: :mod:`ui.engines` (guarded imports: a missing engine shows "not available
yet"), :mod:`ui.state` (selected child, history store), :mod:`ui.widgets` (error guard,
small renderers).
"""
