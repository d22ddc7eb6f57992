"""History store: round trips, validation, migrations, full delete, export/import, CSV."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import stat
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from coach import store_io, store_sql
from coach.store import HistoryStore
from coach.store_schema import (
    Connections,
    SchemaError,
    connect,
    load_migrations,
    migrate,
    split_statements,
)
from coach.store_types import AliasTakenError, DuplicateImageError, UnknownChildError
from vision.exercises.report import ExerciseReport, Fault, Rep
from vision.footprint.result import FootMeasurement, FootprintResult, Quality

JPEG = b"\xff\xd8\xff\xe0" + b"footprint-photo" * 10
PNG = b"\x89PNG\r\n\x1a\n" + b"png-data" * 10


def _foot(side="left", ai=0.24, **kw):
    return FootMeasurement(side=side, arch_index=ai, staheli_index=0.71,
                           chippaux_smirak_index=38.5, clarke_angle_deg=41.0, length_mm=162.5,
                           width_mm=63.0, category="normal", age_reading="reading (Banwell)",
                           quality=Quality(0.87, ("no_scale",)), **kw)


def footprint(ai_left=0.24, ai_right=0.26, image="print.jpg") -> FootprintResult:
    return FootprintResult(image=image, ok=True,
                           feet=(_foot("left", ai_left), _foot("right", ai_right)))


def report(verdict="needs_attention") -> ExerciseReport:
    return ExerciseReport(exercise="squat", frames=90, fps=30.0, view="side", verdict=verdict,
                          reps=(Rep(0.0, 1.5, False, ("heel_lift",), {"min_knee_angle_deg": 80.0}),
                                Rep(1.5, 3.0, True)),
                          faults=(Fault("heel_lift", "left", 0.4, 0.9, "heel rose"),
                                  Fault("shallow", "both", 1.6, 2.0, "go lower")),
                          metrics={"min_knee_angle_deg": 80.0})


@dataclass(frozen=True)
class Outcome:   # shape of coach.screening.ScreeningOutcome
    status: str
    reasons: tuple = ()
    advice: str = ""


@pytest.fixture
def store(tmp_path):
    return HistoryStore(tmp_path / "h.db")


@pytest.fixture(scope="module")
def filled_template(tmp_path_factory):
    """Built once: two children and a record of every kind for each (copied per test)."""
    store = HistoryStore(tmp_path_factory.mktemp("template") / "h.db")
    for alias, birth in (("Mia", "2020-05-10"), ("Noah", "2019-01-20")):
        kid = store.add_child(alias, birth)
        store.add_footprint(kid, footprint(), taken_on="2023-06-01", image_bytes=JPEG)
        store.add_footprint(kid, footprint(0.22, 0.23), taken_on="2024-06-01", image_bytes=PNG)
        store.add_exercise(kid, report(), taken_on="2024-06-02")
        store.add_session(kid, "massage", started_at="2024-06-03T18:30:00", duration_s=300,
                          steps_done=["arch_stroke", "toe_spread"], notes="calm")
        store.add_screening(kid, {"fever": False, "injury": False}, Outcome("ok"),
                            answered_at="2024-06-03T18:25:00")
    store.close()                                   # checkpoints: the .db file is complete
    return store.path.parent


@pytest.fixture
def filled(filled_template, tmp_path):
    shutil.copy(filled_template / "h.db", tmp_path / "h.db")
    shutil.copytree(filled_template / "images", tmp_path / "images")
    return HistoryStore(tmp_path / "h.db")


def snapshot(store):
    """Everything visible: each child's export (without timestamps) and the image files."""
    data = {}
    for c in store.list_children():
        d = store.export_json(c, include_images=True)
        d.pop("exported_at")
        data[c.alias] = d
    files = sorted(str(p.relative_to(store.images_dir)) for p in store.images_dir.rglob("*"))
    return data, files


def raw(store, query, *params):
    with closing(sqlite3.connect(store.path)) as conn:
        return conn.execute(query, params).fetchall()


