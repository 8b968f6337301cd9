"""`python -m sse_dash qpv check INPUT --out OUTPUT`: the batch « Adresse en QPV ? » check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sse_dash import config, outputs
from sse_dash.errors import UserError
from sse_dash.qpvcheck import InputError, reader

if TYPE_CHECKING:  # imported where used: pyproj and shapely come after the file's reading starts
    from sse_dash.qpvcheck import mapping as mp

OUTPUT_EXTENSIONS = (".csv", ".xlsx")


def register(qpv) -> None:
    sub = qpv.add_subparsers(dest="qpv_command", required=True)
    check = sub.add_parser(
        "check",
        help="Indiquer pour chaque ligne d'un CSV/XLSX si elle est dans un QPV",
        description=f"Limites : {reader.limits_text(reader.CLI)}",
    )
    check.add_argument("input", help="fichier CSV ou XLSX")
    check.add_argument("--out", required=True, help="fichier de sortie (.csv ou .xlsx)")
    check.add_argument("--geocoder", choices=["ban", "none"], default=None)
    check.add_argument("--lon")
    check.add_argument("--lat")
    check.add_argument("--x")
    check.add_argument("--y")
    check.add_argument("--address")
    check.add_argument("--postcode")
    check.add_argument("--city")
    check.set_defaults(func=run_check)


def explicit_mapping(args) -> mp.ColumnMapping | None:
    from sse_dash.qpvcheck import mapping as mp

    """The mapping given by options, None when the columns are left to the proposal."""
    if args.lon or args.lat:
        if not (args.lon and args.lat):
            raise UserError("Indiquez --lon et --lat ensemble.")
        return mp.ColumnMapping(mode="lonlat", lon=args.lon, lat=args.lat)
    if args.x or args.y:
        if not (args.x and args.y):
            raise UserError("Indiquez --x et --y ensemble.")
        return mp.ColumnMapping(mode="xy", x=args.x, y=args.y)
    if args.address:
        return mp.ColumnMapping(
            mode="address", address=args.address, postcode=args.postcode, city=args.city
        )
    return None


def mapping_from_args(args, df) -> mp.ColumnMapping:
    from sse_dash.qpvcheck import mapping as mp

    """Explicit options win; otherwise the automatic proposal (printed so the user can check)."""
    explicit = explicit_mapping(args)
    if explicit is not None:
        return explicit
    proposed = mp.propose(df)
    if proposed is None:
        raise UserError(
            "Aucune colonne d'adresse ou de coordonnées reconnue. Précisez-la avec --address, "
            "--lon/--lat ou --x/--y. Colonnes du fichier : " + ", ".join(map(str, df.columns))
        )
    return proposed


def _progress(label: str, done: int, total: int) -> None:
    print(f"{label} : {done}/{total}", file=sys.stderr, flush=True)


def run_check(args: argparse.Namespace) -> int:
    src, out = Path(args.input), Path(args.out)
    if out.suffix.lower() not in OUTPUT_EXTENSIONS:
        raise UserError("Le fichier de sortie doit se terminer par .csv ou .xlsx.")
    if not src.is_file():
        raise UserError(f"Fichier introuvable : {src}")
    outputs.check_output(out, inputs=[src, config.warehouse_path()])
    try:
        reader.check_size(src.stat().st_size, reader.CLI)
        if out.suffix.lower() == ".csv" and args.geocoder != "ban":
            if _fast(args, src, out):
                return 0
        from sse_dash.qpvcheck import mapping as mp

        data = src.read_bytes()
        table = reader.read_table(data, src.name, reader.CLI)
        print(table.describe(), file=sys.stderr)
        for note in table.notes:
            print(note, file=sys.stderr)
        mapping = mapping_from_args(args, table.df)
        mp.validate(mapping, table.df.columns)
        print(f"Colonnes utilisées — {mapping.describe()}", file=sys.stderr)
        name = args.geocoder or ("ban" if mapping.mode in mp.ADDRESS_MODES else "none")
        from sse_dash.qpvcheck.engine import get_reference, run_batch
        from sse_dash.qpvcheck.geocoder import make_geocoder

        ref = get_reference(config.warehouse_path())
        result = run_batch(ref, table.df, mapping, make_geocoder(name), progress=_progress)
    except InputError as exc:
        raise UserError(str(exc)) from exc
    for note in result.notes:
        print(note, file=sys.stderr)
    _check_located(result.summary)
    from sse_dash.export.tables import to_csv_bytes, to_xlsx_bytes

    data = to_csv_bytes(result.df) if out.suffix.lower() == ".csv" else to_xlsx_bytes(result.df)
    outputs.write_bytes(out, data)
    _report(result.summary, out)
    return 0


def _fast(args, src: Path, out: Path) -> bool:
    """A UTF-8 CSV with coordinates, written as CSV: the Arrow path (sse_dash.qpvcheck.fast),
    same file as the general path, written piece by piece. False when the file needs the
    general path."""

    import pyarrow.csv  # noqa: F401 - first: the reading thread starts parsing at once

    from sse_dash.qpvcheck import fast  # numpy: pyproj, shapely come with the index

    # the file is read and its coordinates parsed while the QPV index is imported and loaded
    pending = fast.read_started(src, lambda: explicit_mapping(args), reader.CLI, _progress)
    fast.keep_freed_memory()
    fast.one_thread_per_query()
    got = fast.check_csv(
        src, None, explicit_mapping(args), reader.CLI, config.warehouse_path(), _progress,
        pending=pending,
    )  # fmt: skip
    if got is None:
        return False
    describe, mapping, batch = got
    print(describe, file=sys.stderr)
    print(f"Colonnes utilisées — {mapping.describe()}", file=sys.stderr)
    for note in batch.notes:
        print(note, file=sys.stderr)
    _check_located({"located": int(batch.located.sum())})
    outputs.write_bytes(out, batch.parts())
    _report(batch.summary, out)
    from sse_dash import cli

    cli.leave_at_once()
    return True


def _check_located(summary: dict) -> None:
    if summary["located"] == 0:
        raise UserError(
            "Aucune ligne n'a pu être localisée (adresses non géocodées ou coordonnées "
            "inutilisables) : vérifiez les colonnes choisies."
        )


def _report(summary: dict, out: Path) -> None:
    from sse_dash.qpvcheck.engine import summary_lines

    print("\n".join(summary_lines(summary)))
    print(f"Résultat écrit dans {out}")
