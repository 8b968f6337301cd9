"""Imported first by every page: the modules the pages need, imported once under this
module's import lock.

Streamlit runs each session's script in its own thread. When several sessions open at once
on a fresh server (a replica just started, a refresh), their first runs import pandas, Plotly,
DuckDB… concurrently, and Python's per-module import locks can then hand a thread a partially
initialised module (« ImportError: cannot import name … (most likely due to a circular
import) »). A thread importing this module holds its lock until everything below is loaded;
the others wait for it, then find every module complete."""

import numpy  # noqa: F401
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import pyarrow  # noqa: F401

import sse_dash.charts  # noqa: F401
import sse_dash.dashboard.compare  # noqa: F401
import sse_dash.dashboard.indicators  # noqa: F401
import sse_dash.dashboard.layers  # noqa: F401
import sse_dash.dashboard.mapviews  # noqa: F401
import sse_dash.dashboard.points  # noqa: F401
import sse_dash.dashboard.proximity  # noqa: F401
import sse_dash.dashboard.qpv  # noqa: F401
import sse_dash.dashboard.sources  # noqa: F401
import sse_dash.dashboard.sse  # noqa: F401
import sse_dash.dashboard.territory  # noqa: F401
import sse_dash.dashboard.warehouse  # noqa: F401
import sse_dash.fmt  # noqa: F401
import sse_dash.i18n  # noqa: F401
import sse_dash.params  # noqa: F401
import sse_dash.style  # noqa: F401
import sse_dash.ui.address_check  # noqa: F401
import sse_dash.ui.cache  # noqa: F401
import sse_dash.ui.data_admin  # noqa: F401
import sse_dash.ui.downloads  # noqa: F401
import sse_dash.ui.folium  # noqa: F401
import sse_dash.ui.home  # noqa: F401
import sse_dash.ui.markdown  # noqa: F401
import sse_dash.ui.page  # noqa: F401
import sse_dash.ui.state  # noqa: F401
import sse_dash.ui.weight  # noqa: F401
import sse_dash.ui.widgets  # noqa: F401
