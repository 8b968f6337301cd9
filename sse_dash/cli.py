"""`python -m sse_dash …` — the command-line contract (see README)."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module in sse_dash/commands/ registers its own subcommand(s).
COMMAND_MODULES = ["data", "qpv", "brief", "export", "bench"]


class UserError(Exception):
    """A problem the user can fix: printed as a French message, exit code 2, no traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sse_dash", description="sse_dash — ESS et QPV")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"sse_dash.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"sse_dash.commands.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
