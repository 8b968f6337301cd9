"""`python -m sse_dash data synth`: write a synthetic SIRENE (three official-schema parquet
files) placed on the geography of an existing warehouse; `--layout officiel` writes them under
the official file names, one sub-folder per dataset id, as a mirror folder (SSE_DASH_MIRROR)
holds them for `catalogs/official.toml`."""

from __future__ import annotations

import time
from pathlib import Path

from sse_dash import config
from sse_dash.errors import UserError
from sse_dash.sirene.scales import LAYOUTS, SCALES


def register(data_subparsers) -> None:
    p = data_subparsers.add_parser(
        "synth", help="Générer un SIRENE synthétique (données fictives) aux formats INSEE"
    )
    p.add_argument("--out", required=True, help="dossier de sortie des trois fichiers parquet")
    p.add_argument("--scale", default="dev", choices=list(SCALES), help="taille (défaut : dev)")
    p.add_argument("--seed", type=int, default=0, help="graine (même graine = mêmes fichiers)")
    p.add_argument("--scope", default=None, help="périmètre : dep:93 ou reg:11")
    p.add_argument(
        "--layout",
        default="simple",
        choices=list(LAYOUTS),
        help="simple (trois fichiers) ou officiel (noms et dossiers d'un miroir du catalogue "
        "officiel)",
    )
    p.add_argument(
        "--warehouse", default=None, help="entrepôt fournissant la géographie (défaut : data/)"
    )
    p.set_defaults(func=run_synth)


def run_synth(args) -> int:
    from sse_dash import db
    from sse_dash.sirene import synth

    path = Path(args.warehouse) if args.warehouse else config.warehouse_path()
    try:
        con = db.open_warehouse(path)
    except db.WarehouseMissing as exc:
        raise UserError(
            f"Entrepôt introuvable ({path}) : la géographie est nécessaire pour placer les "
            "établissements. Lancez d'abord « python -m sse_dash data build »."
        ) from exc
    start = time.perf_counter()
    try:
        info = synth.generate(
            args.out, con, scale=args.scale, seed=args.seed, scope=args.scope, layout=args.layout
        )
    except synth.SynthError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"Écriture impossible dans {args.out} : {exc}") from exc
    finally:
        con.close()
    for role, name in info["files"].items():
        print(f"{name} : {info['rows'][role]:,} lignes".replace(",", "\u202f"))
    if args.layout == "officiel":
        print(f"Dossier miroir (SSE_DASH_MIRROR={args.out}) pour catalogs/official.toml")
    print(f"SIRENE synthétique (données fictives) écrit en {time.perf_counter() - start:.1f} s")
    return 0
