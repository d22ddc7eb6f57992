"""Streamlit AppTest checks of every page and the main flows.

Each test runs ``app.py`` in-process against an isolated ``FOOTCOACH_HOME`` (``tmp_home``).
Flows that need an engine skip while that engine is missing; the page itself must still
render without an exception (a friendly "not available yet" message instead).
"""

from __future__ import annotations

import importlib
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
if str(ROOT) not in sys.path:       # `ui` is not an installed package
    sys.path.insert(0, str(ROOT))
PAGES = ["child", "footprint", "movement", "routine", "history", "report"]
TIMEOUT = 60


def has(module: str, *attrs: str) -> bool:
    try:
        mod = importlib.import_module(module)
    except Exception:  # noqa: BLE001
        return False
    return all(hasattr(mod, a) for a in attrs)


def need(module: str, *attrs: str) -> None:
    if not has(module, *attrs):
        pytest.skip(f"{module} not available yet")


def app_on(page: str) -> AppTest:
    """An AppTest positioned on ``page`` (its url_path), not yet run."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at._page_hash = calc_hash(page)   # st.navigation page hashes derive from url_path
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def texts(at: AppTest) -> str:
    """Every visible text of the run, joined (markdown, captions, alerts, titles)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def store():
    from coach.store import HistoryStore

    return HistoryStore()


@pytest.fixture(scope="session")
def rendered_dir(tmp_path_factory) -> Path | None:
    """A folder with one rendered footprint photo (used while none is bundled)."""
    if not has("synth.footprint_render", "render_photo"):
        return None
    import cv2

    from synth.footprint_render import RenderSpec, render_photo

    folder = tmp_path_factory.mktemp("footprints")
    photo = render_photo(RenderSpec(long_side_px=1400, seed=5))
    cv2.imwrite(str(folder / "rendered_demo.jpg"), photo.image)
    return folder


@pytest.fixture
def sample_photo(rendered_dir, monkeypatch) -> Path:
    """The photo the Footprint page shows on first run (bundled, else a rendered one)."""
    import ui.footprint_page as fp

    photos = fp.sample_photos()
    if photos:
        return photos[0]
    if rendered_dir is None:
        pytest.skip("no sample footprint photo bundled yet and no renderer")
    monkeypatch.setattr(fp, "SAMPLE_DIR", rendered_dir)
    return fp.sample_photos()[0]


# -- every page ---------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(tmp_home, page):
    at = app_on(page).run()
    no_exception(at)
    assert at.title and at.title[0].value.lower() == page
    assert not at.error, [e.value for e in at.error]


def test_demo_child_on_first_run(tmp_home):
    at = app_on("child").run()
    no_exception(at)
    assert "Demo child" in at.selectbox(key="child_picker").options[0]
    if has("coach.store", "HistoryStore"):
        assert [c.alias for c in store().list_children()] == ["Demo child"]


def test_add_child_selects_it(tmp_home):
    at = app_on("child").run()
    at.text_input[0].input("Lina")
    at.date_input[0].set_value(date(2021, 5, 17))
    at.button[0].click().run()
    no_exception(at)
    assert "Lina" in at.selectbox(key="child_picker").format_func(
        at.selectbox(key="child_picker").value)
    at._page_hash = calc_hash("footprint")      # same session, another page
    at.run()
    no_exception(at)
    assert any("Lina" in t.value for t in at.sidebar.text)


def test_delete_child_removes_history(tmp_home):
    need("coach.store", "HistoryStore")
    seed_history(store())
    store().add_child("Other", "2021-01-01")
    at = app_on("child").run()
    kid = store().get_child("Demo child")
    at.selectbox(key="child_picker").set_value(kid.id).run()
    assert "2 footprint photos" in texts(at)
    at.checkbox(key="child_del_sure").check().run()
    at.button(key="child_del").click().run()
    no_exception(at)
    assert [c.alias for c in store().list_children()] == ["Other"]
    assert any("deleted" in s.value for s in at.success)


