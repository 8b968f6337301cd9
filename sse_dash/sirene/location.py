"""How precisely an establishment (or a third place, a PTCE) is located, and what may be claimed
from that location: « oui », « non » or « incertain » for « in a QPV 2024 » and « within 300 m of
a QPV 2024 ».

INSEE's geolocation file says how each point was placed in `qualite_xy` (documentation of
« Géolocalisation des établissements du répertoire Sirene pour les études statistiques »; the
same two-digit code as the BPE): 11 / 21 the address number was found, 12 / 22 the street was
found and the point put along it, 33 neither: a random point inside the commune (≈ 5 % of the
file, INSEE advises against using it for zoning). A random point in the commune, no point at all
(no geolocation row and « [ND] » or missing Lambert coordinates in the stock), a commune
centroid or a département are not precise enough to place anything inside or outside a QPV:
the answer is then « incertain », never « oui » or « non », and the counts « in / near a QPV »
leave these rows out (they are counted apart)."""

from __future__ import annotations

import numpy as np

YES, NO, UNSURE = "oui", "non", "incertain"
STATUSES = (YES, NO, UNSURE)
NEAR_RADIUS_M = 300.0

# Precision codes (warehouse `location_precision`, export `precision_localisation`).
ADDRESS, STREET, COMMUNE, DEPARTEMENT, UNQUALIFIED, NONE = (
    "adresse",
    "voie",
    "commune",
    "departement",
    "non_qualifiee",
    "aucune",
)
PRECISIONS = (ADDRESS, STREET, COMMUNE, DEPARTEMENT, UNQUALIFIED, NONE)
PRECISION_LABELS = {
    ADDRESS: "à l'adresse",
    STREET: "dans la voie",
    COMMUNE: "dans la commune (point approximatif)",
    DEPARTEMENT: "département seulement",
    UNQUALIFIED: "coordonnées sans indication de précision",
    NONE: "non localisé",
}
QUALITE_XY_PRECISION = {"11": ADDRESS, "21": ADDRESS, "12": STREET, "22": STREET, "33": COMMUNE}
# Too coarse to say whether a point is inside or outside a QPV.
UNCERTAIN = frozenset({COMMUNE, DEPARTEMENT, NONE})


def precision_of(qualite_xy, has_xy) -> np.ndarray:
    """Precision code per establishment from INSEE's `qualite_xy` (None when there is no
    geolocation row) and whether coordinates were found (geolocation file or stock). A known
    quality code wins, whatever the source of the coordinates; coordinates without a known
    code are `non_qualifiee`; no coordinates at all are `aucune`."""
    q = np.asarray(qualite_xy, dtype=object)
    has = np.asarray(has_xy, dtype=bool)
    out = np.where(has, UNQUALIFIED, NONE).astype(object)
    for code, precision in QUALITE_XY_PRECISION.items():
        hit = q == code
        out[hit & has] = precision
        if precision == COMMUNE:
            out[hit] = COMMUNE  # a random point in the commune, even when no x/y came with it
    return out


def is_uncertain(precision) -> np.ndarray:
    p = np.asarray(precision, dtype=object)
    return np.isin(p, list(UNCERTAIN))


def qpv_status(precision, inside) -> np.ndarray:
    """« oui » / « non » for a precise point inside / outside every QPV, else « incertain »."""
    unsure = is_uncertain(precision)
    inside = np.asarray(inside, dtype=bool)
    return np.where(unsure, UNSURE, np.where(inside, YES, NO)).astype(object)


def near_status(precision, distance_m, radius_m: float = NEAR_RADIUS_M) -> np.ndarray:
    """Within `radius_m` of a QPV (inside included): « oui » / « non » for a precise point
    (no QPV in its territory = « non »), else « incertain »."""
    unsure = is_uncertain(precision)
    d = np.asarray(distance_m, dtype="float64")
    near = ~np.isnan(d) & (d <= radius_m)
    return np.where(unsure, UNSURE, np.where(near, YES, NO)).astype(object)
