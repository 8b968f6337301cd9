"""Warehouse-build hook: `run(con, catalog, ctx)` builds the SSE tables after the geography,
from the catalogue's three SIRENE datasets when it lists them, else from a synthetic SIRENE
generated on the fly (flagged synthetic in provenance and meta). Real and synthetic are never
mixed: all three roles must be present, or none.

Options (`ctx.options`): `scope` ("dep:93", "reg:11" or None) restricts the establishments;
`synth_scale` ("test", "dev" = default, "1/10", "national") sizes the synthetic SIRENE;
`employers_only` is the « employeurs seulement » switch: keep only establishments whose
employee band is 01 or above (at least one employee on 31 December), recorded in meta as
`sirene_employers_only`. Perimeter otherwise: legal units with
`economieSocialeSolidaireUniteLegale = 'O'`, establishments with
`etatAdministratifEtablissement = 'A'`; non-diffusible ones ('P') are counted but stored
without name or coordinates.

`ref_naf` gets every NAF sub-class label from the optional `naf_rev2` dataset (INSEE's list,
sse_dash.sirene.naf) when the catalogue lists it and it can be read; otherwise the built-in
labels, with a `build_issues` row saying so."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sse_dash import config, db, fmt, queries
from sse_dash.sirene import location, mappings, naf, pipeline, schema, synth
from sse_dash.warehouse.context import BuildError, missing_optional, obtain

ROLES = ("sirene_unites_legales", "sirene_etablissements", "sirene_geolocalisation")
SYNTH_TITLE = "SIRENE synthétique (données fictives)"
DEFAULT_SCALE = "dev"
DEFAULT_SEED = 20240101

log = logging.getLogger(__name__)


def _error(message: str) -> Exception:
    """A BuildError (the CLI prints it in French)."""
    return BuildError(message)


def _opt(ctx, name: str, default=None):
    options = getattr(ctx, "options", None) or {}
    return options.get(name, default)


def set_meta(con, key: str, value: str) -> None:
    """Delete + insert: works whether or not `meta.key` is a primary key."""
    con.execute(queries.load("sirene_meta_delete"), {"key": key})
    con.execute(queries.load("sirene_meta_insert"), {"key": key, "value": value})


def _provenance(con, **row) -> None:
    if not db.table_exists(con, "provenance"):
        return
    base = dict.fromkeys(
        (
            "dataset_id",
            "role",
            "title",
            "publisher",
            "licence",
            "source",
            "retrieved_at",
            "sha256",
            "size_bytes",
            "vintage",
            "rows",
            "synthetic",
            "notes",
        ),
    )
    base.update(row)
    con.execute(queries.load("sirene_provenance_insert"), base)


def _issue(con, dataset_id: str, kind: str, detail: str) -> None:
    if db.table_exists(con, "build_issues"):
        con.execute(
            queries.load("sirene_build_issue_insert"),
            {"dataset_id": dataset_id, "kind": kind, "detail": detail},
        )


BUILTIN_NAF = (
    f"libellés NAF intégrés utilisés ({len(mappings.NAF_DIVISIONS)} divisions, "
    f"{len(mappings.NAF_SUBCLASSES)} sous-classes courantes de l'ESS)"
)


def _obtain(ds, ctx):
    """The dataset's file through the build's own path (local file, mirror copy or download,
    checked by sse_dash.fetch; a French BuildError otherwise)."""
    return obtain(ds, Path(ctx.downloads_dir), getattr(ctx, "progress", None))


def _obtained_provenance(ds, got, **extra) -> dict:
    vintage, notes = ds.file_vintage(
        getattr(got, "vintage", None), getattr(got, "vintage_source", None)
    )
    row = {"vintage": vintage, "notes": notes, **extra}
    return ds.provenance(
        source=got.source,
        sha256=got.sha256,
        size_bytes=got.size,
        retrieved_at=got.retrieved_at.astimezone(UTC).replace(tzinfo=None),
        **row,
    )


def _is_synthetic(con, source: str) -> bool:
    """A file written by sse_dash's generator (its Parquet metadata says so), whatever its name
    or the catalogue that lists it."""
    try:
        return bool(queries.rows(con, "sirene_parquet_synthetic", {"source": source})[0][0])
    except duckdb.Error:
        return False


def _flag_synthetic(con, sources: pipeline.Sources, prov: list[dict]) -> bool:
    """True when the catalogued SIRENE files are synthetic ones (e.g. written in the official
    layout into a mirror): provenance then says so like for the built-in fallback. A mix of
    synthetic and real files is refused: real data never silently mix with fictitious data."""
    by_role = {
        "sirene_unites_legales": sources.units,
        "sirene_etablissements": sources.establishments,
        "sirene_geolocalisation": sources.geolocation,
    }
    flags = {role: _is_synthetic(con, src) for role, src in by_role.items()}
    if not any(flags.values()):
        return False
    if not all(flags.values()):
        fake = ", ".join(r for r, f in flags.items() if f)
        raise _error(
            f"Fichiers SIRENE synthétiques (données fictives) mêlés à des fichiers réels : {fake}. "
            "Fournir les trois fichiers réels, ou les trois fichiers synthétiques."
        )
    for row in prov:
        row["synthetic"] = True
        row["title"] = f"{SYNTH_TITLE} — {Path(str(row['source'])).name}"
        row["vintage"] = "synthétique (fichiers au format officiel)"
        warning = "Aucun établissement réel : ne pas utiliser pour des chiffres publiés."
        row["notes"] = f"{row['notes']} — {warning}" if row.get("notes") else warning
    log.warning("Fichiers SIRENE synthétiques reconnus : entrepôt marqué « données fictives ».")
    return True


def _naf_labels(con, catalog, ctx) -> dict[str, str] | None:
    """Labels of every NAF sub-class from the catalogue's `naf_rev2` dataset (INSEE's list);
    None -> the built-in labels, with a build issue saying why. An optional dataset that
    cannot be obtained or read never stops the build."""
    found = catalog.by_role(naf.ROLE) if catalog is not None else []
    if not found:
        detail = f"Nomenclature NAF rév. 2 de l'INSEE absente du catalogue : {BUILTIN_NAF}."
        log.warning(detail)
        _issue(con, naf.ROLE, "dataset_missing", detail)
        return None
    ds = found[0]
    try:
        got = _obtain(ds, ctx)
        labels = naf.read_labels(ds, got.path)
    except (BuildError, naf.NafError) as exc:
        if not (ds.options or {}).get("optional"):
            raise _error(str(exc)) from exc
        first_line, row = missing_optional(ds, exc, notes=f"{BUILTIN_NAF}.")
        log.warning("%s — %s", first_line, BUILTIN_NAF)
        _issue(con, ds.id, "dataset_missing", f"{first_line} — {BUILTIN_NAF}.")
        _provenance(con, **row)
        return None
    _provenance(con, **_obtained_provenance(ds, got, rows=len(labels)))
    return labels


def _row_count(con, source: str) -> int | None:
    try:
        return con.execute(queries.load("sirene_parquet_rows"), {"source": source}).fetchone()[0]
    except Exception:  # noqa: BLE001 - a count is informative only
        return None


HTTPFS_NOTE = "lecture distante (httpfs), colonnes utiles seulement"


def _reads_remotely(ds, mirror) -> bool:
    """`read = "httpfs"` on a remote dataset, unless the mirror folder holds a copy."""
    from sse_dash.fetch import mirror_copy

    return (
        ds.is_remote
        and (ds.options or {}).get("read") == "httpfs"
        and mirror_copy(ds, mirror) is None
    )


def _duckdb_reason(exc: Exception) -> str:
    """A short French reason for a DuckDB/httpfs read error."""
    text = str(exc)
    first = text.splitlines()[0] if text else type(exc).__name__
    if "Could not connect" in text or "Connection refused" in text:
        return "connexion impossible (serveur injoignable ou pas de réseau)"
    if "imed out" in text or "Timeout" in text:
        return "délai dépassé : le serveur ne répond pas"
    for code, what in ((404, "introuvable"), (403, "accès refusé"), (401, "accès refusé")):
        if f"HTTP {code}" in text:
            return f"HTTP {code} ({what})"
    if "magic bytes" in text or "not a parquet" in text.lower():
        return "la réponse n'est pas un fichier Parquet (page web ou fichier tronqué ?)"
    return f"erreur de lecture ({first})"


def _open_remote(con, ds) -> tuple[str, int]:
    """First URL of `ds` whose Parquet footer httpfs can read: (url, row count). The footer is
    a few kilobytes; the columns themselves are read later by the pipeline."""
    from sse_dash.fetch import how_to_provide, target_name

    db.load_extension(con, "httpfs")
    failures = []
    for url in ds.urls:
        try:
            rows = con.execute(queries.load("sirene_parquet_rows"), {"source": url}).fetchone()[0]
        except duckdb.Error as exc:
            failures.append((url, _duckdb_reason(exc)))
            continue
        return url, int(rows or 0)
    details = "\n".join(f"  • {u} : {r}" for u, r in failures)
    raise _error(
        f"Lecture distante (httpfs) impossible pour le jeu « {ds.id} » ({ds.title}).\n"
        f"{details}\n{how_to_provide(ds, target_name(ds))}\n"
        '  • ou retirez `read = "httpfs"` des options du jeu pour télécharger le fichier entier.'
    )


def _real_sources(con, catalog, ctx) -> tuple[pipeline.Sources, list[dict]]:
    """Local path, mirror copy or download (sse_dash.fetch), or direct remote read with httpfs
    when the dataset's options say `read = "httpfs"` (only the needed columns travel)."""
    mirror = config.mirror_dir()
    paths, prov = {}, []
    for role in ROLES:
        ds = catalog.by_role(role)[0]
        if ds.format != "parquet":
            raise _error(
                f"Jeu « {ds.id} » : format « {ds.format} » non pris en charge pour SIRENE "
                "(utiliser les fichiers Parquet publiés par l'INSEE / data.gouv.fr)."
            )
        if _reads_remotely(ds, mirror):
            url, rows = _open_remote(con, ds)
            paths[role] = url
            prov.append(
                ds.provenance(
                    source=url,
                    retrieved_at=datetime.now(UTC).replace(tzinfo=None),
                    rows=rows,
                    synthetic=False,
                    notes=HTTPFS_NOTE + (f" — {ds.notes}" if ds.notes else ""),
                )
            )
            continue
        got = _obtain(ds, ctx)
        paths[role] = str(got.path)
        prov.append(_obtained_provenance(ds, got, synthetic=False))
    return (
        pipeline.Sources(
            paths["sirene_unites_legales"],
            paths["sirene_etablissements"],
            paths["sirene_geolocalisation"],
        ),
        prov,
    )