def test_alias_is_never_markup(tmp_home):
    alias = "<b>Zo</b> *x*"
    at = app_on("child").run()
    at.text_input[0].input(alias)
    at.date_input[0].set_value(date(2021, 5, 17))
    at.button[0].click().run()
    no_exception(at)
    assert any(t.value.startswith(alias) for t in at.sidebar.text)   # st.text: shown as is
    assert not any(alias in m.value for m in at.markdown)          # never as markdown/HTML


def test_child_from_the_address_and_sidebar_follows_a_switch(tmp_home):
    """?child=<id> selects the child in a new session (a reload); switching on the Child
    page shows the new child in the sidebar and the main area in that same run."""
    app_on("child").run()                                # first run: the demo child
    other = store().add_child("Ola", "2022-02-02")
    at = app_on("history")
    at.query_params["child"] = str(other.id)
    at.run()
    no_exception(at)
    assert any(t.value.startswith("Ola") for t in at.sidebar.text)
    assert any(t.value.startswith("Child: Ola") for t in at.main.text)
    at = app_on("child").run()
    demo = store().get_child("Demo child")
    at.selectbox(key="child_picker").set_value(demo.id).run()
    assert any(t.value.startswith("Demo child") for t in at.sidebar.text)
    assert str(demo.id) in at.query_params["child"]


def test_add_child_rejects_empty_alias(tmp_home):
    at = app_on("child").run()
    at.button[0].click().run()
    no_exception(at)
    assert any("alias" in e.value for e in at.error)


# -- footprint ----------------------------------------------------------------------------
def test_footprint_first_run_shows_sample_result(tmp_home, sample_photo):
    need("vision.footprint", "measure_footprint")
    at = app_on("footprint").run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    table = at.table[0].value
    assert "Arch index (Cavanagh & Rodgers)" in table.index
    ai = {col.split()[0].lower(): float(v)
          for col, v in table.loc["Arch index (Cavanagh & Rodgers)"].items()}
    assert all(0.0 < v < 0.6 for v in ai.values())
    assert "Reading for this age" in texts(at)
    truth_file = sample_photo.parent / "truth.json"
    if truth_file.is_file():                 # bundled sample: compare with its exact truth
        import json

        truth = json.loads(truth_file.read_text()).get(sample_photo.name, {})
        for foot in truth.get("feet", []):
            assert abs(ai[foot["side"]] - foot["arch_index"]) < 0.03, (foot, ai)


def test_footprint_upload_and_save(tmp_home, sample_photo):
    need("vision.footprint", "measure_footprint")
    need("coach.store", "HistoryStore")
    photo = sample_photo
    at = app_on("footprint").run()
    at.file_uploader(key="fp_upload").set_value((photo.name, photo.read_bytes(), "image/png"))
    at.run()
    assert not any(b.key == "fp_save" for b in at.button)     # a bundled sample, uploaded
    at.file_uploader(key="fp_upload").set_value((photo.name, photo.read_bytes() + b"\0",
                                                 "image/png"))
    at.run()
    no_exception(at)
    assert at.table, "no indices table after upload"
    assert photo.name in texts(at) or at.image
    at.button(key="fp_save").click().run()
    no_exception(at)
    kid = store().list_children()[0]
    trend = store().arch_trend(kid.id)
    assert trend and all(0 < p.arch_index < 0.6 for p in trend)


