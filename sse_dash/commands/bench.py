"""`python -m sse_dash bench [--only GROUP …]`: runs the benchmarks of the repository's
top-level `benchmarks` package (not part of the installed product)."""

from __future__ import annotations

import sys

from sse_dash import config
from sse_dash.errors import UserError


def register(parser) -> None:
    parser.add_argument(
        "--only",
        nargs="*",
        help="groupes à lancer (pip, qpv_check, sirene, weight, pages, browser, export)",
    )
    parser.add_argument("--out", help="fichier JSON de résultats (défaut : bench/results.json)")
    parser.add_argument(
        "--no-readme",
        action="store_true",
        help="ne pas régénérer le tableau des mesures du README",
    )
    parser.set_defaults(func=_run)


def _benchmarks():
    """The `benchmarks` package of the checkout this code runs from."""
    if not (config.REPO_ROOT / "benchmarks" / "runner.py").exists():
        raise UserError(
            "les mesures de performance ne font pas partie du paquet installé : lancez "
            "« make bench » depuis une copie du dépôt."
        )
    if str(config.REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(config.REPO_ROOT))
    from benchmarks import readme, runner

    return runner, readme


def _run(args) -> int:
    from pathlib import Path

    runner, readme = _benchmarks()
    unknown = sorted(set(args.only or ()) - set(runner.GROUPS))
    if unknown:
        raise UserError(
            f"groupe(s) inconnu(s) : {', '.join(unknown)} ; groupes : {', '.join(runner.GROUPS)}"
        )
    out = Path(args.out) if args.out else runner.RESULTS
    report = runner.run(args.only, out)
    print(runner.format_table(report))
    if not args.no_readme and out == runner.RESULTS:
        readme.update(results=out)
        print(f"Tableau des mesures du README régénéré depuis {out}")
    return 0
