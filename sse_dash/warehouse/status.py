"""`data status`: what the warehouse was built from, in a few lines a policy officer can read."""

from __future__ import annotations

from pathlib import Path

from sse_dash import db, queries
from sse_dash.sirene import step as sirene_step


def _fmt_time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "–"


def status_lines(path: Path) -> list[str]:
    """One line per dataset, then the build issues summary. Raises db.WarehouseMissing."""
    con = db.connect(path, read_only=True)
    try:
        meta = dict(queries.rows(con, "wh_status_meta"))
        lines = [
            f"Entrepôt : {path}",
            f"Catalogue : {meta.get('catalog', '?')} — construit le {meta.get('built_at', '?')} "
            f"(schéma {meta.get('schema_version', '?')})",
            "",
            "Jeux de données :",
        ]
        for ds_id, source, retrieved, sha, vintage, rows, synthetic in queries.rows(
            con, "wh_status_provenance"
        ):
            lines.append(
                f"  {ds_id} | source : {source} | récupéré : {_fmt_time(retrieved)} | "
                f"sha256 : {(sha or '–')[:12]} | millésime : {vintage or '–'} | "
                f"lignes : {rows if rows is not None else '–'} | "
                f"synthétique : {'oui' if synthetic else 'non'}"
            )
        issues = queries.rows(con, "wh_status_issues")
        lines.append("")
        if issues:
            total = sum(n for _, _, n in issues)
            lines.append(f"Anomalies de construction ({total}) :")
            for ds_id, kind, n in issues:
                lines.append(f"  {ds_id} : {kind} × {n}")
        else:
            lines.append("Anomalies de construction : aucune")
        extra = list(sirene_step.status_lines(con))
        if extra:
            lines.append("")
            lines.extend(extra)
        return lines
    finally:
        con.close()