# -- database setup ---------------------------------------------------------------------
def test_default_location_pragmas_and_permissions(tmp_home):
    s = HistoryStore()
    assert s.path == tmp_home / "history.db" and s.path.is_file()
    assert s.images_dir == tmp_home / "images"
    assert stat.S_IMODE(s.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_home.stat().st_mode) == 0o700
    with closing(connect(s.path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2   # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(load_migrations())


def test_create_false_refuses_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        HistoryStore(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_split_statements_keeps_triggers_and_quoted_semicolons():
    sql = ("-- a comment\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
           "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET x = 'c;d';\nEND;\n-- end\n")
    parts = split_statements(sql)
    assert len(parts) == 2 and parts[1].endswith("END;")
    with pytest.raises(SchemaError):
        split_statements("CREATE TABLE t (x")


# -- children ---------------------------------------------------------------------------
def test_child_round_trip(store):
    mia = store.add_child("  Mia ", date(2020, 5, 10))
    zoe = store.add_child("zoé", "2021-01-02")
    assert mia.alias == "Mia" and mia.birth_date == date(2020, 5, 10)
    assert store.get_child(mia.id) == mia == store.get_child("MIA") == store.get_child(str(mia.id))
    assert store.get_child(mia) == mia
    assert [c.alias for c in store.list_children()] == ["Mia", "zoé"]
    renamed = store.rename_child("zoé", "Zoe")
    assert renamed.id == zoe.id and store.get_child("zoe").alias == "Zoe"
    assert mia.to_json()["birth_date"] == "2020-05-10"
    assert mia.age_months(date(2021, 5, 10)) == pytest.approx(12.0, abs=0.1)


@pytest.mark.parametrize("alias", ["", "   ", "x" * 81, "123", "a\nb", None, 5])
def test_bad_alias_rejected(store, alias):
    store.add_child("Mia", "2020-05-10")
    with pytest.raises(ValueError):
        store.add_child(alias, "2020-05-10")
    assert [c.alias for c in store.list_children()] == ["Mia"]


@pytest.mark.parametrize("birth", [date.today() + timedelta(days=1), "2020-13-01", "yesterday",
                                   "1899-12-31", None, 20200101])
def test_bad_birth_date_rejected(store, birth):
    with pytest.raises(ValueError, match="birth date"):
        store.add_child("Mia", birth)
    assert store.list_children() == []


def test_alias_clash_and_unknown_child(store):
    store.add_child("Mia", "2020-05-10")
    with pytest.raises(AliasTakenError, match="already exists"):
        store.add_child("MIA", "2021-05-10")
    store.add_child("Noah", "2020-05-10")
    with pytest.raises(AliasTakenError):
        store.rename_child("Noah", "mia")
    for key in ("Bob", 99, "99", 1.5):
        with pytest.raises(UnknownChildError):
            store.get_child(key)
    with pytest.raises(UnknownChildError):
        store.add_exercise("Bob", report(), taken_on="2024-01-01")
    assert len(store.list_children()) == 2


# -- records ----------------------------------------------------------------------------
def test_footprint_round_trip_and_trend(store):
    kid = store.add_child("Mia", "2020-05-10")
    ids = store.add_footprint(kid.id, footprint(), taken_on="2023-05-10", image_bytes=JPEG)
    ids2 = store.add_footprint("mia", footprint(0.2, 0.21).to_json(), taken_on=date(2024, 5, 10))
    assert len(ids) == 2 and len(ids2) == 2 and len(set(ids + ids2)) == 4
    hist = store.footprint_history(kid)
    first = hist[0]
    assert (first.side, first.arch_index, first.staheli_index, first.length_mm) == \
        ("left", 0.24, 0.71, 162.5)
    assert first.quality_issues == ("no_scale",) and first.quality_score == 0.87
    assert first.age_reading == "reading (Banwell)" and first.source == "print.jpg"
    assert first.image_path == f"{kid.id}/{first.image_sha256}.jpg"
    assert store.image_file(first).read_bytes() == JPEG
    assert hist[2].image_path is None and store.image_file(hist[2]) is None
    trend = store.arch_trend(kid)
    assert [(p.side, p.arch_index) for p in trend] == \
        [("left", 0.24), ("right", 0.26), ("left", 0.2), ("right", 0.21)]
    assert trend[0].age_months == pytest.approx(36.0, abs=0.1)
    assert trend[2].taken_on == date(2024, 5, 10) and trend[0].category == "normal"
    assert [p.arch_index for p in store.arch_trend(kid, side="right")] == [0.26, 0.21]


def test_same_photo_is_refused_the_second_time(store):
    kid = store.add_child("Mia", "2020-05-10")
    store.add_footprint(kid, footprint(), taken_on="2023-05-10", image_bytes=JPEG)
    with pytest.raises(DuplicateImageError, match="taken on 2023-05-10") as err:
        store.add_footprint(kid, footprint(), taken_on="2023-05-11", image_bytes=JPEG)
    assert err.value.earlier.taken_on == date(2023, 5, 10)
    store.add_footprint(kid, footprint(), taken_on="2023-05-11", image_bytes=PNG)
    files = sorted(p.name for p in (store.images_dir / str(kid.id)).iterdir())
    assert len(files) == 2 and files[0].endswith(".jpg") and files[1].endswith(".png")
    assert len(store.footprint_history(kid)) == 4           # the refused photo added nothing
    other = store.add_child("Noah", "2019-01-20")           # another child may use it
    store.add_footprint(other, footprint(), taken_on="2023-05-11", image_bytes=JPEG)


def test_exercise_round_trip(store):
    kid = store.add_child("Mia", "2020-05-10")
    rid = store.add_exercise(kid, report(), taken_on="2024-06-02")
    store.add_exercise(kid, json.dumps(report("good").to_json()), taken_on="2024-06-03")
    hist = store.exercise_history(kid)
    assert hist[0].id == rid and hist[0].report == report().to_json()
    assert hist[0].faults == ("heel_lift", "shallow") and hist[0].verdict == "needs_attention"
    assert hist[1].verdict == "good" and hist[1].exercise == "squat"
    assert store.exercise_history(kid, exercise="walk") == []


def test_not_this_exercise_report_is_stored_after_upgrading_an_old_schema(tmp_path):
    path = tmp_path / "old.db"
    migrate(path, load_migrations()[:3])            # a database from before 0004
    store = HistoryStore(path)
    kid = store.add_child("Mia", "2020-05-10")
    store.add_exercise(kid, report(), taken_on="2024-06-01")
    other = ExerciseReport(exercise="squat", frames=90, fps=30.0, view="side",
                           verdict="not_this_exercise", reps=(), faults=(), metrics={})
    store.add_exercise(kid, other, taken_on="2024-06-02")
    hist = store.exercise_history(kid)
    assert [h.verdict for h in hist] == ["needs_attention", "not_this_exercise"]
    with pytest.raises(ValueError):
        store.add_exercise(kid, dict(other.to_json(), verdict="meh"), taken_on="2024-06-03")


def test_session_and_screening_round_trip(store):
    kid = store.add_child("Mia", "2020-05-10")
    start = datetime(2024, 6, 3, 18, 30, 5)
    sid = store.add_session(kid, "routine", started_at=start, duration_s=612.5,
                            steps_done=("squat", "heel_raise"), notes="=tired")
    (s,) = store.session_history(kid)
    assert (s.id, s.kind, s.started_at, s.duration_s) == (sid, "routine", start.isoformat(), 612.5)
    assert s.steps_done == ("squat", "heel_raise") and s.notes == "=tired"
    store.add_screening(kid, {"fever": True}, Outcome("postpone", ("fever",), "wait"),
                        answered_at="2024-06-03T18:00:00")
    store.add_screening(kid, {"fever": False}, "ok")
    first, second = store.screening_history(kid)
    assert first.answers == {"fever": True} and first.status == "postpone"
    assert first.reasons == ("fever",) and second.status == "ok"


# -- a failed add changes nothing -------------------------------------------------------
BAD_ADDS = {
    "not ok": lambda s: s.add_footprint("Mia", {"image": "x", "ok": False, "error": "blank"},
                                        taken_on="2024-01-01"),
    "no feet": lambda s: s.add_footprint("Mia", {"ok": True, "feet": []}, taken_on="2024-01-01"),
    "ai > 1": lambda s: s.add_footprint("Mia", footprint(0.3, 1.5), taken_on="2024-01-01",
                                        image_bytes=b"\xff\xd8\xffnew"),
    "nan": lambda s: s.add_footprint("Mia", footprint(float("nan")), taken_on="2024-01-01"),
    "side": lambda s: s.add_footprint(
        "Mia", {"ok": True, "feet": [dict(_foot().to_json(), side="middle")]},
        taken_on="2024-01-01"),
    "json": lambda s: s.add_footprint("Mia", "{not json", taken_on="2024-01-01"),
    "before birth": lambda s: s.add_footprint("Mia", footprint(), taken_on="2019-01-01",
                                              image_bytes=b"\xff\xd8\xffnew"),
    "future": lambda s: s.add_footprint("Mia", footprint(),
                                        taken_on=date.today() + timedelta(days=3)),
    "empty image": lambda s: s.add_footprint("Mia", footprint(), taken_on="2024-01-01",
                                             image_bytes=b""),
    "unknown child": lambda s: s.add_footprint("Bob", footprint(), taken_on="2024-01-01",
                                               image_bytes=b"\xff\xd8\xffnew"),
    "verdict": lambda s: s.add_exercise("Mia", dict(report().to_json(), verdict="meh"),
                                        taken_on="2024-01-01"),
    "exercise date": lambda s: s.add_exercise("Mia", report(), taken_on="01/02/2024"),
    "kind": lambda s: s.add_session("Mia", "dance", started_at="2024-01-01T10:00",
                                    duration_s=10),
    "duration": lambda s: s.add_session("Mia", "massage", started_at="2024-01-01T10:00",
                                        duration_s=-1),
    "session date": lambda s: s.add_session("Mia", "massage", started_at="2010-01-01T10:00",
                                            duration_s=10),
    "status": lambda s: s.add_screening("Mia", {"fever": False}, "maybe"),
    "answers": lambda s: s.add_screening("Mia", {"fever": "no"}, "ok"),
    "duplicate alias": lambda s: s.add_child("mia", "2020-01-01"),
}


@pytest.mark.parametrize("name", sorted(BAD_ADDS))
def test_failed_add_leaves_stored_data_intact(filled, name):
    before = snapshot(filled)
    with pytest.raises((ValueError, LookupError)):
        BAD_ADDS[name](filled)
    assert snapshot(filled) == before


def test_failure_inside_the_transaction_rolls_back(filled, monkeypatch):
    """The second foot's insert fails after the first succeeded: neither row nor photo stays."""
    before = snapshot(filled)
    real, calls = store_sql.insert, []

    def flaky(conn, table, values):
        calls.append(table)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real(conn, table, values)

    monkeypatch.setattr(store_sql, "insert", flaky)
    with pytest.raises(sqlite3.OperationalError):
        filled.add_footprint("Mia", footprint(), taken_on="2024-02-02",
                             image_bytes=b"\xff\xd8\xffbrand-new-photo")
    monkeypatch.undo()
    assert snapshot(filled) == before


# -- migrations -------------------------------------------------------------------------
def test_migrates_first_schema_with_data(tmp_path):
    path = tmp_path / "old.db"
    assert migrate(path, load_migrations()[:1]) == 1
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO children (alias, birth_date, created_at) "
                     "VALUES ('Mia', '2020-05-10', '2023-01-01T00:00:00+00:00')")
        conn.execute("INSERT INTO footprints (child_id, taken_on, side, arch_index, category, "
                     "quality_issues, source) VALUES (1, '2023-05-10', 'left', 0.27, 'flat', "
                     "'[\"smudged\"]', 'old.jpg')")
        conn.execute("INSERT INTO exercise_reports (child_id, taken_on, exercise, verdict, "
                     "report, faults) VALUES (1, '2023-05-11', 'walk', 'good', "
                     "'{\"exercise\": \"walk\", \"verdict\": \"good\"}', '')")
        conn.execute("INSERT INTO screenings (child_id, answered_at, answers, status) "
                     "VALUES (1, '2023-05-11T10:00:00', '{\"fever\": false}', 'ok')")
    with closing(sqlite3.connect(path)) as conn, pytest.raises(sqlite3.OperationalError):
        conn.execute("SELECT * FROM sessions")     # not there before 0002
    store = HistoryStore(path)
    assert store.schema_version == len(load_migrations())
    (old,) = store.footprint_history("Mia")
    assert (old.arch_index, old.category, old.quality_issues) == (0.27, "flat", ("smudged",))
    assert old.image_sha256 is None and old.image_path is None
    assert store.exercise_history("Mia")[0].exercise == "walk"
    assert store.screening_history("Mia")[0].answers == {"fever": False}
    store.add_session("Mia", "massage", started_at="2024-01-01T10:00:00", duration_s=60)
    store.add_footprint("Mia", footprint(), taken_on="2024-01-01", image_bytes=JPEG)
    assert len(store.footprint_history("Mia")) == 3 and len(store.session_history("Mia")) == 1
    assert HistoryStore(path).schema_version == len(load_migrations())   # reopening: no-op


def test_failed_migration_is_rolled_back(tmp_path):
    mdir = tmp_path / "migrations"
    mdir.mkdir()
    first = load_migrations()[0]
    (mdir / f"0001_{first.name}.sql").write_text(first.sql)
    (mdir / "0002_broken.sql").write_text(
        "CREATE TABLE extra (x INTEGER);\nALTER TABLE children ADD COLUMN x;\n"
        "INSERT INTO nowhere VALUES (1);\n")
    path = tmp_path / "m.db"
    migrate(path, load_migrations(mdir)[:1])
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        migrate(path, load_migrations(mdir))
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        cols = {r[1] for r in conn.execute("PRAGMA table_info(children)")}
    assert "extra" not in names and "x" not in cols


def test_gap_in_migration_numbers_is_refused(tmp_path):
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (x);")
    (tmp_path / "0003_c.sql").write_text("CREATE TABLE c (x);")
    with pytest.raises(SchemaError, match="1..N"):
        load_migrations(tmp_path)


def test_newer_database_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    HistoryStore(path).add_child("Mia", "2020-05-10")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(SchemaError, match="newer"):
        HistoryStore(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
        assert conn.execute("SELECT alias FROM children").fetchall() == [("Mia",)]


# -- full delete ------------------------------------------------------------------------
def test_delete_child_removes_rows_photos_and_folder(filled):
    noah_before = filled.export_json("Noah", include_images=True)
    mia = filled.get_child("Mia")
    folder = filled.images_dir / str(mia.id)
    assert len(list(folder.iterdir())) == 2
    temp = filled.add_child("Temp", "2020-01-01")
    filled.add_footprint(temp, footprint(), taken_on="2024-01-01", image_bytes=JPEG)
    with closing(connect(filled.path)) as conn:   # a delete interrupted before the photos
        conn.execute("DELETE FROM children WHERE id = ?", (temp.id,))
    assert (filled.images_dir / str(temp.id)).is_dir()
    summary = filled.delete_child("Mia")
    assert summary.rows == {"footprints": 4, "exercise_reports": 1, "sessions": 1,
                            "screenings": 1} and summary.images_removed == 2
    assert not folder.exists() and not (filled.images_dir / str(temp.id)).exists()
    for table in ("children",):
        assert raw(filled, f"SELECT COUNT(*) FROM {table} WHERE id = ?", mia.id) == [(0,)]
    with closing(sqlite3.connect(filled.path)) as conn:
        for table in store_sql.tables_with_child_id(conn):
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE child_id = ?",
                                (mia.id,)).fetchone() == (0,)
    with pytest.raises(UnknownChildError):
        filled.get_child("Mia")
    after = filled.export_json("Noah", include_images=True)
    assert {k: v for k, v in after.items() if k != "exported_at"} == \
        {k: v for k, v in noah_before.items() if k != "exported_at"}
    new = filled.add_child("Ava", "2021-01-01")
    assert new.id > mia.id                          # ids (and folder names) never come back


def test_deleted_alias_is_not_left_in_the_files(store):
    kid = store.add_child("Zebediah-Quill", "2020-05-10")
    store.add_session(kid, "massage", started_at="2024-01-01T10:00:00", duration_s=60,
                      notes="Zebediah-Quill liked it")
    store.add_child("Other", "2020-05-10")
    store.delete_child(kid)
    blobs = b"".join(p.read_bytes() for p in store.path.parent.glob("h.db*"))
    assert b"Zebediah" not in blobs


def test_delete_unknown_child(store):
    with pytest.raises(UnknownChildError):
        store.delete_child("Nobody")


# -- export / import --------------------------------------------------------------------
def strip_time(d):
    return {k: v for k, v in d.items() if k != "exported_at"}


def test_export_import_round_trip(filled):
    data = filled.export_json("Mia", include_images=True)
    assert data["format"] == "footcoach-history/1" and data["schema_version"] == len(load_migrations())
    assert len(data["footprints"]) == 4 and len(data["images"]) == 2
    json.dumps(data)                                # JSON-ready
    filled.delete_child("Mia")
    back = filled.import_json(json.dumps(data))
    assert back.alias == "Mia"
    assert strip_time(filled.export_json("Mia", include_images=True)) == strip_time(data)
    files = {p.read_bytes() for p in (filled.images_dir / str(back.id)).iterdir()}
    assert files == {JPEG, PNG}


def test_import_alias_clash(filled):
    data = filled.export_json("Mia")
    with pytest.raises(AliasTakenError, match="suffix"):
        filled.import_json(data)
    copy = filled.import_json(data, on_conflict="suffix")
    again = filled.import_json(data, on_conflict="suffix")
    assert (copy.alias, again.alias) == ("Mia (2)", "Mia (3)")
    assert len(filled.footprint_history(copy)) == 4
    assert filled.footprint_history(copy)[0].image_path is None   # photos not in this export
    with pytest.raises(ValueError):
        filled.import_json(data, on_conflict="overwrite")


def test_bad_import_stores_nothing(filled):
    data = filled.export_json("Mia", include_images=True)
    data["child"]["alias"] = "Copy"
    data["sessions"].append({"kind": "dance", "started_at": "2024-01-01T00:00:00",
                             "duration_s": 1})
    before = snapshot(filled)
    with pytest.raises(ValueError, match="kind"):
        filled.import_json(data)
    assert snapshot(filled) == before
    for bad in ("{}", "[]", "nope", {"format": "other"},
                {"format": "footcoach-history/1", "child": {"alias": "X"}}):
        with pytest.raises(ValueError):
            filled.import_json(bad)
    data = filled.export_json("Mia", include_images=True)
    data["child"]["alias"] = "Copy"
    data["images"] = {k: "QUJD" for k in data["images"]}   # wrong content for the hash
    with pytest.raises(ValueError, match="SHA-256"):
        filled.import_json(data)
    assert snapshot(filled) == before


def test_export_csv(filled, tmp_path):
    out = tmp_path / "feet.csv"
    assert filled.export_csv("Mia", out) == 4
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == store_io.CSV_COLUMNS["footprints"]
    assert rows[0]["child"] == "Mia" and rows[0]["side"] == "left"
    assert float(rows[0]["arch_index"]) == 0.24 and rows[0]["quality_issues"] == "no_scale"
    assert float(rows[0]["age_months"]) == pytest.approx(36.7, abs=0.1)
    buf = io.StringIO()
    assert filled.export_csv("Mia", buf, table="exercises") == 1
    (ex,) = csv.DictReader(io.StringIO(buf.getvalue()))
    assert tuple(ex) == store_io.CSV_COLUMNS["exercises"]
    assert (ex["exercise"], ex["faults"], ex["reps"], ex["reps_ok"]) == \
        ("squat", "heel_lift;shallow", "2", "1")
    filled.add_session("Mia", "routine", started_at="2024-07-01T09:00:00", duration_s=5,
                       notes="=HYPERLINK(\"x\")")
    buf = io.StringIO()
    assert filled.export_csv("Mia", buf, table="sessions") == 2
    sess = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert sess[0]["steps_done"] == "arch_stroke;toe_spread"
    assert sess[1]["notes"].startswith("'=")        # not run as a spreadsheet formula
    with pytest.raises(ValueError):
        filled.export_csv("Mia", buf, table="children")


# -- concurrency inside one process -----------------------------------------------------
def test_two_threads_write_at_once(tmp_path):
    path = tmp_path / "t.db"
    kid = HistoryStore(path).add_child("Mia", "2020-05-10")
    errors, n = [], 40

    def writer(tag):
        store = HistoryStore(path)                  # its own store, own connections
        try:
            for i in range(n):
                store.add_footprint(kid.id, footprint(image=f"{tag}-{i}"), taken_on="2024-01-01")
                store.add_session(kid.id, "massage", started_at="2024-01-01T10:00:00",
                                  duration_s=i, notes=tag)
        except Exception as exc:                    # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = HistoryStore(path)
    worker = threading.Thread(target=store.list_children)
    worker.start()
    worker.join()
    store.close()                                   # closes the worker's connection too
    sources = [e.source for e in store.footprint_history(kid)]
    assert len(sources) == 4 * n and len(set(sources)) == 2 * n
    assert len(store.session_history(kid)) == 2 * n


def test_alias_is_unicode_normalised(store):
    kid = store.add_child("Zoe\u0301", "2020-05-10")          # e + combining accent
    assert kid.alias == "Zoé" and store.get_child("Zoé") == kid
    with pytest.raises(AliasTakenError):
        store.add_child("Zoé", "2020-05-10")


def test_sweep_spares_folders_of_children_being_added(filled):
    mia = filled.get_child("Mia")
    future = filled.images_dir / "500"                          # id not committed yet
    future.mkdir()
    filled.delete_child("Noah")
    assert future.is_dir() and (filled.images_dir / str(mia.id)).is_dir()


def test_readers_are_not_blocked_and_writers_wait(tmp_path):
    path = tmp_path / "lock.db"
    store = HistoryStore(path)
    store.add_child("Mia", "2020-05-10")
    locked, release = threading.Event(), threading.Event()

    def hold_write_lock():
        with closing(connect(path)) as holder:
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("INSERT INTO children (alias, birth_date, created_at) "
                           "VALUES ('Held', '2020-01-01', 'x')")
            locked.set()
            release.wait(10)
            time.sleep(0.3)
            holder.execute("COMMIT")

    holder = threading.Thread(target=hold_write_lock)
    holder.start()
    assert locked.wait(10)
    t0 = time.monotonic()
    assert [c.alias for c in store.list_children()] == ["Mia"]      # WAL: snapshot read
    assert time.monotonic() - t0 < 1.0
    short = Connections(path, busy_timeout_ms=5)        # fail fast, so the retry loop runs
    release.set()
    t0 = time.monotonic()
    short.write(lambda conn: conn.execute(
        "INSERT INTO children (alias, birth_date, created_at) VALUES ('Ava', '2020-01-01', 'x')"))
    waited = time.monotonic() - t0
    holder.join()
    short.close()
    assert waited >= 0.25
    assert [c.alias for c in store.list_children()] == ["Ava", "Held", "Mia"]


def test_concurrent_first_open_migrates_once(tmp_path):
    path, errors = tmp_path / "race.db", []

    def opener():
        try:
            HistoryStore(path).close()
        except Exception as exc:                          # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and HistoryStore(path).schema_version == len(load_migrations())


def test_stores_a_real_screening_outcome(store):
    screening = pytest.importorskip("coach.screening")
    answers = {q.id: False for q in screening.QUESTIONS}
    answers[screening.QUESTIONS[0].id] = True
    outcome = screening.screen(answers)
    kid = store.add_child("Mia", "2020-05-10")
    store.add_screening(kid, answers, outcome)
    (entry,) = store.screening_history(kid)
    assert entry.status == outcome.status and entry.reasons == tuple(outcome.reasons)
    assert entry.answers == answers


def test_delete_entry(filled):
    mia, noah = filled.get_child("Mia"), filled.get_child("Noah")
    feet = filled.footprint_history(mia)
    photo = filled.image_file(feet[0])
    filled.delete_entry(mia, "footprint", feet[0].id)
    assert photo.is_file()                           # the other foot still uses the photo
    filled.delete_entry(mia, "footprint", feet[1].id)
    assert not photo.exists()
    assert [e.id for e in filled.footprint_history(mia)] == [e.id for e in feet[2:]]
    (session,) = filled.session_history(mia)
    with pytest.raises(LookupError):                 # not Noah's record
        filled.delete_entry(noah, "session", session.id)
    filled.delete_entry(mia, "session", session.id)
    assert filled.session_history(mia) == [] and len(filled.session_history(noah)) == 1
    with pytest.raises(ValueError):
        filled.delete_entry(mia, "child", 1)


def test_numpy_values_are_stored_as_plain_json(store):
    np = pytest.importorskip("numpy")
    kid = store.add_child("Mia", "2020-05-10")
    rep = dict(report().to_json(), metrics={"reps": np.int64(3), "ok": np.bool_(True),
                                            "angles": np.array([80.5, 90.0]),
                                            "missing": float("nan")})
    store.add_exercise(kid, rep, taken_on="2024-01-01")
    foot = dict(_foot().to_json(), arch_index=np.float32(0.25))
    store.add_footprint(kid, {"ok": True, "feet": [foot]}, taken_on="2024-01-01")
    (entry,) = store.exercise_history(kid)
    assert entry.report["metrics"] == {"reps": 3, "ok": True, "angles": [80.5, 90.0],
                                       "missing": None}
    assert store.footprint_history(kid)[0].arch_index == pytest.approx(0.25)
