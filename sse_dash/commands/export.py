"""`python -m sse_dash export etablissements --territoire dep:93 --out FILE.csv|.xlsx [filters]`:
every active SSE establishment of a selection, with the filters of the Territoire page's URL
(--famille, --secteur, --taille, --qpv_filtre, --employeur). Same query as the page's download
(sse_dash.dashboard.sse.export_frame), same French-Excel files (sse_dash.export.tables)."""

from __future__ import annotations

import time
from pathlib import Path

from sse_dash.errors import UserError

OUTPUT_EXTENSIONS = (".csv", ".xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, header row apart


def register(parser) -> None:
    sub = parser.add_subparsers(dest="export_command", required=True)
    ets = sub.add_parser(
        "etablissements",
        help="Tous les établissements ESS actifs d'un territoire (CSV ou XLSX)",
        description=(
            "Écrit chaque établissement ESS actif de la sélection (aucune limite de lignes), "
            "avec son statut QPV 2024 : oui, non ou incertain."
        ),
    )
    ets.add_argument(
        "--territoire",
        required=True,
        help="fr, reg:11, dep:93, epci:<SIREN>, com:<code INSEE>",
    )
    ets.add_argument("--out", required=True, help="fichier de sortie (.csv ou .xlsx)")
    ets.add_argument("--famille", help="famille (association, cooperative, mutuelle…)")
    ets.add_argument("--secteur", help="section NAF (lettre A à U)")
    ets.add_argument("--taille", help="classe de taille (NN, 0, 1-9, 10-49, 50-249, 250+)")
    ets.add_argument("--qpv_filtre", help="all, in (dans un QPV) ou near (QPV ou 300 m)")
    ets.add_argument(
        "--employeur", nargs="?", const="1", help="1 : établissements employeurs seulement"
    )
    ets.add_argument("--warehouse", help="entrepôt DuckDB (défaut : data/sse.duckdb)")
    ets.set_defaults(func=run_establishments)


def run_establishments(args) -> int:
    import duckdb

    from sse_dash import config, db, fmt
    from sse_dash.dashboard import sse
    from sse_dash.dashboard import territory as terr
    from sse_dash.export import provenance, tables

    out = Path(args.out)
    if out.suffix.lower() not in OUTPUT_EXTENSIONS:
        raise UserError(f"« {args.out} » : le fichier de sortie doit finir par .csv ou .xlsx.")
    parsed = terr.parse_key(args.territoire)
    if parsed is None:
        raise UserError(
            f"territoire « {args.territoire} » non reconnu : attendu fr, reg:11, dep:93, "
            "epci:<SIREN à 9 chiffres> ou com:<code INSEE>."
        )
    path = Path(args.warehouse) if args.warehouse else config.warehouse_path()
    try:
        con = db.open_warehouse(path)
    except db.WarehouseMissing:
        raise UserError(
            f"entrepôt introuvable ({path}). Construisez-le d'abord : python -m sse_dash data build"
        ) from None
    except duckdb.IOException as exc:
        raise UserError(f"impossible d'ouvrir l'entrepôt {path} : {exc}") from None
    start = time.perf_counter()
    try:
        if not db.table_exists(con, "establishments"):
            raise UserError(
                f"l'entrepôt {path} ne contient pas les établissements (SIRENE). "
                "Reconstruisez-le : python -m sse_dash data build"
            )
        territory = terr.lookup(con, *parsed)
        if territory is None:
            raise UserError(f"territoire « {args.territoire} » absent de l'entrepôt.")
        families = sse.families(con)["code"].tolist()
        sections = sse.sections(con)["code"].tolist()
        params = {
            "famille": args.famille,
            "secteur": args.secteur,
            "taille": args.taille,
            "qpv_filtre": args.qpv_filtre,
            "employeur": args.employeur,
        }
        filters, ignored = sse.parse_filters(params, families, sections)
        if ignored:
            raise UserError(
                "filtre(s) invalide(s) : "
                + ", ".join(f"--{name} {params[name]!r}" for name in ignored)
                + f". Familles : {', '.join(families)} ; secteurs : lettres A à U ; tailles : "
                + ", ".join(sse.SIZE_CLASS_ORDER)
                + " ; qpv_filtre : all, in, near ; employeur : 0 ou 1."
            )
        frame = sse.export_frame(con, territory, filters)
        if out.suffix.lower() == ".xlsx":
            if len(frame) > XLSX_MAX_ROWS:
                raise UserError(
                    f"{fmt.number(len(frame))} établissements : trop pour une feuille Excel "
                    f"({fmt.number(XLSX_MAX_ROWS)} lignes au plus). Choisissez un fichier .csv."
                )
            parts = [
                tables.to_xlsx_bytes(
                    frame,
                    sheet_name="Établissements",
                    sources=provenance.source_records(con) or None,
                )
            ]
        else:
            parts = tables.csv_parts(frame)  # written piece by piece: no whole copy in memory
        synthetic = provenance.is_synthetic(con)
    except duckdb.CatalogException as exc:
        raise UserError(
            f"l'entrepôt {path} est d'un ancien schéma ({exc}). "
            "Reconstruisez-le : python -m sse_dash data build"
        ) from None
    finally:
        con.close()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        with tmp.open("wb") as fh:
            for part in parts:
                fh.write(part)
        tmp.replace(out)
    except OSError as exc:
        raise UserError(f"impossible d'écrire {out} : {exc.strerror or exc}") from None
    counts = frame["en_qpv_2024"].value_counts()
    print(
        f"{fmt.number(len(frame))} établissements ESS de {territory.label} écrits dans {out} "
        f"({fmt.number(time.perf_counter() - start, 1)} s) — en QPV 2024 : "
        f"oui {fmt.number(int(counts.get('oui', 0)))}, non {fmt.number(int(counts.get('non', 0)))}, "
        f"incertain {fmt.number(int(counts.get('incertain', 0)))}"
        + (" — ⚠ données SIRENE synthétiques (fictives)" if synthetic else "")
    )
    return 0
