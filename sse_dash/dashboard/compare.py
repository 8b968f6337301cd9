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


def decimals_for(value, decimals: int) -> int:
    """Decimals shown for a value: one more than the indicator's where the value is small
    (2,27 and 2,61 establishments per 10 000 inhabitants must not both read « 2 »)."""
    if value is None or pd.isna(value) or float(value).is_integer():
        return decimals  # a count stays a whole number
    return max(decimals, 1) if abs(float(value)) < 10 else decimals


def table(totals: pd.DataFrame, references: str | dict[str, str], lang: str = "fr") -> pd.DataFrame:
    """Long table: one row per (territory, indicator) with value, ratio to the territory's own
    reference (reference = 100) and rank among the compared territories (1 = highest).
    `references` is one reference key for every territory, or {territory key: its reference
    key} (each territory against its own parent); every reference is a row of `totals`."""
    keys = list(totals["key"])
    reference_keys = set(references.values()) if isinstance(references, dict) else {references}
    own = (
        dict(references)
        if isinstance(references, dict)
        else {k: references for k in keys if k != references}
    )
    rows = []
    ref_mark = i18n.t(" (référence)", lang)
    compared = totals[~totals["key"].isin(reference_keys)]
    by_key = totals.drop_duplicates("key").set_index("key")
    for col, label, percent, decimals in INDICATORS:
        ranks = compared[col].rank(ascending=False, method="min")
        for index, row in totals.iterrows():
            is_ref = row["key"] in reference_keys and row["key"] not in own
            value = row[col]
            ref_key = None if is_ref else own.get(row["key"])
            ref_value = by_key.loc[ref_key, col] if ref_key in by_key.index else None
            ratio = (
                value / ref_value * 100
                if ref_value is not None
                and pd.notna(ref_value)
                and ref_value != 0
                and pd.notna(value)
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
                    "reference_key": ref_key,
                    "reference_name": by_key.loc[ref_key, "name"]
                    if ref_key in by_key.index
                    else None,
                    "reference_value": ref_value,
                    "value": value,
                    "ratio": ratio,
                    "rank": rank,
                    "percent": percent,
                    "decimals": decimals,
                }
            )
    return pd.DataFrame(rows)


def value_text(value, percent: bool, decimals: int, lang: str = "fr") -> str:
    """A value as shown in the table and on the bars."""
    shown = decimals_for(value, decimals)
    return fmt.percent(value, shown, lang) if percent else fmt.rate(value, shown, lang)


def display(long: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Wide table for the screen: indicators in rows, territories in columns (formatted)."""
    out = {}
    for _key, part in long.groupby("key", sort=False):
        name = part["territory"].iloc[0]
        cells = []
        for _, r in part.iterrows():
            value = value_text(r["value"], r["percent"], r["decimals"], lang)
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