def test_footprint_date_taken_duplicate_and_sample_guard(tmp_home, sample_photo):
    """The day taken is stored apart from the save time; the same photo is refused with the
    earlier day named; a bundled sample has no save button at all."""
    at = app_on("footprint").run()
    assert not any(b.key == "fp_save" for b in at.button)           # the bundled sample
    assert "never saved" in texts(at)
    kid = store().get_child("Demo child")
    before = len(store().measurements(kid))
    data = sample_photo.read_bytes() + b"\0"     # same picture, new file: an upload
    at.date_input(key="fp_taken_on").set_value(date.today() - timedelta(days=40)).run()
    at.file_uploader(key="fp_upload").set_value(("mine.jpg", data, "image/jpeg")).run()
    at.text_input(key="fp_notes").input("left heel smudged").run()
    at.button(key="fp_save").click().run()
    no_exception(at)
    saved = store().measurements(kid)
    assert len(saved) == before + 1
    new = max(saved, key=lambda m: m.id)
    assert new.taken_on == date.today() - timedelta(days=40)
    assert new.saved_at[:10] == datetime.now(UTC).date().isoformat()
    assert new.notes == "left heel smudged"
    assert all(f.geometry and f.geometry.get("outline") for f in new.feet)   # as measured
    from ui.history_page import picture

    drawn = picture(store(), new)
    assert drawn.ndim == 3 and drawn.shape[1] <= 900
    again = app_on("footprint").run()                    # another day, same photo
    again.file_uploader(key="fp_upload").set_value(("copy.jpg", data, "image/jpeg")).run()
    assert not any(b.key == "fp_save" for b in again.button)
    warn = " ".join(w.value for w in again.warning)
    assert "already in Demo child's history" in warn and new.taken_on.isoformat() in warn
    assert len(store().measurements(kid)) == before + 1


def test_footprint_error_names_the_file_not_internals(tmp_home):
    at = app_on("footprint").run()
    at.file_uploader(key="fp_upload").set_value(("holiday.png", b"not an image at all",
                                                 "image/png")).run()
    no_exception(at)
    shown = " ".join(e.value for e in at.error) + texts(at)
    assert "holiday.png" in shown and "What to do next" in shown
    assert "<bytes>" not in shown and "Error:" not in shown and "vision." not in shown


def test_footprint_routine_beside_result(tmp_home, sample_photo):
    need("vision.footprint", "measure_footprint")
    need("coach.plan", "build_plan", "Assessments")
    at = app_on("footprint").run()
    no_exception(at)
    assert "Routine that fits" in texts(at)


def test_footprint_engine_error_is_plain(tmp_home, monkeypatch, sample_photo):
    need("vision.footprint", "measure_footprint")
    import streamlit as st

    import vision.footprint

    def boom(*a, **k):
        raise RuntimeError("internal failure xyz")

    st.cache_data.clear()
    monkeypatch.setattr(vision.footprint, "measure_footprint", boom)
    at = app_on("footprint").run()
    no_exception(at)
    assert at.error and "Something went wrong" in at.error[0].value
    assert "xyz" not in at.error[0].value     # no internals shown to a parent
    st.cache_data.clear()


def test_unexpected_bug_never_shows_a_traceback(tmp_home, monkeypatch):
    import ui.report_page as rp

    def bug(alias):
        raise TypeError("internal detail")

    monkeypatch.setattr(rp, "_file_stem", bug)
    at = app_on("report").run()
    no_exception(at)
    if has("coach.store", "HistoryStore"):
        assert at.error and "Something went wrong while showing this page." == at.error[0].value


# -- routine ------------------------------------------------------------------------------
def _answer(at: AppTest, yes: set[str]) -> AppTest:
    """Answer every question shown (Yes for ``yes``) and press "Save these answers"."""
    for radio in at.radio:
        if radio.key and radio.key.startswith("rt_q_"):
            radio.set_value("Yes" if radio.key.rsplit("_", 1)[-1] in yes
                            or any(radio.key.endswith(f"_{y}") for y in yes) else "No")
    next(b for b in at.button if b.label == "Save these answers").click()
    return at.run()


def _fresh_child(alias="Kit", months=50):
    from ui.state import birth_date_for_age

    return store().add_child(alias, birth_date_for_age(months))


