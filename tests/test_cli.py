"""The command line imports only the subcommand it runs: `--help` answers without loading the
synthetic generator, pandas or Streamlit, and an unknown benchmark group is a French error."""

from __future__ import annotations

import subprocess
import sys

from sse_dash import cli, config

PROBE = """
import sys
from sse_dash import cli
try:
    cli.main({argv!r})
except SystemExit:
    pass
heavy = [m for m in ("sse_dash.sirene.synth", "pandas", "streamlit", "geopandas", "duckdb")
         if m in sys.modules]
print("HEAVY=" + ",".join(heavy))
"""


def _heavy(argv: list[str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)],
        cwd=config.REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = [x for x in out.splitlines() if x.startswith("HEAVY=")][-1]
    return [m for m in line.removeprefix("HEAVY=").split(",") if m]


def test_help_imports_no_subcommand():
    assert _heavy(["--help"]) == []


def test_data_build_help_does_not_import_the_generator():
    assert "sse_dash.sirene.synth" not in _heavy(["data", "build", "--help"])


def test_every_subcommand_registers_and_the_full_parser_knows_them_all(capsys):
    parser = cli.build_parser()
    for name in cli.COMMANDS:
        args = {"data": ["data", "status"], "qpv": ["qpv", "check", "x.csv", "--out", "y.csv"]}
        argv = args.get(name) or {
            "brief": ["brief", "--territory", "dep:93", "--out", "x.pptx"],
            "bench": ["bench", "--only", "pip"],
            "export": ["export", "etablissements", "--territoire", "dep:93", "--out", "x.csv"],
        }.get(name, [name])
        assert parser.parse_args(argv).func is not None


def test_unknown_bench_group_is_a_french_error(capsys):
    assert cli.main(["bench", "--only", "inconnu"]) == 2
    assert "groupe(s) inconnu(s) : inconnu" in capsys.readouterr().err