def _synthetic_sources(con, ctx) -> tuple[pipeline.Sources, list[dict]]:
    scale = _opt(ctx, "synth_scale") or DEFAULT_SCALE
    scope = _opt(ctx, "scope")
    out = Path(ctx.data_dir) / "synthetic"
    try:
        info = synth.generate(
            out,
            con,
            scale=scale,
            seed=DEFAULT_SEED,
            scope=scope,
            progress=getattr(ctx, "progress", None),
        )
    except synth.SynthError as exc:
        raise _error(str(exc)) from exc
    files = info["files"]
    prov = []
    for role in ROLES:
        name = schema.FILES[role][0]
        prov.append(
            dict(
                dataset_id=f"{role}_synthetique",
                role=role,
                title=f"{SYNTH_TITLE} — {name}",
                publisher="sse_dash (générateur synthétique)",
                licence="Données fictives",
                source=files[role],
                size_bytes=Path(files[role]).stat().st_size,
                vintage=f"synthétique, échelle {scale}, graine {DEFAULT_SEED}",
                rows=info["rows"][role],
                synthetic=True,
                retrieved_at=datetime.now(UTC).replace(tzinfo=None),
                notes="Aucun établissement réel : ne pas utiliser pour des chiffres publiés.",
            )
        )
    return (
        pipeline.Sources(
            files["sirene_unites_legales"],
            files["sirene_etablissements"],
            files["sirene_geolocalisation"],
        ),
        prov,
    )


