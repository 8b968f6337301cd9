"""`python -m sse_dash bench [--only GROUP …]`."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("bench", help="mesures de performance (écrit bench/results.json)")
    p.add_argument(
        "--only",
        nargs="*",
        help="groupes à lancer (pip, qpv_check, sirene, pages, browser, export)",
    )
    p.add_argument("--out", help="fichier JSON de résultats (défaut : bench/results.json)")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from pathlib import Path

    from sse_dash import benchmarks

    report = benchmarks.run(args.only, Path(args.out) if args.out else benchmarks.RESULTS)
    print(benchmarks.format_table(report))
    return 0
