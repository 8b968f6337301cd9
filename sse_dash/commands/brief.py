"""`brief` subcommand: write the briefing pack (PPTX or PDF) of one territory."""

from __future__ import annotations

from pathlib import Path

from sse_dash import config, outputs
from sse_dash.errors import UserError


def register(parser) -> None:
    parser.add_argument(
        "--territory",
        required=True,
        help="territoire : dep:93, reg:11, epci:<SIREN>, com:<code INSEE>, qpv:<code QPV>",
    )
    parser.add_argument("--out", required=True, help="fichier de sortie (.pptx ou .pdf)")
    parser.add_argument("--warehouse", help="entrepôt DuckDB (défaut : data/sse.duckdb)")
    parser.set_defaults(func=run)


def run(args) -> int:
    import duckdb

    from sse_dash import db, fmt
    from sse_dash.dashboard.territory import UnknownTerritory, check_key
    from sse_dash.export.brief import BriefUnavailable, build_brief
    from sse_dash.export.static_map import MapUnavailable

    out = Path(args.out)
    if out.suffix.lower() not in (".pptx", ".pdf"):
        raise UserError(f"« {args.out} » : le fichier de sortie doit finir par .pptx ou .pdf.")
    try:
        check_key(args.territory)
    except UnknownTerritory as exc:
        raise UserError(str(exc)) from None
    path = Path(args.warehouse) if args.warehouse else config.warehouse_path()
    outputs.check_output(out, inputs=[path])
    try:
        con = db.open_warehouse(path)
    except db.WarehouseMissing:
        raise UserError(
            f"entrepôt introuvable ({path}). Construisez-le d'abord : python -m sse_dash data build"
        ) from None
    except duckdb.IOException as exc:
        raise UserError(f"impossible d'ouvrir l'entrepôt {path} : {exc}") from None
    try:
        with outputs.replacing(out) as tmp:
            report = build_brief(con, args.territory, tmp)
    except (UnknownTerritory, BriefUnavailable, MapUnavailable) as exc:
        raise UserError(str(exc)) from None
    except duckdb.CatalogException as exc:
        raise UserError(
            f"l'entrepôt {path} est incomplet ou d'un ancien schéma ({exc}). "
            "Reconstruisez-le : python -m sse_dash data build"
        ) from None
    finally:
        con.close()
    print(
        f"Note de synthèse écrite : {out} — {report['territory']}, "
        f"{report['pages']} pages, {fmt.number(report['seconds'], 1)} s"
        + (" (données SIRENE synthétiques)" if report["synthetic"] else "")
    )
    return 0
