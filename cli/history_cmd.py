"""``footcoach child ...`` and ``footcoach history CHILD``: the local history store.

::

    footcoach child add ALIAS --birth-date YYYY-MM-DD
    footcoach child list [--json]
    footcoach child rename CHILD NEW_ALIAS
    footcoach child delete CHILD [--yes]
    footcoach child export CHILD [-o FILE] [--images]
    footcoach child import FILE [--rename]
    footcoach history CHILD [--json | --csv [--table footprints|exercises|sessions]]

CHILD is an alias (case-insensitive) or an id. Every command takes ``--db PATH`` (default
``$FOOTCOACH_HOME/history.db``). Exit status: 0 done, 1 unknown child / alias taken /
unreadable database or backup, 2 usage error (bad date or alias, delete without ``--yes``
when not interactive).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from coach.store import HistoryStore
from coach.store_schema import SchemaError
from coach.store_types import AliasTakenError, UnknownChildError

TABLES = ("footprints", "exercises", "sessions")


def _err(message: str) -> None:
    print(f"footcoach: {message}", file=sys.stderr)


def _guard(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn store errors into a sentence and an exit status (no tracebacks)."""

    @functools.wraps(fn)
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except UnknownChildError as exc:
            _err(f"{exc} (see `footcoach child list`)")
            return 1
        except AliasTakenError as exc:
            _err(str(exc))
            return 1
        except ValueError as exc:
            _err(str(exc))
            return 2
        except FileNotFoundError as exc:
            _err(f"{exc}; add a child first with `footcoach child add`")
            return 1
        except (SchemaError, sqlite3.Error, OSError) as exc:
            _err(f"cannot use the history database {args.db or '(default)'}: {exc}")
            return 1

    return run


def _store(args: argparse.Namespace, *, create: bool = False) -> HistoryStore:
    """Only ``child add`` and ``child import`` create a missing database."""
    return HistoryStore(args.db, create=create)


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


@_guard
def _child_add(args) -> int:
    child = _store(args, create=True).add_child(args.alias, args.birth_date)
    if args.json:
        _print_json(child.to_json())
    else:
        print(f"added {child.alias} (id {child.id}), born {child.birth_date}")
    return 0


@_guard
def _child_list(args) -> int:
    try:
        children = _store(args).list_children()
    except FileNotFoundError:
        children = []
    if args.json:
        _print_json([{**c.to_json(), "age_months": c.age_months()} for c in children])
        return 0
    if not children:
        print("no children yet (add one with `footcoach child add ALIAS --birth-date ...`)")
    for c in children:
        print(f"{c.id:>4}  {c.alias:<24} born {c.birth_date}  ({c.age_months():.1f} months)")
    return 0


@_guard
def _child_rename(args) -> int:
    child = _store(args).rename_child(args.child, args.new_alias)
    print(f"renamed child {child.id} to {child.alias}")
    return 0


