"""coach.store measurements (schema 3): one photo = one measurement with a day taken kept
apart from the time saved, edits of the day and the notes, deletes of one measurement, the
duplicate guard, and a migration from schema 2 that keeps every stored value."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest

from coach.store import HistoryStore
from coach.store_schema import load_migrations, migrate
from coach.store_types import DuplicateImageError
from vision.footprint.result import FootMeasurement, FootprintResult, Quality

JPEG = b"\xff\xd8\xff\xe0" + b"print-one" * 10
JPEG2 = b"\xff\xd8\xff\xe0" + b"print-two" * 10


def footprint(ai_left=0.24, ai_right=0.26, *, geometry=None) -> dict:
    feet = tuple(FootMeasurement(side=s, arch_index=a, staheli_index=0.7,
                                 chippaux_smirak_index=40.0, clarke_angle_deg=40.0,
                                 length_mm=160.0, width_mm=60.0, category=None,
                                 age_reading=None, quality=Quality(0.9))
                 for s, a in (("left", ai_left), ("right", ai_right)))
    data = FootprintResult(image="p.jpg", ok=True, feet=feet).to_json()
    if geometry is not None:
        for foot in data["feet"]:
            foot["geometry"] = geometry
    return data


@pytest.fixture
def store(tmp_path):
    s = HistoryStore(tmp_path / "h.db")
    s.add_child("Mia", "2020-05-10")
    return s


def test_one_photo_is_one_measurement_with_its_day_and_save_time(store):
    ids = store.add_footprint("Mia", footprint(), taken_on="2023-05-10", image_bytes=JPEG,
                              notes="after the park")
    store.add_footprint("Mia", footprint(0.2, 0.21), taken_on="2022-01-02")
    first, second = store.measurements("Mia")          # ordered by the day taken
    assert first.taken_on == date(2022, 1, 2) and second.id == ids[0]
    assert [f.side for f in second.feet] == ["left", "right"]
    assert second.notes == "after the park" and second.saved_at.startswith(
        date.today().isoformat()[:4])
    assert second.age_months == pytest.approx(36.0, abs=0.1)   # age at the day taken
    assert store.get_measurement("Mia", ids[0]).foot("right").arch_index == 0.26


def test_edit_day_notes_and_reading(store):
    """A new day taken is a new age: the reading of every foot follows it."""
    from vision.footprint.reading import read_foot

    (mid, _) = store.add_footprint("Mia", footprint(), taken_on="2023-05-10",
                                   image_bytes=JPEG)
    m = store.update_measurement("Mia", mid, taken_on="2024-05-10", notes="  redone ")
    assert m.taken_on == date(2024, 5, 10) and m.notes == "redone"
    assert m.age_months == pytest.approx(48.0, abs=0.1)
    for foot in m.feet:
        want = read_foot(foot, m.age_months)
        assert (foot.category, foot.reference, foot.age_reading) == (
            want.category, want.reference, want.sentence)
    assert m.foot("left").category is not None
    young = store.update_measurement("Mia", mid, taken_on="2022-05-10")   # 2 years old
    assert all(f.category is None for f in young.feet)
    assert young.saved_at == m.saved_at                           # the save time stays
    with pytest.raises(ValueError, match="before the child's birth date"):
        store.update_measurement("Mia", mid, taken_on="2019-01-01")
    assert store.get_measurement("Mia", mid).taken_on == date(2022, 5, 10)
    notes_only = store.update_measurement("Mia", mid, notes="n")
    assert [f.category for f in notes_only.feet] == [None, None]


def test_delete_one_measurement_and_its_unused_photo(store):
    (a, _) = store.add_footprint("Mia", footprint(), taken_on="2023-05-10", image_bytes=JPEG)
    (b, _) = store.add_footprint("Mia", footprint(), taken_on="2023-06-10", image_bytes=JPEG2)
    photo = store.image_file(store.get_measurement("Mia", a).feet[0])
    assert photo.is_file()
    gone = store.delete_measurement("Mia", a)
    assert gone.taken_on == date(2023, 5, 10) and len(gone.feet) == 2
    assert [m.id for m in store.measurements("Mia")] == [b] and not photo.exists()
    with pytest.raises(LookupError):
        store.delete_measurement("Mia", a)
    # once deleted, the same photo may be saved again
    store.add_footprint("Mia", footprint(), taken_on="2023-05-10", image_bytes=JPEG)


def test_duplicate_photo_names_the_earlier_day(store):
    store.add_footprint("Mia", footprint(), taken_on="2023-05-10", image_bytes=JPEG)
    with pytest.raises(DuplicateImageError) as err:
        store.add_footprint("Mia", footprint(0.3, 0.3), taken_on="2024-01-01",
                            image_bytes=JPEG)
    assert "2023-05-10" in str(err.value) and "Mia" in str(err.value)
    assert store.find_image("Mia", err.value.earlier.image_sha256).id == err.value.earlier.id
    assert len(store.measurements("Mia")) == 1


def test_geometry_is_stored_and_exported(store, tmp_path):
    geom = {"outline": [[0, 0], [10, 0], [10, 30]], "axis": [[5, 0], [5, 30]]}
    store.add_footprint("Mia", footprint(geometry=geom), taken_on="2023-05-10")
    assert store.measurements("Mia")[0].feet[0].geometry == geom
    data = store.export_json("Mia")
    other = HistoryStore(tmp_path / "other.db")
    copy = other.import_json(data)
    (m,) = other.measurements(copy)
    assert len(m.feet) == 2 and m.feet[1].geometry == geom


def test_import_keeps_measurements_apart(store, tmp_path):
    store.add_footprint("Mia", footprint(), taken_on="2023-05-10", notes="one")
    store.add_footprint("Mia", footprint(), taken_on="2023-05-10", notes="two")
    data = store.export_json("Mia")
    other = HistoryStore(tmp_path / "other.db")
    kid = other.import_json(data)
    assert [m.notes for m in other.measurements(kid)] == ["one", "two"]
    again = other.export_json(kid)
    assert [f["measurement"] for f in again["footprints"]] == [1, 1, 2, 2]


def test_migration_from_schema_2_keeps_data_and_groups_photos(tmp_path):
    path = tmp_path / "old.db"
    assert migrate(path, load_migrations()[:2]) == 2
    sha = "a" * 64
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO children (alias, birth_date, created_at) "
                     "VALUES ('Mia', '2020-05-10', '2023-01-01T00:00:00+00:00')")
        rows = [("2023-05-10", "left", 0.25, "a.jpg", sha), ("2023-05-10", "right", 0.26,
                                                              "a.jpg", sha),
                ("2023-05-10", "left", 0.25, "a.jpg", sha),       # the same photo saved twice
                ("2023-05-10", "right", 0.26, "a.jpg", sha),
                ("2023-07-01", "left", 0.22, "b.jpg", None)]
        for day, side, ai, src, h in rows:
            conn.execute("INSERT INTO footprints (child_id, taken_on, side, arch_index, "
                         "category, source, image_sha256) VALUES (1, ?, ?, ?, 'normal', ?, ?)",
                         (day, side, ai, src, h))
    store = HistoryStore(path)
    assert store.schema_version == len(load_migrations())
    ms = store.measurements("Mia")
    assert [len(m.feet) for m in ms] == [2, 2, 1]
    assert [f.arch_index for m in ms for f in m.feet] == [0.25, 0.26, 0.25, 0.26, 0.22]
    assert all(m.saved_at is None and m.notes == "" for m in ms)
    assert all(f.category == "normal" for m in ms for f in m.feet)
