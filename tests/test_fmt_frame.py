"""Displayed tables speak the page's language: separators, decimal comma, %, « — »."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from app_support import run_page

from sse_dash import fmt
from sse_dash.ui import pages

NNBSP = "\u202f"


def test_frame_in_french_and_english():
    df = pd.DataFrame(
        {
            "Nom": ["Franc-Moisin", None],
            "Population": [679344, 12],
            "Taux de pauvreté (%)": [12.3092, None],
            "Indice": [2.44, 1.0],
            "Latitude": [48.936212345, 48.9],
            "Part": [0.123, 0.5],
        }
    )
    fr = fmt.frame(df, "fr")
    assert fr["Nom"].tolist() == ["Franc-Moisin", "—"]
    assert fr["Population"].tolist() == [f"679{NNBSP}344", "12"]
    assert fr["Taux de pauvreté (%)"].tolist() == [f"12,3{NNBSP}%", "—"]
    assert fr["Indice"].tolist() == ["2,4", "1,0"]
    assert fr["Latitude"].tolist() == ["48,93621", "48,90000"]
    assert fr["Part"].tolist() == ["0,12", "0,50"]
    en = fmt.frame(df, "en")
    assert en["Population"].tolist()[0] == "679,344"
    assert en["Indice"].tolist()[0] == "2.4"
    assert list(df["Population"]) == [679344, 12]  # the raw table is untouched


def test_qpv_table_on_the_page_is_formatted(ui_app_env):
    at = run_page(pages.script("qpv"), territoire="dep:93")
    table = at.dataframe[0].value
    text = table.to_string()
    assert "None" not in text and "nan" not in text
    populations = [v for v in table["Population"] if v != "—"]
    assert populations and all("." not in v for v in populations)


def test_selectboxes_have_a_french_placeholder(ui_app_env):
    at = run_page(pages.script("compare"), territoire="dep:93")
    assert at.multiselect(key="cmp_territories").proto.placeholder == "Choisir…"


def test_source_caption_in_the_page_language(ui_app_env):
    at = run_page(pages.script("territory"), territoire="dep:93", lang="en")
    captions = [c.value for c in at.caption if c.value.startswith("Source")]
    assert captions and all("synthétique" not in c for c in captions)
    assert captions[0].startswith("Source: synthetic SIRENE (fictitious)")
    at = run_page(pages.script("territory"), territoire="dep:93")
    captions = [c.value for c in at.caption if c.value.startswith("Source")]
    assert captions[0].startswith("Source : SIRENE synthétique (fictif), novembre 2026")


def test_establishment_table_names_the_communes(ui_app_env):
    at = run_page(pages.script("territory"), territoire="dep:93")
    table = next(d.value for d in at.dataframe if "SIRET" in d.value.columns)
    assert "Saint-Denis (93066)" in set(table["Commune"])


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_a_column_at_once_reads_as_each_value(lang, decimals):
    """fmt.numbers (tables) gives exactly fmt.number's text for every value."""
    rng = np.random.default_rng(decimals)
    values = np.concatenate(
        [
            rng.normal(0, 1e6, 500),
            rng.uniform(-1, 1, 200),
            [0.0, -0.0, -0.004, 0.005, 2.675, 1234.5, -1234.5, 1e15, np.nan, np.inf, -np.inf],
        ]
    )
    got = fmt.numbers(values, decimals, lang)
    assert got == [fmt.number(v, decimals, lang) for v in values]


def test_text_cells_blank_or_missing_read_as_a_dash():
    df = pd.DataFrame({"t": ["a", " ", "", None, np.nan, pd.NA, ["x"], 3, "  b "]}, dtype=object)
    assert fmt.frame(df, "fr")["t"].tolist() == ["a", "—", "—", "—", "—", "—", ["x"], 3, "  b "]
