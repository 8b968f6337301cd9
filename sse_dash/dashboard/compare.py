"""« Comparer »: the same indicators for 2–4 territories and a reference (parent or France),
with the ratio to the reference and the rank among the compared territories."""

from __future__ import annotations

import pandas as pd

from sse_dash import fmt, i18n

MAX_TERRITORIES = 4
# column, French label, is a percentage, decimals
INDICATORS = (
    ("establishments", "Établissements ESS", False, 0),
    ("per10k", "Établissements ESS pour 10 000 habitants", False, 1),
    ("employer_establishments", "Établissements employeurs", False, 0),
    ("share_employer", "Part d'établissements employeurs", True, 1),
    ("employees_est", "Emplois estimés", False, 0),
    ("jobs_per1k", "Emplois estimés pour 1 000 habitants", False, 1),
    ("share_in_qpv", "Part des établissements en QPV", True, 1),
    ("share_near_qpv", "Part en QPV ou à moins de 300 m", True, 1),
    ("qpv_uncertain", "Établissements à localisation imprécise (QPV incertain)", False, 0),
    ("qpv", "Nombre de QPV 2024", False, 0),
)


def table(totals: pd.DataFrame, reference_key: str, lang: str = "fr") -> pd.DataFrame:
    """Long table: one row per (territory, indicator) with value, ratio to the reference
    (reference = 100) and rank among the compared territories (1 = highest)."""
    rows = []
    ref_mark = i18n.t(" (référence)", lang)
    ref = totals[totals["key"] == reference_key]
    compared = totals[totals["key"] != reference_key]
    for col, label, percent, decimals in INDICATORS:
        ref_value = ref.iloc[0][col] if not ref.empty else None
        ranks = compared[col].rank(ascending=False, method="min")
        for index, row in totals.iterrows():
            is_ref = row["key"] == reference_key
            value = row[col]
            ratio = (
                value / ref_value * 100
                if ref_value not in (None, 0) and pd.notna(ref_value) and pd.notna(value)
                else None
            )
            rank = None if is_ref else ranks.get(index)
            rows.append(
                {
                    "indicator": col,
                    "indicator_label": i18n.t(label, lang),
                    "territory": row["name"] + (ref_mark if is_ref else ""),
                    "key": row["key"],
                    "reference": is_ref,
                    "value": value,
                    "ratio": ratio,
                    "rank": rank,
                    "percent": percent,
                    "decimals": decimals,
                }
            )
    return pd.DataFrame(rows)


def display(long: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Wide table for the screen: indicators in rows, territories in columns (formatted)."""
    out = {}
    for _key, part in long.groupby("key", sort=False):
        name = part["territory"].iloc[0]
        cells = []
        for _, r in part.iterrows():
            value = (
                fmt.percent(r["value"], r["decimals"], lang)
                if r["percent"]
                else fmt.number(r["value"], r["decimals"], lang)
            )
            extra = []
            if not r["reference"] and pd.notna(r["ratio"]):
                extra.append(i18n.tf("indice {n}", lang, n=fmt.number(r["ratio"], 0, lang)))
            if not r["reference"] and pd.notna(r["rank"]):
                extra.append(i18n.tf("rang {n}", lang, n=int(r["rank"])))
            cells.append(value + (f" ({', '.join(extra)})" if extra else ""))
        out[name] = cells
    first = long[long["key"] == long["key"].iloc[0]]
    frame = pd.DataFrame(out)
    frame.insert(0, i18n.t("Indicateur", lang), first["indicator_label"].tolist())
    return frame
