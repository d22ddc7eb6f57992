"""Console script ``footcoach``: one sub-command per capability (see shared/DESIGN.md).

Each sub-command lives in its own module exposing ``register(subparsers)``, which adds its
parser and sets ``func`` (``args -> int`` exit status). Modules are imported lazily so that
``footcoach plan`` does not pay for loading MediaPipe.

Exit status: 0 success, 1 when an input could not be analysed, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = {
    "footprint": "cli.footprint_cmd",
    "screen": "cli.screen_cmd",
    "track": "cli.track_cmd",
    "exercise": "cli.exercise_cmd",
    "plan": "cli.coach_cmd",
    "child": "cli.history_cmd",
    "history": "cli.history_cmd",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="footcoach",
        description="Children's foot care: footprint arch measurement, exercise form checks, "
                    "age-banded routines. Everything runs on this machine.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    seen = set()
    for name, modname in COMMAND_MODULES.items():
        if command is not None and name != command:
            continue
        if modname in seen:
            continue
        seen.add(modname)
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name == modname:
                continue  # capability not installed in this build
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMAND_MODULES else None
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
