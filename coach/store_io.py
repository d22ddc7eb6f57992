"""Export and import of one child's history: JSON (complete, round-trips) and CSV (tables).

JSON format ``footcoach-history/1``::

    {"format": "footcoach-history/1", "schema_version": int, "exported_at": str,
     "child": {"alias": str, "birth_date": "YYYY-MM-DD", "created_at": str},
     "footprints": [{"taken_on", "side", "arch_index", "staheli_index",
                     "chippaux_smirak_index", "clarke_angle_deg", "length_mm", "width_mm",
                     "category", "age_reading", "quality": {"score", "issues"},
                     "source", "image_sha256"}],
     "exercises": [{"taken_on", "report": ExerciseReport JSON}],
     "sessions": [{"kind", "started_at", "duration_s", "steps_done", "notes"}],
     "screenings": [{"answered_at", "answers", "status", "reasons"}],
     "images": {sha256: base64}}            # only with include_images=True

Row ids are local to a database and are not exported; ``export(import(x)) == x`` apart from
``exported_at``. Import is all-or-nothing (one transaction). An alias already in the store is
an :class:`AliasTakenError` by default (``on_conflict="error"``: importing the same backup
twice is more likely a mistake than a wish); ``on_conflict="suffix"`` imports as
``"Mia (2)"``, ``"Mia (3)"``, ...

CSV: one table per file (``table="footprints"``, ``"exercises"`` or ``"sessions"``), one row
per record, a header row, the child's alias in the first column so files of several children
can be concatenated. Text cells starting with ``= + - @`` get a leading ``'`` so a
spreadsheet does not run them as formulas.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from coach import store_sql as sql
from coach import store_validate as check
from coach.store_images import check_image, remove_child_images, save_image
from coach.store_types import AliasTakenError, Child


class StoreView(Protocol):
    """What export and import need of :class:`coach.store.HistoryStore` (named here as a
    protocol so that this module does not import the store, which imports it)."""

    schema_version: int
    images_dir: Path
    _db: Any

    def get_child(self, child: Any) -> Child: ...
    def footprint_history(self, child: Any) -> list: ...
    def exercise_history(self, child: Any) -> list: ...
    def session_history(self, child: Any) -> list: ...
    def screening_history(self, child: Any) -> list: ...
    def image_file(self, entry: Any) -> Path | None: ...

FORMAT = "footcoach-history/1"
CONFLICT_MODES = ("error", "suffix")
CSV_COLUMNS = {
    "footprints": ("child", "taken_on", "age_months", "side", "arch_index", "staheli_index",
                   "chippaux_smirak_index", "clarke_angle_deg", "length_mm", "width_mm",
                   "category", "reference", "age_reading", "quality_score", "quality_issues",
                   "source", "image_sha256"),
    "exercises": ("child", "taken_on", "age_months", "exercise", "verdict", "faults", "reps",
                  "reps_ok", "view"),
    "sessions": ("child", "started_at", "kind", "duration_s", "steps_done", "notes"),
}
_FOOT_KEYS = ("side", "arch_index", "staheli_index", "chippaux_smirak_index",
              "clarke_angle_deg", "length_mm", "width_mm", "category", "reference",
              "age_reading")


def export_child(store: StoreView, child: Any, *, include_images: bool = False) -> dict:
    """Everything stored about one child, as a JSON-ready dict (format above)."""
    kid = store.get_child(child)
    feet = store.footprint_history(kid)
    groups: dict[int, int] = {}     # measurement id -> 1, 2, ... (ids are local to a database)
    for e in feet:
        groups.setdefault(e.measurement_id, len(groups) + 1)
    data = {
        "format": FORMAT, "schema_version": store.schema_version,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "child": {"alias": kid.alias, "birth_date": kid.birth_date.isoformat(),
                  "created_at": kid.created_at},
        "footprints": [{"taken_on": e.taken_on.isoformat(),
                        **{k: getattr(e, k) for k in _FOOT_KEYS},
                        "quality": {"score": e.quality_score, "issues": list(e.quality_issues)},
                        "source": e.source, "image_sha256": e.image_sha256,
                        "measurement": groups[e.measurement_id], "saved_at": e.saved_at,
                        "notes": e.notes, "geometry": e.geometry} for e in feet],
        "exercises": [{"taken_on": e.taken_on.isoformat(), "report": e.report}
                      for e in store.exercise_history(kid)],
        "sessions": [{"kind": s.kind, "started_at": s.started_at, "duration_s": s.duration_s,
                      "steps_done": list(s.steps_done), "notes": s.notes}
                     for s in store.session_history(kid)],
        "screenings": [{"answered_at": s.answered_at, "answers": s.answers,
                        "status": s.status, "reasons": list(s.reasons)}
                       for s in store.screening_history(kid)],
    }
    if include_images:
        images = {}
        for e in feet:
            path = store.image_file(e)
            if path is not None and path.is_file() and e.image_sha256 not in images:
                images[e.image_sha256] = base64.b64encode(path.read_bytes()).decode("ascii")
        data["images"] = images
    return data


def _decode_images(raw: Any) -> dict[str, bytes]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError("'images' must map sha256 to base64 text")
    images = {}
    for sha, text in raw.items():
        try:
            blob = check_image(base64.b64decode(text, validate=True))
        except (binascii.Error, TypeError):
            raise ValueError(f"image {sha!r} is not valid base64") from None
        if hashlib.sha256(blob).hexdigest() != sha:
            raise ValueError(f"image {sha!r} does not match its SHA-256")
        images[sha] = blob
    return images


def _parse_backup(data: Any) -> dict:
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ValueError(f"history backup is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a footcoach history backup (expected format {FORMAT!r})")
    child = data.get("child")
    if not isinstance(child, dict):
        raise ValueError("history backup has no 'child' object")
    for key in ("footprints", "exercises", "sessions", "screenings"):
        if not isinstance(data.get(key, []), list):
            raise ValueError(f"history backup field {key!r} must be a list")
    return data


def _free_alias(conn, alias: str, on_conflict: str) -> str:
    if not sql.alias_taken(conn, alias):
        return alias
    if on_conflict == "error":
        raise AliasTakenError(f"a child called {alias!r} already exists; import with "
                              f"on_conflict='suffix' (CLI: --rename) to add it as "
                              f"'{alias} (2)'")
    n = 2
    while True:
        tail = f" ({n})"
        candidate = alias[:check.ALIAS_MAX - len(tail)].rstrip() + tail
        if not sql.alias_taken(conn, candidate):
            return candidate
        n += 1


def import_child(store: StoreView, data: Any, *, on_conflict: str = "error") -> Child:
    """Add a child and all its records from an export, in one transaction.

    Raises
    ------
    ValueError
        Bad format or any bad record (nothing is stored then).
    AliasTakenError
        The alias exists and ``on_conflict="error"``.
    """
    if on_conflict not in CONFLICT_MODES:
        raise ValueError(f"on_conflict must be one of {CONFLICT_MODES}, got {on_conflict!r}")
    data = _parse_backup(data)
    alias = check.check_alias(data["child"].get("alias"))
    birth = check.check_birth_date(data["child"].get("birth_date"))
    created = str(data["child"].get("created_at") or datetime.now(UTC).isoformat())
    images = _decode_images(data.get("images"))
    attempted: list[int] = []

    def body(conn):
        name = _free_alias(conn, alias, on_conflict)
        cid = sql.insert(conn, "children", {"alias": name, "birth_date": birth.isoformat(),
                                            "created_at": created})
        attempted.append(cid)
        _insert_records(store, conn, cid, birth, data, images)
        return sql.find_child(conn, cid)

    try:
        return store._db.write(body)
    finally:
        _drop_failed_folders(store, attempted)


def _drop_failed_folders(store: StoreView, ids: list[int]) -> None:
    """Remove photo folders written for child ids whose transaction did not commit."""
    for cid in ids:
        gone = store._db.read(lambda c, cid=cid: c.execute(
            "SELECT 1 FROM children WHERE id = ?", (cid,)).fetchone() is None)
        if gone:
            remove_child_images(store.images_dir, cid)


def _insert_records(store, conn, cid: int, birth, data: dict, images: dict) -> None:
    _insert_feet(store, conn, cid, birth, data.get("footprints", []), images)
    _insert_others(conn, cid, birth, data)


def _insert_feet(store, conn, cid: int, birth, feet: list, images: dict) -> None:
    """Footprint rows; the feet an export marks with one ``measurement`` stay together
    (a backup without that key keeps each foot on its own)."""
    new_ids: dict[Any, int] = {}
    for i, foot in enumerate(feet):
        if not isinstance(foot, dict):
            raise ValueError(f"footprints[{i}] must be an object")
        row = check.foot_row(foot, source=str(foot.get("source") or ""), index=i)
        row["taken_on"] = check.check_taken_on(foot.get("taken_on"), birth).isoformat()
        row["notes"] = check.check_notes(foot.get("notes") or "")
        if foot.get("saved_at") is not None:
            row["saved_at"] = check.check_timestamp(foot["saved_at"], birth,
                                                    what=f"footprints[{i}].saved_at")
        sha = foot.get("image_sha256")
        if sha is not None and (not isinstance(sha, str) or len(sha) != 64):
            raise ValueError(f"footprints[{i}].image_sha256 must be 64 hex characters")
        row["image_sha256"] = sha
        if sha in images:
            row["image_path"] = save_image(store.images_dir, cid, images[sha]).rel_path
        rid = sql.insert(conn, "footprints", {"child_id": cid, **row})
        group = foot.get("measurement")
        mid = new_ids.setdefault(group, rid) if group is not None else rid
        conn.execute("UPDATE footprints SET measurement_id = ? WHERE id = ?", (mid, rid))


def _insert_others(conn, cid: int, birth, data: dict) -> None:
    for i, ex in enumerate(data.get("exercises", [])):
        if not isinstance(ex, dict):
            raise ValueError(f"exercises[{i}] must be an object")
        row = check.exercise_row(ex.get("report"))
        row["taken_on"] = check.check_taken_on(ex.get("taken_on"), birth).isoformat()
        sql.insert(conn, "exercise_reports", {"child_id": cid, **row})
    for i, s in enumerate(data.get("sessions", [])):
        if not isinstance(s, dict):
            raise ValueError(f"sessions[{i}] must be an object")
        row = check.session_values(s.get("kind"), s.get("duration_s"),
                                   s.get("steps_done", []), s.get("notes", ""))
        row["started_at"] = check.check_timestamp(s.get("started_at"), birth,
                                                  what=f"sessions[{i}].started_at")
        sql.insert(conn, "sessions", {"child_id": cid, **row})
    for i, s in enumerate(data.get("screenings", [])):
        if not isinstance(s, dict):
            raise ValueError(f"screenings[{i}] must be an object")
        row = check.screening_values(s.get("answers"), s)
        row["answered_at"] = check.check_timestamp(s.get("answered_at"), birth,
                                                   what=f"screenings[{i}].answered_at")
        sql.insert(conn, "screenings", {"child_id": cid, **row})


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def csv_rows(store: StoreView, child: Any, table: str) -> list[dict]:
    """The rows :func:`write_csv` writes, as dicts keyed by :data:`CSV_COLUMNS`."""
    kid = store.get_child(child)
    if table == "footprints":
        from vision.footprint.reading import csv_fields  # the one reading (issue 11)

        return [{"child": kid.alias, "taken_on": e.taken_on.isoformat(),
                 "age_months": e.age_months, **{k: getattr(e, k) for k in _FOOT_KEYS},
                 **csv_fields(e, e.age_months), "quality_score": e.quality_score,
                 "quality_issues": ";".join(e.quality_issues),
                 "source": e.source, "image_sha256": e.image_sha256}
                for e in store.footprint_history(kid)]
    if table == "exercises":
        return [{"child": kid.alias, "taken_on": e.taken_on.isoformat(),
                 "age_months": e.age_months, "exercise": e.exercise, "verdict": e.verdict,
                 "faults": ";".join(e.faults), "reps": len(e.report.get("reps", [])),
                 "reps_ok": sum(bool(r.get("ok")) for r in e.report.get("reps", [])),
                 "view": e.report.get("view")}
                for e in store.exercise_history(kid)]
    return [{"child": kid.alias, "started_at": s.started_at, "kind": s.kind,
             "duration_s": s.duration_s, "steps_done": ";".join(s.steps_done),
             "notes": s.notes} for s in store.session_history(kid)]


def write_csv(store: StoreView, child: Any, dest: Any, *, table: str = "footprints") -> int:
    """Write one table of the child to ``dest`` (path or text file); return the row count.

    Parameters
    ----------
    table : {"footprints", "exercises", "sessions"}
        Which records; columns are :data:`CSV_COLUMNS` ``[table]``.
    """
    if table not in CSV_COLUMNS:
        raise ValueError(f"table must be one of {tuple(CSV_COLUMNS)}, got {table!r}")
    rows = csv_rows(store, child, table)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS[table], lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in r.items()} for r in rows)
    if isinstance(dest, str | Path):
        Path(dest).write_text(buf.getvalue(), encoding="utf-8", newline="")
    else:
        dest.write(buf.getvalue())
    return len(rows)
