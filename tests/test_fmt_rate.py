"""A small rate never reads « 0,0 » (Territoire KPI, reference table, Comparer)."""

from __future__ import annotations

from app_support import run_page

from sse_dash import fmt
from sse_dash.dashboard import compare
from sse_dash.ui import pages


def test_small_rates_keep_their_digits():
    assert fmt.rate(0.034, 1, "fr") == "0,03"
    assert fmt.rate(0.0004, 1, "fr") == "< 0,01"
    assert fmt.rate(0.0004, 1, "en") == "< 0.01"
    assert fmt.rate(0, 1, "fr") == "0,0"
    assert fmt.rate(2.27, 1, "fr") == "2,3"
    assert fmt.rate(None) == fmt.MISSING
    assert compare.value_text(0.034, False, 1) == "0,03"


def test_territory_kpi_with_a_narrow_filter_is_not_zero(ui_app_env):
    at = run_page(pages.script("territory"), territoire="reg:11", taille="50-249")
    values = {m.label: m.value for m in at.metric}
    count = int(values["Établissements ESS"].replace("\u202f", ""))
    assert 0 < count < 100
    assert values["Pour 10 000 habitants"] not in ("0,0", "0")