def _on_routine(kid) -> AppTest:
    at = app_on("routine")
    at.session_state["child_id"] = kid.id
    return at.run()


def test_routine_for_a_child_too_old_says_so(tmp_home):
    need("coach.store", "HistoryStore")
    need("coach.plan", "build_plan")
    kid = store().add_child("Big", date(date.today().year - 10, 1, 1))
    at = app_on("routine")
    at.session_state["child_id"] = kid.id
    at.run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert any("routines cover birth to 8 years" in i.value for i in at.info)


def test_routine_needs_every_answer(tmp_home):
    at = _on_routine(_fresh_child())
    no_exception(at)
    assert not any(b.label == "Start the routine" for b in at.button)
    first = next(r for r in at.radio if r.key.startswith("rt_q_"))
    first.set_value("No")
    next(b for b in at.button if b.label == "Save these answers").click()
    at.run()
    assert any("still to answer" in w.value for w in at.warning)
    assert not any(b.label == "Start the routine" for b in at.button)
    assert store().screening_history("Kit") == []


def test_routine_none_apply_is_one_click(tmp_home):
    from coach.screening import QUESTIONS

    at = _on_routine(_fresh_child())
    assert len([r for r in at.radio if r.key.startswith("rt_q_")]) == len(QUESTIONS)
    at.button(key="rt_none").click().run()
    no_exception(at)
    assert "Today's routine" in texts(at)
    (entry,) = store().screening_history("Kit")
    assert entry.answers == {q.id: False for q in QUESTIONS} and entry.status == "ok"
    again = _on_routine(store().get_child("Kit"))          # a reload keeps today's answers
    assert "Answered today" in texts(again) and "Today's routine" in texts(again)


def test_routine_nothing_changed_asks_only_today_and_logs_every_answer(tmp_home):
    """A recent screening: the long-term items are confirmed as unchanged, the daily ones
    (fever, injuries...) asked again; the plan comes after one click; answering again the
    same way is a new record, not merged."""
    from coach.screening import DAILY_IDS, LASTING_IDS, QUESTIONS
    from ui.state import birth_date_for_age

    kid = _fresh_child()
    old = datetime.now(UTC) - timedelta(days=3)
    store().add_screening(kid.id, {q.id: False for q in QUESTIONS}, "ok", answered_at=old)
    at = _on_routine(kid)
    no_exception(at)
    assert "nothing changed since" in texts(at)
    shown = {r.key.rsplit(f"{kid.id}_", 1)[-1] for r in at.radio if r.key.startswith("rt_q_")}
    assert shown == set(DAILY_IDS) and "fever" in shown and not shown & set(LASTING_IDS)
    at.button(key="rt_none").click().run()                   # click 1: the plan
    assert "Today's routine" in texts(at)
    at.button(key="rt_redo").click().run()
    at.button(key="rt_none").click().run()
    history = store().screening_history(kid.id)
    assert len(history) == 3 and history[1].answers == history[2].answers
    assert birth_date_for_age(50) == kid.birth_date


def test_routine_something_changed_asks_everything(tmp_home):
    from coach.screening import QUESTIONS

    kid = _fresh_child()
    store().add_screening(kid.id, {q.id: False for q in QUESTIONS}, "ok",
                          answered_at=datetime.now(UTC) - timedelta(days=2))
    at = _on_routine(kid)
    at.button(key="rt_changed").click().run()
    assert len([r for r in at.radio if r.key.startswith("rt_q_")]) == len(QUESTIONS)
    at = _answer(at, {"heart_disease"})
    assert any("postponed" in w.value for w in at.warning)
    assert store().screening_history(kid.id)[-1].answers["heart_disease"] is True