def run(con, catalog, ctx) -> pipeline.Sources:
    """Build establishments, ref_* and agg_territory into `con` (see module docstring);
    returns the SIRENE sources read (the weight step reads the same files)."""
    present = [r for r in ROLES if catalog is not None and catalog.by_role(r)]
    if present and len(present) != len(ROLES):
        missing = ", ".join(r for r in ROLES if r not in present)
        raise _error(
            f"Le catalogue ne liste qu'une partie de SIRENE (manque : {missing}). "
            "Lister les trois fichiers, ou aucun pour un SIRENE synthétique."
        )
    synthetic = not present
    naf_labels = _naf_labels(con, catalog, ctx)
    if synthetic:
        sources, prov = _synthetic_sources(con, ctx)
    else:
        sources, prov = _real_sources(con, catalog, ctx)
        synthetic = _flag_synthetic(con, sources, prov)
    try:
        pipeline.build(
            con,
            sources,
            employers_only=bool(_opt(ctx, "employers_only", False)),
            scope=_opt(ctx, "scope"),
            progress=getattr(ctx, "progress", None),
            naf_labels=naf_labels,
        )
    except pipeline.PipelineError as exc:
        raise _error(str(exc)) from exc
    except duckdb.Error as exc:
        raise _error(_read_failure(catalog if present else None, sources, exc)) from exc
    for row in prov:
        if row.get("rows") is None and present and not str(row["source"]).startswith("http"):
            row["rows"] = _row_count(con, row["source"])
        _provenance(con, **row)
    set_meta(con, "sirene_synthetic", "true" if synthetic else "false")
    set_meta(con, "sirene_employers_only", "true" if _opt(ctx, "employers_only") else "false")
    set_meta(con, "sirene_scope", _opt(ctx, "scope") or "")
    return sources


