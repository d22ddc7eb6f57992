"""Routine page: safety screening first, then today's plan with a step timer and a log.

Calls :func:`coach.screening.screen` on the answers and :func:`coach.plan.build_plan` for the
plan; a refused or postponed plan says why and what to do. Finished sessions go to the
history store (:meth:`coach.store.HistoryStore.add_session`).
"""

from __future__ import annotations

import time
from datetime import date, datetime

import streamlit as st

from ui.engines import engine
from ui.state import format_age, open_page
from ui.widgets import (
    fmt,
    guard,
    instruction_lines,
    plan_card,
    reps_text,
    routine_age_ok,
)

ANSWERS = ["No", "Yes"]


def render() -> None:
    """Render the Routine page."""
    store, child = open_page("Routine")
    if child is None:
        return
    st.caption(f"For the selected child, {format_age(child.age_months)} old.")
    if not routine_age_ok(child.age_months):
        return
    screening = engine("coach.screening", "QUESTIONS", "screen", "unchanged_since")
    planner = engine("coach.plan", "build_plan")
    if screening is None or planner is None:
        return
    with guard("checking the safety questions"):
        outcome = _screening(screening, store, child)
        if outcome is None:
            return
        plan = _plan(planner, child, outcome)
        if plan is None:
            return
        if plan.status == "ok":
            _runner(plan, store, child)
        else:
            plan_card(plan)
    st.divider()
    _manual_log(store, child)


def _history(store, child) -> list:
    """Every screening of the child, oldest first (this session's when there is no store)."""
    if store is not None:
        return list(store.screening_history(child.id))
    return list(st.session_state.setdefault(f"rt_local_{child.id}", []))


def _local_day(answered_at) -> date:
    when = datetime.fromisoformat(str(answered_at))
    return (when if when.tzinfo is None else when.astimezone()).date()


def todays_screening(history):
    """The last screening answered today (local time), or None."""
    today = [s for s in history if _local_day(s.answered_at) == date.today()]
    return today[-1] if today else None


def todays_outcome(store, child):
    """Today's screening outcome for ``child`` (from the history, so a reload keeps it),
    or None when the safety questions were not answered today."""
    from coach.screening import screen

    last = todays_screening(_history(store, child))
    return None if last is None else screen(last.answers)


def _screening(screening, store, child):
    """Today's screening outcome, or None while today's questions are unanswered.

    Once answered today, the answers hold for the rest of the day (reloads too) until the
    parent answers again. Each saved answer set is one record, even when identical."""
    st.subheader("1 · Safety questions")
    history = _history(store, child)
    redo = st.session_state.get(f"rt_redo_{child.id}", False)
    last = todays_screening(history)
    if last is not None and not redo:
        outcome = screening.screen(last.answers)
        when = datetime.fromisoformat(str(last.answered_at)).astimezone().strftime("%H:%M")
        cols = st.columns([3, 1])
        cols[0].success(f"Answered today at {when}. " + _outcome_words(outcome),
                        icon=":material/task_alt:")
        if cols[1].button("Answer again", key="rt_redo"):
            st.session_state[f"rt_redo_{child.id}"] = True
            st.rerun()
        return outcome
    unchanged = screening.unchanged_since(history)
    changed = st.session_state.get(f"rt_changed_{child.id}", False)
    carried = {} if unchanged is None or changed else unchanged.answers
    asked = [q for q in screening.QUESTIONS if q.id not in carried]
    if carried:
        _unchanged_note(screening, unchanged, child)
    label = ("None of these apply today" if carried else "None of these apply")
    if st.button(label, type="primary", key="rt_none", icon=":material/done_all:"):
        _save(screening, store, child, {**carried, **{q.id: False for q in asked}})
    with st.form(f"rt_form_{child.id}"):
        st.caption("Or answer each question (an unanswered question is never taken as a no):")
        answers = {}
        for q in asked:
            choice = st.radio(q.question, ANSWERS, index=None, horizontal=True,
                              key=f"rt_q_{child.id}_{q.id}")
            if choice is not None:
                answers[q.id] = choice == "Yes"
        sent = st.form_submit_button("Save these answers")
    if sent:
        missing = len(asked) - len(answers)
        if missing:
            st.warning(f"{missing} question{'s' if missing != 1 else ''} still to answer; "
                       "answer every one, or use the button above if none applies.",
                       icon=":material/checklist:")
        else:
            _save(screening, store, child, {**carried, **answers})
    st.info("Today's plan is shown once today's questions are answered.",
            icon=":material/checklist:")
    return None


def _unchanged_note(screening, unchanged, child) -> None:
    """'Nothing changed since DATE' for the long-term conditions, with a way to change."""
    since = unchanged.since.strftime("%d %B %Y").lstrip("0")
    yes = [q.name for q in screening.QUESTIONS if unchanged.answers.get(q.id)]
    text = (f"Long-term conditions: nothing changed since {since}"
            + (f" (then: {', '.join(yes)})." if yes else " (none applied)."))
    cols = st.columns([3, 1])
    cols[0].info(text + " Only the questions about today are asked below.",
                 icon=":material/history:")
    if cols[1].button("Something changed", key="rt_changed"):
        st.session_state[f"rt_changed_{child.id}"] = True
        st.rerun()


