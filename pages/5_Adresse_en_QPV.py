"""« Adresse en QPV ? » — is an address, a point or a file of addresses in a priority
neighbourhood? All the logic lives in sse_dash.qpvcheck and sse_dash.ui.address_check."""

import sse_dash.ui.boot  # noqa: F401  (first: see its docstring)

# isort: split
from sse_dash.ui import address_check
from sse_dash.ui.page import page_setup

ctx = page_setup("Adresse en QPV ?", territory_selector=False)
address_check.render(ctx)
