"""``footcoach plan``: today's routine for a child, or the reason there is none today.

Screening is never skipped. A parent names the items that apply with ``--screen ITEM``
(repeatable, or comma-separated) and confirms with ``--screened`` that every other question
has been read and does not apply. Without ``--screened`` the other questions stay unanswered,
so the plan is postponed; an absolute item given with ``--screen`` refuses whatever else is
passed. ``--list-screening`` prints the item ids and their questions.

Exit status: 0 a plan is given (or the screening list was printed); 1 the routine is
postponed or refused (including "screening not finished"); 2 usage error (bad age, unknown
screening item, unreadable or malformed JSON input).

``--json`` prints one object (:meth:`coach.plan.Plan.to_json`)::

    {"status": "ok"|"postponed"|"refused", "age_months": float,
     "age_band": {"id", "label", "from_months", "to_months", "includes_upper"},
     "steps": [{"id", "title", "minutes", "seconds",
                "reps": {"low", "high", "per", "text"}|null, "first_reps": ...|null,
                "instructions": [str], "why": str, "added_by": rule id|null}],
     "total_minutes": float, "adaptations": [{"rule", "text", "reference"}],
     "message": str, "reasons": [screening item id | "not_screened"],
     "conditions": [{"id", "text", "resolution"|null}],
     "screening": {"status", "reasons", "names", "advice", "missing"}}

``--footprint`` takes the output of ``footcoach footprint --json`` (the array, or one
object); the print is read at ``--age-months``. ``--exercise`` takes ``footcoach exercise
--json`` output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "plan", help="today's foot routine for a child (after screening)",
        description="Today's age-banded foot routine, or a refusal naming the "
                    "contraindication. Exit 0 plan given, 1 postponed/refused, 2 usage error.")
    p.add_argument("--age-months", type=float, metavar="N",
                   help="child's age in months, 0 to 96")
    p.add_argument("--screen", action="append", default=[], metavar="ITEM",
                   help="a screening item that applies today (repeatable); "
                        "see --list-screening")
    p.add_argument("--screened", action="store_true",
                   help="confirm you have read every screening question and that only the "
                        "items given with --screen apply")
    p.add_argument("--footprint", action="append", default=[], metavar="RESULT.json",
                   help="output of `footcoach footprint --json` (repeatable)")
    p.add_argument("--exercise", action="append", default=[], metavar="REPORT.json",
                   help="output of `footcoach exercise --json` (repeatable)")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--list-screening", action="store_true",
                   help="print the screening item ids and questions, then exit")
    p.set_defaults(func=run)


def _usage(message: str) -> int:
    print(f"footcoach plan: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _load_json(path: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc.msg}, line {exc.lineno})") from None


def _assessments(args, age_months: float):
    from coach.assessments import Assessments
    result = Assessments()
    for path in args.footprint:
        try:
            result = result.merged(Assessments.from_footprint(_load_json(path),
                                                              age_months=age_months))
        except ValueError as exc:
            raise ValueError(f"--footprint {path}: {exc}") from None
    for path in args.exercise:
        try:
            result = result.merged(Assessments.from_exercise(_load_json(path),
                                                             age_months=age_months))
        except ValueError as exc:
            raise ValueError(f"--exercise {path}: {exc}") from None
    return result if (result.feet or result.exercises) else None


def _list_screening(as_json: bool) -> int:
    from coach.screening import QUESTIONS
    if as_json:
        print(json.dumps([{"id": q.id, "kind": q.kind, "question": q.question}
                          for q in QUESTIONS], indent=2, ensure_ascii=False))
        return EXIT_OK
    for kind, heading in (("absolute", "Absolute (no routine, see a doctor)"),
                          ("temporary", "Temporary (postpone)")):
        print(f"{heading}:")
        for q in QUESTIONS:
            if q.kind == kind:
                print(f"  {q.id:<26} {q.question}")
        print()
    print("Pass --screen ITEM for each item that applies, and --screened to confirm "
          "that none of the others does.")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.list_screening:
        return _list_screening(args.json)
    if args.age_months is None:
        return _usage("--age-months is required (or use --list-screening)")
    from coach.knowledge import check_age
    from coach.plan import build_plan
    from coach.screening import answers_from_items, screen
    items = [i.strip() for raw in args.screen for i in raw.split(",") if i.strip()]
    try:
        age = check_age(args.age_months)
        outcome = screen(answers_from_items(items, others_checked=args.screened))
        plan = build_plan(age, outcome, _assessments(args, age))
    except ValueError as exc:
        return _usage(str(exc))
    text = json.dumps(plan.to_json(), indent=2, ensure_ascii=False) if args.json \
        else format_plan(plan)
    try:
        print(text)
    except BrokenPipeError:      # e.g. `footcoach plan ... | head`
        sys.stdout = open(os.devnull, "w")   # noqa: SIM115 - silence the flush at exit
    return EXIT_OK if plan.status == "ok" else EXIT_BLOCKED


# ------------------------------------------------------------------------- text output

def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def _step_lines(i: int, step) -> list[str]:
    head = f"{i:2d}. {step.title} - {_duration(step.seconds)}"
    if step.reps is not None:
        head += f", {step.reps.text}"
    lines = [head, f"    Why: {step.why}"]
    lines += [f"    - {text}" for text in step.instructions]
    return lines


def format_plan(plan) -> str:
    """Plain-text rendering of a :class:`coach.plan.Plan` for the terminal."""
    title = {"ok": "Today's routine", "postponed": "Postponed",
             "refused": "No routine today"}[plan.status]
    lines = [f"{title} - {plan.age_months:g} months ({plan.band.label})", "", plan.message]
    if plan.status != "ok" and plan.reasons == ("not_screened",):
        lines += ["", "Run `footcoach plan --list-screening`, pass --screen ITEM for each "
                      "item that applies, and --screened to confirm the others do not."]
    if plan.steps:
        lines.append("")
        for i, step in enumerate(plan.steps, 1):
            lines += _step_lines(i, step)
        lines += ["", f"Total: about {plan.total_minutes:g} minutes"]
    if plan.adaptations:
        lines += ["", "Based on the measurements:"]
        lines += [f" - {a.text} [{a.reference}]" for a in plan.adaptations]
    if plan.status == "ok":
        lines += ["", "Before you start:"]
        for c in plan.conditions:
            lines.append(f" - {c.text}")
            if c.resolution:
                lines.append(f"   (Why: {c.resolution})")
    return "\n".join(lines)
