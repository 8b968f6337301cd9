"""How precise a location is: the radius, in metres, within which the true address lies.

The QPV answer (sse_dash.qpv_index.answers) is « incertain » when that radius reaches the nearest
QPV contour; the same for « à moins de 300 m ». Coordinates typed or uploaded by the user, and a
click on the map, are taken as exact (radius 0).

A geocoded address (IGN Géoplateforme, index `address`, i.e. the BAN) gets a radius from its
result `type` and `score`:

| type (BAN)     | what the point is (API documentation)                           | radius            |
|----------------|------------------------------------------------------------------|-------------------|
| `housenumber`  | numéro « à la plaque »                                           | 50 m              |
| `street`       | position « à la voie », placée approximativement au centre de celle-ci | 500 m       |
| `locality`     | lieu-dit                                                         | 500 m             |
| `municipality` | numéro « à la commune »                                          | the commune: farthest point of its contour from the result |
| score < 0.8    | the matched number or street may not be the one asked           | next type down (`housenumber` → `street` → `municipality`; `municipality` → unknown, always « incertain ») |

Sources, checked for this table:
- API Adresse documentation (adresse.data.gouv.fr/api-doc/adresse, taken over unchanged by the
  Géoplateforme: geoservices.ign.fr/documentation/services/services-geoplateforme/geocodage):
  the four `type` values as quoted above, and `score`, « valeur de 0 à 1 indiquant la pertinence
  du résultat » — a text match, not a distance, hence a step down rather than a number of metres.
- BAN, Guide des bonnes pratiques de l'adressage, « Gestion des positions »: the position of one
  number varies with its kind (entrée, délivrance postale, bâtiment, cage d'escalier, logement,
  parcelle, segment — « position dérivée du segment de la voie »), and « les positions peuvent
  varier de plusieurs dizaines de mètres ». 50 m covers those few tens of metres.
- Neither source gives a length for `street` or `locality`: the point is near the middle of the
  street (or of the hamlet), so the error is up to half its length. 500 m is our convention —
  half of a 1 km street, longer than most urban streets — and says so wherever it shows.
- The 0.8 score threshold is the one the page already warns at (« score de géocodage faible »).
"""

from __future__ import annotations

import numpy as np

EXACT = "coordonnées"
RADIUS_M = {"housenumber": 50.0, "street": 500.0, "locality": 500.0}
LOW_SCORE = 0.8
_COARSER = {"housenumber": "street", "street": "municipality", "locality": "municipality"}
# precision levels as written in the output's `precision_localisation` column (French)
LABELS = {
    EXACT: "coordonnées",
    "housenumber": "numéro",
    "street": "voie",
    "locality": "lieu-dit",
    "municipality": "commune",
    None: "inconnue",
}
LOW_SUFFIX = " (score faible)"


def levels(kind, score) -> tuple[np.ndarray, np.ndarray]:
    """(effective level, demoted) per geocoded row: the result type, one step down when the
    score is below LOW_SCORE (None: no usable level)."""
    kind = np.asarray(kind, dtype=object)
    score = np.asarray(score, dtype="float64")
    with np.errstate(invalid="ignore"):
        low = score < LOW_SCORE
    level = kind.copy()
    for i in np.flatnonzero(low):
        level[i] = _COARSER.get(kind[i])
    unknown = ~np.isin(level, list(LABELS)) | (level == EXACT)
    level[unknown] = None
    return level, low


def radii(level: np.ndarray, commune_extent) -> np.ndarray:
    """Radius in metres per row: the table above; `commune_extent(rows)` gives the commune's
    radius for the `municipality` rows (inf where the commune's contour is unknown)."""
    out = np.full(level.size, np.inf)
    for kind, r in RADIUS_M.items():
        out[level == kind] = r
    commune = np.flatnonzero(level == "municipality")
    if commune.size:
        out[commune] = commune_extent(commune)
    return out


def label(level, demoted: bool) -> str:
    return LABELS.get(level, LABELS[None]) + (LOW_SUFFIX if demoted else "")
