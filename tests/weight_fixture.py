"""Small deterministic SIRENE stock (units, establishments, geolocation) in the official layout,
SSE and not, active and closed, with the awkward cases of the real files: an unknown commune,
no creation date, a closure dated before the creation, a creation in the future, a closed
establishment without date, an association without the ESS flag, a company with it. Used to
build agg_weight / agg_evolution for tests and for the page-test warehouse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sse_dash.sirene import pipeline, weight

LAST_YEAR = 2026
COMMUNES = ("93066", "93031", "93008", "75056", "31555")
# legal category, ESS flag, share of the rows
UNIT_KINDS = [
    ("5710", None, 0.55),  # SAS, not SSE
    ("1000", None, 0.25),  # entrepreneur individuel
    ("9220", "O", 0.08),  # association with the flag
    ("9220", None, 0.04),  # association without the flag: statutory perimeter only
    ("5710", "O", 0.04),  # SSE company (ESUS): INSEE flag only
    ("5458", "O", 0.04),  # SCOP
]
NAF = [
    "88.99B",
    "87.10A",
    "85.59A",
    "86.21Z",
    "90.01Z",
    "93.12Z",
    "64.19Z",
    "47.11F",
    "43.21A",
    "70.22Z",
    "56.10A",
    "94.99Z",
    "01.11Z",
]
BANDS = ["NN", "NN", "00", "01", "02", "03", "11", "12", "21", None]


def frames(seed: int = 7, per_commune: int = 90):
    """(units, establishments, geolocation) DataFrames in the SIRENE layout."""
    rng = np.random.default_rng(seed)
    units, ets, geo = [], [], []
    kinds = [k[:2] for k in UNIT_KINDS]
    weights = np.array([k[2] for k in UNIT_KINDS])
    n = 0
    for commune in (*COMMUNES, "99999"):
        count = per_commune if commune != "99999" else 3
        for _ in range(count):
            n += 1
            siren = f"{n:09d}"
            cat, flag = kinds[rng.choice(len(kinds), p=weights / weights.sum())]
            naf = NAF[rng.integers(len(NAF))]
            units.append(
                {
                    "siren": siren,
                    "categorieJuridiqueUniteLegale": cat,
                    "economieSocialeSolidaireUniteLegale": flag,
                    "activitePrincipaleUniteLegale": naf,
                    "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
                }
            )
            created = dt.date(int(rng.integers(1990, LAST_YEAR + 1)), int(rng.integers(1, 13)), 1)
            active = rng.random() < 0.7
            closed = None
            if not active:
                closed = created + dt.timedelta(days=int(rng.integers(0, 6000)))
                closed = min(closed, dt.date(LAST_YEAR, 11, 1))
            ets.append(
                {
                    "siret": f"{siren}00012",
                    "siren": siren,
                    "etatAdministratifEtablissement": "A" if active else "F",
                    "dateCreationEtablissement": created,
                    "dateDebut": created if active else closed,
                    "trancheEffectifsEtablissement": BANDS[rng.integers(len(BANDS))],
                    "codeCommuneEtablissement": commune,
                    "activitePrincipaleEtablissement": naf,
                    "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
                }
            )
            qpv = "QN09301M" if commune == "93066" and rng.random() < 0.3 else "HZ"
            geo.append({"siret": f"{siren}00012", "plg_qp24": qpv})
    ets = pd.DataFrame(ets)
    # awkward rows of the real files
    ets.loc[0, "dateCreationEtablissement"] = None  # no creation date, active
    ets.loc[1, ["etatAdministratifEtablissement", "dateDebut"]] = ["F", dt.date(1980, 1, 1)]
    ets.loc[2, ["etatAdministratifEtablissement", "dateDebut"]] = ["F", None]
    ets.loc[3, ["etatAdministratifEtablissement", "dateCreationEtablissement"]] = [
        "A",
        dt.date(LAST_YEAR + 1, 2, 1),
    ]
    ets.loc[4, ["etatAdministratifEtablissement", "dateCreationEtablissement", "dateDebut"]] = [
        "F",
        dt.date(LAST_YEAR, 2, 1),
        dt.date(LAST_YEAR, 6, 1),
    ]
    for col in ("dateCreationEtablissement", "dateDebut"):
        ets[col] = pd.to_datetime(ets[col]).dt.date
    return pd.DataFrame(units), ets, pd.DataFrame(geo)


def write_files(folder: Path, seed: int = 7) -> pipeline.Sources:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in zip(("units", "ets", "geo"), frames(seed), strict=True):
        path = folder / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        paths.append(str(path))
    return pipeline.Sources(*paths)


def add_weight_tables(con, folder: Path, seed: int = 7) -> pipeline.Sources:
    """agg_weight, agg_evolution, ref_sector_groups in `con` (which has communes,
    commune_aliases and ref_size_bands) from the fixture files."""
    sources = write_files(folder, seed)
    weight.build(con, sources, scope=None, france_code="FR", last_year=LAST_YEAR)
    return sources
