"""`python -m sse_dash …` — the command-line contract (see README).

Subcommands are declared once, in COMMANDS. Only the module of the subcommand being run is
imported (and each module imports its heavy dependencies inside its functions), so
`python -m sse_dash --help` or a `qpv check` does not pay for the synthetic generator,
GeoPandas or Streamlit."""

from __future__ import annotations

import argparse
import importlib
import sys

from sse_dash.errors import UserError

# name -> (module in sse_dash/commands/, one-line help). The module's `register(parser)` adds the
# subcommand's arguments (and sub-subcommands) to the parser made here.
COMMANDS: dict[str, tuple[str, str]] = {
    "data": ("data", "Construire et inspecter l'entrepôt de données"),
    "qpv": ("qpv", "Adresses et QPV"),
    "brief": ("brief", "Note de synthèse d'un territoire (PPTX ou PDF) pour un conseil"),
    "export": ("export", "Exporter des données de l'entrepôt (CSV ou XLSX)"),
    "bench": ("bench", "Mesures de performance (écrit bench/results.json)"),
}


# Set by a command that has written and synced all it makes and holds nothing open that
# needs closing (the batch address check): `python -m sse_dash` then leaves without the
# interpreter's teardown, which takes a tenth of a second after a million-row check.
LEAVE_AT_ONCE = False


def leave_at_once() -> None:
    global LEAVE_AT_ONCE
    LEAVE_AT_ONCE = True


def _chosen(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the first word that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser. With `argv`, only the subcommand it names gets its arguments (the others are
    listed for --help); without, every subcommand is complete."""
    parser = argparse.ArgumentParser(prog="python -m sse_dash", description="sse_dash — ESS et QPV")
    sub = parser.add_subparsers(dest="command", required=True)
    chosen = _chosen(argv) if argv is not None else None
    for name, (module, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if argv is None or name == chosen:
            importlib.import_module(f"sse_dash.commands.{module}").register(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
