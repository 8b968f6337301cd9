"""`data build` and `data status` subcommands."""

from __future__ import annotations

import argparse
import os
import re
import time

from sse_dash import config
from sse_dash.errors import UserError

_SCOPE_RE = re.compile(r"^(dep:(\d{2,3}|2[AB])|reg:\d{2,3})$", re.IGNORECASE)


def _scope(value: str) -> str:
    if not _SCOPE_RE.match(value):
        raise argparse.ArgumentTypeError(
            f"périmètre invalide « {value} » : attendu dep:93, dep:2A ou reg:11"
        )
    kind, code = value.split(":", 1)
    return f"{kind.lower()}:{code.upper()}"


def register(parser) -> None:
    from sse_dash.sirene import cli as sirene_cli

    data_sub = parser.add_subparsers(dest="data_command", required=True)

    b = data_sub.add_parser("build", help="Construire l'entrepôt (data/sse.duckdb)")
    b.add_argument("--catalog", help="catalogue TOML (défaut : SSE_DASH_CATALOG ou officiel)")
    b.add_argument("--scope", type=_scope, help="périmètre SIRENE : dep:93 ou reg:11")
    b.add_argument("--synth-scale", help="taille du SIRENE synthétique (ex. test, small)")
    b.add_argument(
        "--employers-only", action="store_true", help="ne garder que les établissements employeurs"
    )
    b.set_defaults(func=run_build)

    s = data_sub.add_parser("status", help="Provenance de l'entrepôt et anomalies")
    s.set_defaults(func=run_status)

    sirene_cli.register(data_sub)


def _progress():
    """Downloads get a tqdm byte bar (sse_dash.fetch); build steps print one line each."""
    from sse_dash.fetch import tqdm_progress

    bar = tqdm_progress()
    last = {"label": None}

    def progress(label: str, done: float, total: float | None) -> None:
        if label.startswith("Téléchargement"):
            bar(label, done, total)
        elif label != last["label"]:
            last["label"] = label
            step = f"[{int(done) + 1}/{int(total)}] " if total and done < total else ""
            print(f"{step}{label}", flush=True)

    return progress


def run_build(args) -> int:
    from sse_dash import outputs
    from sse_dash.catalog import CatalogError, load_catalog
    from sse_dash.warehouse.build import BuildError, build

    try:
        catalog = load_catalog(config.catalog_path(args.catalog))
    except CatalogError as exc:
        raise UserError(str(exc)) from exc
    options = {
        "scope": args.scope,
        "synth_scale": args.synth_scale,
        "employers_only": bool(args.employers_only),
    }
    warehouse = config.warehouse_path()
    existed = warehouse.exists()
    start = time.perf_counter()
    try:
        path = build(catalog, config.data_dir(), progress=_progress(), options=options)
    except BuildError as exc:
        raise UserError(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - users get a message, developers SSE_DASH_DEBUG
        if os.environ.get("SSE_DASH_DEBUG"):
            raise
        if isinstance(exc, OSError):
            what = outputs.os_error_message(exc, getattr(exc, "filename", None) or warehouse)
        else:
            what = f"erreur {type(exc).__name__}"
        raise UserError(
            f"La construction a échoué ({what}). {outputs.warehouse_left(warehouse, existed)} "
            "Relancez avec SSE_DASH_DEBUG=1 pour le détail technique."
        ) from exc
    print(f"Entrepôt construit : {path} ({time.perf_counter() - start:.0f} s)")
    return 0


def run_status(args) -> int:
    from sse_dash import db
    from sse_dash.warehouse.status import status_lines

    path = config.warehouse_path()
    try:
        lines = status_lines(path)
    except db.WarehouseMissing as exc:
        raise UserError(
            f"Aucun entrepôt dans {path.parent} : lancez « python -m sse_dash data build »."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - a damaged file must not print a traceback
        raise UserError(f"Entrepôt illisible ({path}) : {exc}") from exc
    print("\n".join(lines))
    return 0