def _outcome_words(outcome) -> str:
    if outcome.status == "ok":
        return "Nothing stands in the way of today's routine."
    names = ", ".join(getattr(outcome, "names", ()) or ())
    return ("No routine: " if outcome.status == "refuse" else "Not today: ") + names + "."


def _save(screening, store, child, answers: dict[str, bool]) -> None:
    """Record one answered screening (always a new record) and show the plan."""
    outcome = screening.screen(answers)
    if store is not None:
        store.add_screening(child.id, answers, outcome)
    else:
        from types import SimpleNamespace

        _history(None, child).append(SimpleNamespace(
            answered_at=datetime.now().astimezone().isoformat(), answers=answers))
    for key in (f"rt_redo_{child.id}", f"rt_changed_{child.id}"):
        st.session_state.pop(key, None)
    st.rerun()


def _plan(planner, child, outcome):
    st.subheader("2 · Today's plan")
    assessments = None
    last = st.session_state.get("fp_last_json")
    if last and last[0] == str(child.id) and hasattr(planner, "Assessments"):
        assessments = planner.Assessments.from_footprint(last[1], age_months=child.age_months)
        st.caption("Adapted to the footprint measured on the Footprint page.")
    plan = planner.build_plan(child.age_months, outcome, assessments)
    if plan.status != "ok":
        names = getattr(outcome, "names", ()) or getattr(outcome, "reasons", ())
        if names:
            st.markdown("**Because of:** " + ", ".join(names))
    return plan


def _runner(plan, store, child) -> None:
    """Show the plan and walk through it step by step with a timer."""
    steps = list(plan.steps)
    run = st.session_state.get("rt_run")
    if run is None or run.get("child") != str(child.id):
        flash = st.session_state.pop("rt_flash", None)
        if flash:
            st.success(flash, icon=":material/save:")
        plan_card(plan)
        if steps and st.button("Start the routine", type="primary", key="rt_start"):
            now = time.time()
            st.session_state["rt_run"] = {"child": str(child.id), "step": 0, "start": now,
                                          "step_start": now}
            st.rerun()
        return
    i = run["step"]
    step = steps[min(i, len(steps) - 1)]
    st.progress((i + 1) / len(steps), text=f"Step {i + 1} of {len(steps)}")
    st.markdown(f"### {step.title}")
    for line in instruction_lines(step):
        st.markdown(f"- {line}")
    if getattr(step, "reps", None):
        st.markdown(f"**Repeat:** {reps_text(step.reps)}")
    if getattr(step, "why", ""):
        st.caption(f"Why: {step.why}")
    _timer(float(getattr(step, "seconds", 0) or 0), run["step_start"])
    cols = st.columns(3)
    last = i >= len(steps) - 1
    if not last and cols[0].button("Next step", type="primary", key="rt_next"):
        run.update(step=i + 1, step_start=time.time())
        st.rerun()
    if cols[1].button("Finish and log" if last else "Stop and log", key="rt_finish",
                      type="primary" if last else "secondary"):
        _log(store, child, run, steps[: i + 1], len(steps))
    if cols[2].button("Cancel", key="rt_cancel"):
        st.session_state.pop("rt_run", None)
        st.rerun()


@st.fragment(run_every=1)
def _timer(seconds: float, started: float) -> None:
    """Elapsed / remaining time of the current step, refreshed every second."""
    elapsed = time.time() - started
    if seconds > 0:
        left = seconds - elapsed
        text = (f"{int(left // 60)}:{int(left % 60):02d} left" if left > 0
                else "Time is up — move on when ready")
        st.progress(min(1.0, elapsed / seconds), text=text)
    else:
        st.caption(f"{int(elapsed // 60)}:{int(elapsed % 60):02d} on this step")


def _log(store, child, run, done_steps, total: int) -> None:
    duration = time.time() - run["start"]
    notes = f"{len(done_steps)} of {total} steps: " + ", ".join(s.title for s in done_steps)
    if store is None:
        st.warning("The history store is not available yet: the session was not saved.")
    else:
        with guard("saving the session"):
            store.add_session(child.id, "routine", started_at=datetime.fromtimestamp(run["start"]),
                              duration_s=duration, notes=notes,
                              steps_done=[str(getattr(s, "id", s.title)) for s in done_steps])
            st.session_state["rt_flash"] = (f"Session saved to the history "
                                            f"({fmt(duration / 60, 1)} min, {notes}).")
    st.session_state.pop("rt_run", None)
    st.rerun()


def _manual_log(store, child) -> None:
    """Log a session done away from the screen."""
    if store is None:
        return
    with st.expander("Log a session done without the timer"):
        with st.form("rt_manual", clear_on_submit=True):
            kind = st.selectbox("Kind", ["massage", "routine"])
            minutes = st.number_input("Minutes", min_value=1, max_value=120, value=10)
            notes = st.text_input("Notes (optional)", max_chars=200)
            if st.form_submit_button("Log session"):
                with guard("saving the session"):
                    store.add_session(child.id, kind, started_at=datetime.now(),
                                      duration_s=float(minutes) * 60, notes=notes)
                    st.success("Session logged.", icon=":material/save:")