def _read_failure(catalog, sources: pipeline.Sources, exc: Exception) -> str:
    """French message for a SIRENE file that failed while being read (a remote server that
    went away mid-build, a file without the expected columns…), naming the dataset."""
    by_source = {
        sources.units: "sirene_unites_legales",
        sources.establishments: "sirene_etablissements",
        sources.geolocation: "sirene_geolocalisation",
    }
    named = [(src, role) for src, role in by_source.items() if str(src) in str(exc)]
    if catalog is None or not named:
        return f"Lecture SIRENE impossible : {_duckdb_reason(exc)}."
    src, role = named[0]
    ds = catalog.by_role(role)[0]
    msg = f"Lecture SIRENE impossible pour le jeu « {ds.id} » ({ds.title}) : {_duckdb_reason(exc)}."
    if str(src).startswith(("http://", "https://")):
        msg += (
            f"\nLecture distante (httpfs) de {src} interrompue : relancez la construction, ou "
            'retirez `read = "httpfs"` des options du jeu pour télécharger le fichier entier.'
        )
    return msg


def _pct(a: int, b: int) -> str:
    return fmt.percent(100 * a / b) if b else "–"


CODE_LABELS = {
    ("plg_qp24", "QPV"): "code QPV",
    ("plg_qp24", "HZ"): "HZ (hors zone)",
    ("plg_qp24", "CSZ"): "CSZ (commune sans zonage)",
    ("plg_qp15", "QPV"): "code QPV",
    ("plg_qp15", "HZ"): "HZ (hors zone)",
    ("plg_qp15", "CSZ"): "CSZ (commune sans zonage)",
    ("qualite_xy", "33"): "33 (point aléatoire dans la commune)",
}
CODE_LINES = (
    ("plg_qp24", "plg_qp24 de l'INSEE"),
    ("qualite_qp24", "qualite_qp24 de l'INSEE"),
    ("plg_qp15", "plg_qp15 de l'INSEE"),
    ("qualite_qp15", "qualite_qp15 de l'INSEE"),
    ("qualite_xy", "qualite_xy (placement du point)"),
    ("location_precision", "précision de localisation retenue"),
)


def _code_lines(con) -> list[str]:
    counts: dict[str, list[tuple[str | None, int]]] = {}
    for variable, value, n in queries.rows(con, "sirene_status_codes"):
        counts.setdefault(variable, []).append((value, n))
    lines = []
    for variable, title in CODE_LINES:
        parts = []
        for value, n in counts.get(variable, []):
            label = "absent" if value is None else CODE_LABELS.get((variable, value), value)
            if variable == "location_precision" and value in location.PRECISION_LABELS:
                label = location.PRECISION_LABELS[value]
            parts.append(f"{label} {fmt.number(n)}")
        lines.append(f"  {title} : " + (" ; ".join(parts) if parts else "–"))
    return lines


def status_lines(con) -> list[str]:
    """French lines for `data status` (empty when the warehouse has no SIRENE tables)."""
    if not db.table_exists(con, "establishments"):
        return ["Établissements ESS (SIRENE) : absents de l'entrepôt"]
    flag = queries.rows(con, "sirene_meta_get", {"key": "sirene_synthetic"})
    synthetic = bool(flag) and flag[0][0] == "true"
    (n, employers, nd, no_xy, in_qpv, near, uncertain, compared, agree) = queries.rows(
        con, "sirene_status"
    )[0]
    num = fmt.number
    kind = f"⚠ {SYNTH_TITLE}" if synthetic else "données INSEE réelles"
    certain = n - uncertain
    return [
        f"Établissements ESS (SIRENE) : {num(n)} — {kind}",
        f"  employeurs : {num(employers)} ({_pct(employers, n)})",
        f"  non diffusibles (comptés, jamais nommés) : {num(nd)}",
        f"  sans coordonnées : {num(no_xy)}",
        f"  dans un QPV 2024 : {num(in_qpv)} ({_pct(in_qpv, certain)} des établissements bien "
        f"localisés) ; à 300 m ou moins : {num(near)} ({_pct(near, certain)})",
        f"  QPV incertain (localisation trop imprécise, exclus des comptes en QPV) : "
        f"{num(uncertain)} ({_pct(uncertain, n)})",
        *_code_lines(con),
        f"  accord QPV calculé / plg_qp24 de l'INSEE : {_pct(agree, compared)} "
        f"sur {num(compared)} établissements comparables (localisation précise de notre côté, "
        "qualite_qp24 = 1 du côté de l'INSEE ; HZ et CSZ = hors QPV)",
    ]
