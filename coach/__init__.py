"""coach: age-banded foot routines, contraindication screening, plans and the history store.

Import what you need from the module that defines it::

    from coach.screening import QUESTIONS, screen
    from coach.plan import build_plan
    from coach.store import HistoryStore

    outcome = screen({q.id: False for q in QUESTIONS})   # every question answered
    plan = build_plan(14, outcome)                         # Plan, see coach.plan
    store = HistoryStore()                                 # SQLite history, see coach.store

Knowledge lives in ``coach/data/*.toml`` (see :mod:`coach.knowledge`).
"""
