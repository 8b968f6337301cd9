"""Third places and PTCE after they are read: their QPV 2024 status (the rules of the
establishments, sse_dash.sirene.location: a point at the commune centre or no point at all is
« incertain », never « oui » or « non »), and the places listed by several sources (the France
Tiers-Lieux census and the ANCT layers of Fabriques de territoire and Manufactures de
proximité name many of the same places)."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from sse_dash import queries
from sse_dash.qpv_index import QpvIndex
from sse_dash.sirene import location

POINT_TABLES = ("third_places", "ptce")
# Words that say what a place is rather than which one it is.
STOP_WORDS = frozenset(
    "le la les l de du des d et a au aux en sur un une tiers lieu lieux tierslieu tierslieux "
    "fabrique fabriques territoire territoires manufacture manufactures proximite association "
    "asso collectif espace maison".split()
)
# Which row of a group of duplicates is kept: the most precise location, then this order of
# kinds (the census describes the place, the ANCT layers its label).
PRECISION_RANK = {"adresse": 0, "commune": 1, "departement": 2, "aucune": 3}


def locate_qpv(con, table: str) -> None:
    """qpv24, qpv24_nearest, qpv24_distance_m and the two statuses of every point of `table`
    (third_places or ptce), with the engine of the establishments."""
    ident = queries.ident(table, POINT_TABLES)
    frame = queries.df(con, "wh_points_xy", identifiers={"table": ident})
    if frame.empty:
        return
    frame = frame.reset_index(drop=True)
    lon = frame["lon"].to_numpy(dtype="float64", na_value=np.nan)
    lat = frame["lat"].to_numpy(dtype="float64", na_value=np.nan)
    found = QpvIndex.from_warehouse(con, "2024").assign(lon, lat)
    precision = np.where(
        np.isnan(lon), location.NONE, frame["location_precision"].fillna(location.NONE)
    ).astype(object)
    unsure = location.is_uncertain(precision)
    status = location.qpv_status(precision, found.inside != None)  # noqa: E711
    near = location.near_status(precision, found.distance_m)
    out = pd.DataFrame(
        {
            "rid": frame["rid"].to_numpy(),
            "qpv24": np.where(unsure, None, found.inside),
            "qpv24_nearest": np.where(unsure, None, found.nearest),
            "qpv24_distance_m": np.where(unsure, np.nan, found.distance_m),
            "qpv24_status": status,
            "near_qpv300_status": near,
        }
    )
    cur = con.cursor()
    try:
        cur.register("points_qpv", out)
        cur.execute(queries.render("wh_points_set_qpv", {"table": ident}))
        cur.unregister("points_qpv")
    finally:
        cur.close()


def name_tokens(name: str | None) -> frozenset[str]:
    """Distinctive words of a place name: lower case, accents and punctuation removed, words
    such as « tiers-lieu », « fabrique », « le » left out."""
    plain = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    plain = plain.replace("tiers-lieux", "tierslieux").replace("tiers-lieu", "tierslieu")
    words = re.split(r"[^a-z0-9]+", plain)
    return frozenset(w for w in words if w and w not in STOP_WORDS)


def same_place(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two names of one commune name the same place: same distinctive words, or all the words of
    one are in the other, or most words are shared (Jaccard ≥ 0.6)."""
    if not a or not b:
        return False
    if a <= b or b <= a:
        return True
    return len(a & b) / len(a | b) >= 0.6


def find_duplicates(frame: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """Rows of `frame` (rid, id, name, commune_code, dataset_id, location_precision) naming the
    same place as a row of another source in the same commune: `also_in` (the other sources'
    titles, « ; »-separated) and `duplicate_of` (id of the row kept, NULL for that row)."""
    out = []
    frame = frame[frame["commune_code"].notna()].copy()
    frame["tokens"] = [name_tokens(n) for n in frame["name"]]
    frame["rank"] = [PRECISION_RANK.get(p, 9) for p in frame["location_precision"]]
    for _, group in frame.groupby("commune_code"):
        if group["dataset_id"].nunique() < 2:
            continue
        rows = group.sort_values(["rank", "dataset_id", "id"]).to_dict("records")
        seen: list[list[dict]] = []
        for row in rows:
            for members in seen:
                if any(
                    m["dataset_id"] != row["dataset_id"] and same_place(m["tokens"], row["tokens"])
                    for m in members
                ):
                    members.append(row)
                    break
            else:
                seen.append([row])
        for members in seen:
            sources = {m["dataset_id"] for m in members}
            if len(sources) < 2:
                continue
            keep = members[0]
            for m in members:
                others = sorted(titles.get(d, d) for d in sources - {m["dataset_id"]})
                out.append(
                    {
                        "rid": m["rid"],
                        "also_in": " ; ".join(others),
                        "duplicate_of": None if m is keep else keep["id"],
                    }
                )
    return pd.DataFrame(out, columns=["rid", "also_in", "duplicate_of"])


def mark_duplicates(con, titles: dict[str, str]) -> int:
    """Fill third_places.also_in / duplicate_of; returns the number of rows marked."""
    frame = queries.df(con, "wh_third_places_names")
    dups = find_duplicates(frame, titles) if not frame.empty else pd.DataFrame()
    if dups.empty:
        return 0
    cur = con.cursor()
    try:
        cur.register("third_places_dups", dups)
        cur.execute(queries.load("wh_third_places_set_duplicates"))
        cur.unregister("third_places_dups")
    finally:
        cur.close()
    return len(dups)