def _confirm(alias: str) -> bool:
    answer = input(f"Delete {alias} and everything stored about them "
                   f"(footprints, photos, reports, sessions)? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


@_guard
def _child_delete(args) -> int:
    store = _store(args)
    child = store.get_child(args.child)
    if not args.yes:
        if not sys.stdin.isatty():
            _err("refusing to delete without --yes when not run interactively")
            return 2
        if not _confirm(child.alias):
            print("nothing deleted")
            return 0
    summary = store.delete_child(child.id)
    rows = sum(summary.rows.values())
    print(f"deleted {child.alias} (id {child.id}): {rows} records, "
          f"{summary.images_removed} photos")
    return 0


@_guard
def _child_export(args) -> int:
    data = _store(args).export_json(args.child, include_images=args.images)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.output:
        # owner-only: the backup holds a child's health data (and photos with --images)
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        print(f"wrote {args.output}")
    else:
        print(text)
    return 0


@_guard
def _child_import(args) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _err(f"cannot read {args.file}: {exc}")
        return 1
    try:
        child = _store(args, create=True).import_json(text, on_conflict="suffix" if args.rename else "error")
    except AliasTakenError:
        raise
    except ValueError as exc:   # a bad backup file is bad input, not a usage error
        _err(f"{args.file}: {exc}")
        return 1
    print(f"imported {child.alias} (id {child.id})")
    return 0


def history_json(store: HistoryStore, key: str) -> dict:
    """The ``history --json`` object: child, arch trend per foot, exercises, sessions."""
    child = store.get_child(key)
    trend = {"left": [], "right": []}
    for p in store.arch_trend(child):
        trend[p.side].append(p.to_json())
    return {
        "child": {**child.to_json(), "age_months": child.age_months()},
        "arch_trend": trend,
        "exercises": [{"taken_on": e.taken_on.isoformat(), "age_months": e.age_months,
                       "exercise": e.exercise, "verdict": e.verdict, "faults": list(e.faults)}
                      for e in store.exercise_history(child)],
        "sessions": [{"started_at": s.started_at, "kind": s.kind, "duration_s": s.duration_s,
                      "steps_done": list(s.steps_done), "notes": s.notes}
                     for s in store.session_history(child)],
    }


def _foot_cell(entry) -> str:
    """The foot's reading at the age the print was taken: the index deciding the label,
    with the digits it needs, and the label (:func:`vision.footprint.reading.read_foot`)."""
    if entry is None:
        return "-"
    from vision.footprint.reading import read_foot  # OpenCV only when footprints are shown

    return read_foot(entry, entry.age_months).short_text


def _footprint_lines(store: HistoryStore, child) -> list[str]:
    measurements = store.measurements(child)
    if not measurements:
        return ["Footprints: none stored"]
    lines = ["Footprints: the reading of each foot for the age on the day taken (no label "
             "before 3 years)",
             f"  {'date':<10}  {'age (mo)':>8}  {'left':<40}  right"]
    for m in measurements:
        lines.append(f"  {m.taken_on.isoformat():<10}  {m.age_months:>8.1f}  "
                     f"{_foot_cell(m.foot('left')):<40}  {_foot_cell(m.foot('right'))}")
    return lines


def history_text(store: HistoryStore, key: str) -> str:
    """The plain-text ``history`` report."""
    child = store.get_child(key)
    lines = [f"{child.alias} (id {child.id}), born {child.birth_date}, "
             f"{child.age_months():.1f} months today", ""]
    lines += _footprint_lines(store, child)
    exercises = store.exercise_history(child)
    lines += ["", "Exercises:" + ("" if exercises else " none stored")]
    for e in exercises:
        faults = f"  faults: {', '.join(e.faults)}" if e.faults else ""
        lines.append(f"  {e.taken_on}  {e.age_months:>5.1f} mo  {e.exercise:<11} "
                     f"{e.verdict.replace('_', ' ')}{faults}")
    sessions = store.session_history(child)
    lines += ["", "Sessions:" + ("" if sessions else " none stored")]
    for s in sessions:
        steps = f"  steps: {', '.join(s.steps_done)}" if s.steps_done else ""
        lines.append(f"  {s.started_at}  {s.kind:<8} {s.duration_s / 60:>5.1f} min{steps}")
    return "\n".join(lines)


@_guard
def _history(args) -> int:
    store = _store(args)
    if args.csv:
        store.export_csv(args.child, sys.stdout, table=args.table)
    elif args.json:
        _print_json(history_json(store, args.child))
    else:
        print(history_text(store, args.child))
    return 0


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", default=None,
                   help="history database (default: $FOOTCOACH_HOME/history.db)")


def _usage(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def run(args) -> int:
        parser.print_help(sys.stderr)
        return 2
    return run


def register(subparsers) -> None:
    """Add the ``child`` and ``history`` sub-commands."""
    child = subparsers.add_parser("child", help="add, list, rename, delete, export, import "
                                                "children in the local history")
    child.set_defaults(func=_usage(child))
    acts = child.add_subparsers(dest="action", metavar="ACTION")

    p = acts.add_parser("add", help="add a child")
    p.add_argument("alias", help="first name or nickname (unique, at most 80 characters)")
    p.add_argument("--birth-date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_child_add)
    p = acts.add_parser("list", help="list children")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_child_list)
    p = acts.add_parser("rename", help="change a child's alias")
    p.add_argument("child", help="alias or id")
    p.add_argument("new_alias")
    p.set_defaults(func=_child_rename)
    p = acts.add_parser("delete", help="delete a child and everything stored about them")
    p.add_argument("child", help="alias or id")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=_child_delete)
    p = acts.add_parser("export", help="write a child's whole history as JSON")
    p.add_argument("child", help="alias or id")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--images", action="store_true", help="include the footprint photos")
    p.set_defaults(func=_child_export)
    p = acts.add_parser("import", help="add a child from an exported JSON file")
    p.add_argument("file")
    p.add_argument("--rename", action="store_true",
                   help="if the alias exists, import as 'ALIAS (2)' instead of failing")
    p.set_defaults(func=_child_import)
    for sub in acts.choices.values():
        _db_option(sub)

    hist = subparsers.add_parser("history", help="a child's footprint trend, exercises and "
                                                 "sessions")
    hist.add_argument("child", help="alias or id")
    fmt = hist.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true", help="one table as CSV on stdout")
    hist.add_argument("--table", choices=TABLES, default="footprints",
                      help="table for --csv (default: footprints)")
    _db_option(hist)
    hist.set_defaults(func=_history)