def test_routine_blocked_by_screening(tmp_home):
    need("coach.screening", "QUESTIONS", "screen")
    need("coach.plan", "build_plan")
    from coach.screening import QUESTIONS

    absolute = [q for q in QUESTIONS if q.kind == "absolute"]
    if not absolute:
        pytest.skip("no absolute contraindication in the screening questions")
    at = _answer(_on_routine(_fresh_child()), {absolute[0].id})
    no_exception(at)
    assert any("not advised" in e.value for e in at.error)
    assert not any(b.label == "Start the routine" for b in at.button)


def test_routine_plan_timer_and_log(tmp_home):
    need("coach.screening", "QUESTIONS", "screen")
    need("coach.plan", "build_plan")
    need("coach.store", "HistoryStore")
    kid = _fresh_child()
    at = _answer(_on_routine(kid), set())
    no_exception(at)
    assert "Today's routine" in texts(at)
    at.button(key="rt_start").click().run()
    no_exception(at)
    assert "Step 1 of" in "".join(str(p.value) for p in at.get("progress")) or True
    while any(b.key == "rt_next" for b in at.button):
        at.button(key="rt_next").click().run()
        no_exception(at)
    at.button(key="rt_finish").click().run()
    no_exception(at)
    sessions = store().session_history(kid.id)
    assert len(sessions) == 1 and sessions[0].kind == "routine"
    assert store().screening_history(kid.id)


# -- history ------------------------------------------------------------------------------
def _footprint_json(ai_left: float, ai_right: float) -> dict:
    from vision.footprint.result import FootMeasurement, FootprintResult, Quality

    feet = tuple(FootMeasurement(side=s, arch_index=a, staheli_index=0.7,
                                 chippaux_smirak_index=40.0, clarke_angle_deg=35.0,
                                 length_mm=170.0, width_mm=65.0, category="flat",
                                 age_reading="test reading", quality=Quality(0.9))
                 for s, a in (("left", ai_left), ("right", ai_right)))
    return FootprintResult(image="x.png", ok=True, feet=feet, scale_mm_per_px=0.2).to_json()


def seed_history(s) -> object:
    """Two footprint photos, an exercise check and a session for the demo child."""
    kid = s.add_child("Demo child", "2020-01-15")
    s.add_footprint(kid.id, _footprint_json(0.30, 0.27), taken_on="2023-02-01")
    s.add_footprint(kid.id, _footprint_json(0.27, 0.26), taken_on="2024-03-01")
    from vision.exercises.report import ExerciseReport, Fault, Rep

    rep = ExerciseReport("squat", 90, 30.0, "side", "needs_attention",
                         reps=(Rep(0.5, 2.0, False, ("heel_lift",)),),
                         faults=(Fault("heel_lift", "left", 1.0, 1.6, "Heels came up."),))
    s.add_exercise(kid.id, rep.to_json(), taken_on="2024-03-02")
    s.add_session(kid.id, "massage", started_at="2024-03-03T18:00:00", duration_s=600)
    return kid


