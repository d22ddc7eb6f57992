"""Streamlit user interface for footcoach.

One module per page (``child_page``, ``footprint_page``, ``movement_page``, ``routine_page``,
``history_page``, ``report_page``), each exposing ``render()``. Pages hold no analysis logic:
each calls one function from :mod:`vision` or :mod:`coach` and renders its result.

Shared helpers: :mod:`ui.engines` (guarded imports of the engines, which may be missing while
the project is being built), :mod:`ui.state` (selected child, history store) and
:mod:`ui.widgets` (error guard and small renderers).
"""
