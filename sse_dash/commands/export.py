"""`python -m sse_dash export etablissements --territoire dep:93 --out FILE.csv|.xlsx [filters]`:
every active SSE establishment of a selection, with the filters of the Territoire page's URL
(--famille, --secteur, --taille, --qpv_filtre, --employeur). Same query as the page's download
(sse_dash.dashboard.sse.export_frame), same French-Excel files (sse_dash.export.tables).

`export indicateurs --niveau reg|dep|epci|com [--parent CODE] [--perimetre insee|statut]`: the
weight of the SSE (establishments, employer establishments, estimated jobs, SSE and all, shares
in %), one row per territory; `export evolution --territoire dep:93`: one row per year (actives
on 1 January, creations, closures, SSE and all, index 100, growth). Both read
sse_dash.dashboard.indicators, as the pages do, and write through sse_dash.outputs (atomic)."""

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

    ind = sub.add_parser(
        "indicateurs",
        help="Poids de l'ESS par territoire d'un niveau (CSV ou XLSX)",
        description=(
            "Une ligne par territoire : établissements actifs, établissements employeurs et "
            "emplois estimés (estimation à partir des tranches d'effectifs), ESS et tous "
            "établissements, et la part de l'ESS en %."
        ),
    )
    ind.add_argument("--niveau", required=True, help="reg, dep, epci ou com")
    ind.add_argument(
        "--parent",
        help=(
            "territoire englobant : reg:11, dep:93, epci:<SIREN>, ou un code seul (la région "
            "des départements, le département des EPCI et des communes, un EPCI par son SIREN)"
        ),
    )
    ind.add_argument("--out", required=True, help="fichier de sortie (.csv ou .xlsx)")
    ind.add_argument(
        "--perimetre",
        default="insee",
        help="insee (indicateur ESS de SIRENE, défaut) ou statut (associations, coopératives, "
        "mutuelles, fondations)",
    )
    ind.add_argument("--warehouse", help="entrepôt DuckDB (défaut : data/sse.duckdb)")
    ind.set_defaults(func=run_indicators)

    evo = sub.add_parser(
        "evolution",
        help="Évolution des établissements ESS et de tous les établissements depuis 2010",
        description=(
            "Une ligne par année : établissements actifs au 1er janvier, créations et "
            "fermetures, ESS et tous établissements, indice 100 la première année et taux de "
            "croissance annuel."
        ),
    )
    evo.add_argument(
        "--territoire", required=True, help="fr, reg:11, dep:93, epci:<SIREN>, com:<code>"
    )
    evo.add_argument("--out", required=True, help="fichier de sortie (.csv ou .xlsx)")
    evo.add_argument("--perimetre", default="insee", help="insee (défaut) ou statut")
    evo.add_argument("--warehouse", help="entrepôt DuckDB (défaut : data/sse.duckdb)")
    evo.set_defaults(func=run_evolution)


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


def _open_weight(args):
    """Output path checked, perimeter checked, warehouse opened with the weight tables."""
    import duckdb

    from sse_dash import config, db, outputs
    from sse_dash.dashboard import indicators

    out = Path(args.out)
    if out.suffix.lower() not in OUTPUT_EXTENSIONS:
        raise UserError(f"« {args.out} » : le fichier de sortie doit finir par .csv ou .xlsx.")
    if args.perimetre not in indicators.PERIMETERS:
        raise UserError(
            f"périmètre « {args.perimetre} » non reconnu : attendu insee (indicateur ESS de "
            "SIRENE) ou statut (associations, coopératives, mutuelles, fondations)."
        )
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
    if not indicators.available(con):
        con.close()
        raise UserError(
            f"l'entrepôt {path} ne contient pas les agrégats de tous les établissements (poids "
            "et évolution de l'ESS). Reconstruisez-le : python -m sse_dash data build"
        )
    return out, con


def _source_column(con, perimeter: str) -> tuple[str, list[dict]]:
    from sse_dash.export import provenance

    line = provenance.source_line(provenance.sources_for(con, provenance.SIRENE_ROLES))
    what = (
        "périmètre ESS : indicateur ESS de l'INSEE"
        if perimeter == "insee"
        else "périmètre ESS : statuts (associations, coopératives, mutuelles, fondations)"
    )
    text = f"{line} — {what} ; emplois : estimation à partir des tranches d'effectifs"
    return text, provenance.source_records(con) or []


def _write_table(out: Path, frame, sheet: str, records: list[dict]) -> None:
    from sse_dash import outputs
    from sse_dash.export import tables

    if out.suffix.lower() == ".xlsx":
        data = tables.to_xlsx_bytes(frame, sheet_name=sheet, sources=records or None)
    else:
        data = tables.to_csv_bytes(frame)
    outputs.write_bytes(out, data)


def run_indicators(args) -> int:
    from sse_dash import fmt
    from sse_dash.dashboard import indicators
    from sse_dash.export import provenance

    level = indicators.parse_level(args.niveau)
    out, con = _open_weight(args)
    try:
        parent = indicators.resolve_parent(con, level, args.parent)
        frame = indicators.level_table(con, level, parent, args.perimetre)
        source, records = _source_column(con, args.perimetre)
        synthetic = provenance.is_synthetic(con)
    finally:
        con.close()
    if frame.empty:
        raise UserError(f"aucun territoire de ce niveau dans {parent.label}.")
    frame = frame.round({c: 2 for _, c in indicators.MEASURES})
    frame["perimetre_ess"] = args.perimetre
    frame["source"] = source
    _write_table(out, frame, "Poids de l'ESS", records)
    print(
        f"{fmt.number(len(frame))} territoires ({args.niveau}) de {parent.label} écrits dans {out}"
        + (" — ⚠ données SIRENE synthétiques (fictives)" if synthetic else "")
    )
    return 0


def run_evolution(args) -> int:
    from sse_dash.dashboard import indicators
    from sse_dash.dashboard import territory as terr
    from sse_dash.export import provenance

    if terr.parse_key(args.territoire) and terr.parse_key(args.territoire)[0] == "qpv":
        raise UserError(
            "évolution non disponible pour un QPV : le fichier SIRENE ne dit pas dans quel "
            "QPV se trouvait un établissement fermé. Choisissez sa commune (com:<code INSEE>)."
        )
    out, con = _open_weight(args)
    try:
        territory = terr.resolve(
            con, args.territoire, levels=("france", "region", "departement", "epci", "commune")
        )
        frame = indicators.evolution(con, territory, args.perimetre)
        source, records = _source_column(con, args.perimetre)
        synthetic = provenance.is_synthetic(con)
    finally:
        con.close()
    frame = frame.round(
        {c: 2 for c in ("indice_ess", "indice_tous", "croissance_ess", "croissance_tous")}
    )
    frame.insert(0, "territoire", territory.key)
    frame["perimetre_ess"] = args.perimetre
    frame["source"] = source
    _write_table(out, frame, "Évolution", records)
    first, last = frame["annee"].iloc[0], frame["annee"].iloc[-1]
    print(
        f"Évolution {first}–{last} de {territory.label} écrite dans {out}"
        + (" — ⚠ données SIRENE synthétiques (fictives)" if synthetic else "")
    )
    return 0