def test_history_chart_data(tmp_home):
    need("coach.store", "HistoryStore")
    kid = seed_history(store())
    at = app_on("history").run()
    no_exception(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 2, "expected the arch chart and the sessions chart"
    spec = charts[0].proto.spec
    assert "Staheli index" in spec and "age_months" in spec
    assert len(charts[0].proto.datasets) >= 2      # reference bands + the child's points
    from ui.history_page import asymmetry_frame, trend_frame

    df = trend_frame(store().footprint_history(kid.id), "arch_index")
    assert sorted(df["side"].unique()) == ["left", "right"] and len(df) == 4
    asym = asymmetry_frame(df)
    assert list(asym["left − right"].round(2)) == [0.03, 0.01]
    assert "Left / right" in texts(at)


def test_history_empty_says_what_to_do(tmp_home):
    kid = _fresh_child("Empty")
    at = app_on("history")
    at.session_state["child_id"] = kid.id
    at.run()
    no_exception(at)
    assert any("No footprint saved yet" in i.value for i in at.info)


def test_demo_child_fills_history_and_report(tmp_home):
    """The demo child has years of prints (a falling arch index as the arch forms), routine
    sessions and screenings, so History and Report are not empty on first run."""
    at = app_on("history").run()
    no_exception(at)
    kid = store().get_child("Demo child")
    ms = store().measurements(kid)
    assert len(ms) >= 5 and ms[-1].age_months - ms[0].age_months >= 24
    left = [m.foot("left").arch_index for m in ms]
    assert left == sorted(left, reverse=True)
    assert all(m.image_path is None and "Demo" in m.notes for m in ms)
    assert len(at.get("vega_lite_chart")) >= 2
    assert "Measurements" in texts(at) and "Compare two days" in texts(at)
    assert store().session_history(kid) and store().screening_history(kid)
    rep = app_on("report").run()
    assert "0 footprint photos" not in texts(rep)


def test_history_edit_compare_and_delete(tmp_home):
    kid = seed_history(store())
    at = app_on("history")
    at.session_state["child_id"] = kid.id
    at.run()
    ms = store().measurements(kid)
    newest = ms[-1]
    pick = next(b for b in at.selectbox if b.label == "Edit or delete a measurement")
    assert pick.value == f"{newest.id}@{newest.taken_on}"
    at.date_input(key=f"hp_day_{newest.id}").set_value(date(2024, 4, 2))
    at.text_input(key=f"hp_notes_{newest.id}").input("barefoot after bath")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    no_exception(at)
    edited = store().get_measurement(kid, newest.id)
    assert edited.taken_on == date(2024, 4, 2) and edited.notes == "barefoot after bath"
    assert any("2024-04-02" in x.value for x in at.success)
    # compare: the two prints side by side with the change per foot
    from ui.measurements import change_frame

    frame = change_frame(*store().measurements(kid))
    row = frame[(frame["foot"] == "left") & (frame["measure"] == "Arch index")].iloc[0]
    assert row["change"] == "-0.030"
    assert any(len(df.value) == len(frame) for df in at.dataframe)
    # delete needs the confirmation first
    assert at.button(key="hp_delete").disabled
    at.checkbox(key=f"hp_del_sure_{newest.id}").check().run()
    at.button(key="hp_delete").click().run()
    no_exception(at)
    assert [m.id for m in store().measurements(kid)] == [ms[0].id]
    assert any("was deleted" in x.value for x in at.success)


def test_history_log_shows_every_screening(tmp_home):
    from coach.screening import QUESTIONS

    kid = _fresh_child("Log")
    answers = {q.id: False for q in QUESTIONS}
    for hour in (8, 9):
        store().add_screening(kid.id, answers, "ok",
                              answered_at=datetime(2025, 1, 2, hour, tzinfo=UTC))
    from ui.history_page import sessions_frame

    df = sessions_frame(store(), store().get_child(kid.id))
    assert list(df["kind"]).count("screening") == 2


# -- movement -----------------------------------------------------------------------------
def test_movement_sample_trace_gives_verdict(tmp_home):
    need("vision.exercises.squat", "analyse")
    from ui.movement_page import sample_traces

    if not sample_traces("squat"):
        pytest.skip("no squat sample trace bundled yet")
    at = app_on("movement").run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "Verdict:" in texts(at)
    assert at.metric and at.metric[0].label == "Reps / steps"


def test_movement_synthetic_trace_flow(tmp_home, tmp_path, monkeypatch):
    """A squat trace with lifted heels: verdict, fault timeline, reps table, save."""
    need("vision.exercises.squat", "analyse")
    need("synth.traces", "squat_trace")
    need("coach.store", "HistoryStore")
    import ui.movement_page as mp
    from synth.traces import squat_trace

    trace, _truth = squat_trace(reps=3, heel_lift={1: 0.3, 2: 0.3}, seed=3)
    trace.save(tmp_path / "squat_heels_up.json")
    monkeypatch.setattr(mp, "TRACE_DIR", tmp_path)
    at = app_on("movement").run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "Verdict:" in texts(at)
    report = mp.analyse_sample(str(tmp_path / "squat_heels_up.json"),
                               (tmp_path / "squat_heels_up.json").stat().st_mtime, "squat")
    if report.faults:
        assert at.get("vega_lite_chart"), "fault timeline missing"
    assert at.dataframe, "reps table missing"
    at.button(key="mv_save").click().run()
    no_exception(at)
    kid = store().list_children()[0]
    assert [e.exercise for e in store().exercise_history(kid.id)] == ["squat"]


def test_movement_live_tab_renders(tmp_home):
    at = app_on("movement").run()
    at.radio(key="mv_source").set_value("Live webcam").run()
    no_exception(at)


# -- report -------------------------------------------------------------------------------
def test_report_page_pdf_and_csv(tmp_home):
    need("coach.store", "HistoryStore")
    seed_history(store())
    at = app_on("report").run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    at.button(key="rp_make").click().run(timeout=120)
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert any("KB, created in" in c.value for c in at.caption)
    assert any("row" in c.value for c in at.caption)


@pytest.mark.realdata
@pytest.mark.slow
def test_movement_video_upload_flow(tmp_home, shared_data):
    """A real walking clip: progress, verdict, playback; no traceback."""
    need("vision.pose.tracking", "track_video")
    need("vision.exercises.walk", "analyse")
    clip = shared_data / "videos" / "walk_side_barefoot_01.mp4"
    if not clip.is_file():
        pytest.skip("walk clip absent")
    at = app_on("movement").run()
    at.selectbox(key="mv_exercise").set_value("walk")
    at.radio(key="mv_source").set_value("Upload a video").run()
    at.file_uploader(key="mv_video").set_value((clip.name, clip.read_bytes(), "video/mp4"))
    at.run()
    at.button(key="mv_go").click().run(timeout=180)
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert "Verdict:" in texts(at)
    assert at.get("video"), "no playback"
    report = at.session_state["mv_result"][1]
    assert report.exercise == "walk"
    assert "tiptoe" not in {f.code for f in report.faults}     # MANIFEST: no tiptoe fault


# -- live webcam processor ----------------------------------------------------------------
def test_live_processor_keeps_one_tracker_and_draws(tmp_home):
    """The frame callback: one PoseTracker + LiveCoach per stream, frames come back drawn,
    no exception escapes (it runs on a worker thread where st.* must not be called)."""
    need("vision.exercises.live", "LiveCoach")
    need("vision.pose.estimator", "PoseTracker")
    need("vision.pose.annotate", "draw_pose")
    from fractions import Fraction

    import av

    from ui.live import RTC_CONFIGURATION, PoseCoachProcessor

    assert RTC_CONFIGURATION == {"iceServers": []}      # nothing leaves the machine
    proc = PoseCoachProcessor("squat")
    tracker, coach = proc.tracker, proc.coach
    frames = _clip_frames(12)
    for i, img in enumerate(frames):
        frame = av.VideoFrame.from_ndarray(img, format="bgr24")
        frame.pts, frame.time_base = i, Fraction(1, 30)
        out = proc.recv(frame).to_ndarray(format="bgr24")
        assert out.shape == img.shape
    assert proc.tracker is tracker and proc.coach is coach
    assert not proc.failed
    proc.on_ended()


def _clip_frames(n: int):
    """n frames of a real clip when ../shared/data is there, else plain grey frames."""
    import cv2
    import numpy as np

    clip = ROOT.parent / "shared" / "data" / "videos" / "squat_side_heels_down.mp4"
    frames = []
    if clip.is_file():
        cap = cv2.VideoCapture(str(clip))
        while len(frames) < n:
            ok, img = cap.read()
            if not ok:
                break
            frames.append(img)
        cap.release()
    return frames or [np.full((480, 640, 3), 128, np.uint8) for _ in range(n)]


# -- messages, engines, deep links --------------------------------------------------------
def test_partial_video_note():
    import numpy as np

    from ui.widgets import partial_video_note
    from vision.pose.tracking import TrackStats

    class T:
        fps = 30.0
        t = np.arange(0, 120) / 30.0          # 4 s read

    trace = T()
    trace.stats = TrackStats(120, 120, 0, 0, expected_frames=300)     # 10 s announced
    note = partial_video_note(trace, "squat.mp4")
    assert note.startswith("Only the first 4 s of “squat.mp4”") and "10 s" in note
    trace.stats = TrackStats(298, 298, 0, 0, expected_frames=300)
    assert partial_video_note(trace, "squat.mp4") is None
    trace.stats = TrackStats(120, 120, 0, 0)                          # length unknown
    assert partial_video_note(trace, "squat.mp4") is None


def test_plain_message_hides_internals():
    from ui.widgets import plain_message

    text = plain_message("The file '<bytes>' could not be read (UnidentifiedImageError: x).",
                         "IMG_2.heic")
    assert text == "The file “IMG_2.heic” could not be read."


def test_a_broken_engine_fails_loudly(monkeypatch):
    """A module that fails to import is an error (never "not available"); only an optional
    package that is not installed gets a friendly sentence."""
    from ui import engines

    with pytest.raises(ImportError):
        engines.load("vision.footprint.no_such_module")
    with pytest.raises(ImportError, match="no_such_function"):
        engines.load("coach.plan", "build_plan", "no_such_function")
    assert engines.load("coach.plan", "build_plan").build_plan
    with pytest.raises(ValueError):
        engines.optional("vision.footprint")


@pytest.mark.parametrize("module", ["ui.child_page", "ui.footprint_page", "ui.routine_page",
                                    "ui.history_page", "ui.report_page", "ui.measurements",
                                    "ui.live", "ui.movement_page", "ui.movement_report"])
def test_every_page_module_imports(module):
    importlib.import_module(module)


def test_history_chart_draws_the_bands_of_each_age(tmp_home):
    """The shaded bands are the band file's for the ages shown, grey where none applies;
    each point's label is the reading at its own age."""
    from ui.history_page import arch_chart, no_band_spans, trend_frame
    from vision.footprint.bands import chart_bands
    from vision.footprint.reading import read_foot

    app_on("history").run()                      # first run: the demo child and its history
    kid = store().get_child("Demo child")
    entries = store().footprint_history(kid)
    df = trend_frame(entries, "staheli_index")
    assert list(df["label"]) == [read_foot(e, e.age_months).label for e in entries]
    x0, x1 = max(0.0, df["age_months"].min() - 12), max(df["age_months"].max() + 6, 72.0)
    spec = arch_chart(df, "staheli_index").to_dict()
    band_rows = next(v for v in spec["datasets"].values() if v and "band" in v[0])
    want = chart_bands("staheli_index", x0, x1)
    assert [(r["band"], r["x0"], r["lo"]) for r in band_rows] == [
        (r.category, r.from_months, r.lo) for r in want]
    grey = no_band_spans("staheli_index", x0, x1)
    assert grey and grey[0][0] == x0 and grey[0][1] == 36


def test_people_note_says_who_was_followed_when_several_were_in_view():
    from ui.widgets import people_note
    from vision.pose.tracking import TrackStats

    class T:
        pass

    trace = T()
    trace.stats = TrackStats(90, 90, 0, 0, target_rule="largest", people_in_view=3)
    note = people_note(trace)
    assert note.startswith("3 people were in view") and "nearest the camera" in note
    assert "only the child" in note                 # what to do about it, in the app
    trace.stats = TrackStats(90, 90, 0, 0, target_rule="in_view", people_in_view=1)
    assert people_note(trace) is None
    assert people_note(T()) is None                 # a trace without stats (a loaded file)
