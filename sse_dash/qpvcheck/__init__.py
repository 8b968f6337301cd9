"""« Adresse en QPV ? » — is an address (or a file of addresses) inside a priority neighbourhood?

reader: CSV/XLSX in memory → DataFrame; mapping: which columns hold what; geocoder: addresses →
coordinates (IGN Géoplateforme or none); engine: coordinates → QPV results (speed: benchmarks/qpv_check.py).
Addresses stay in memory: nothing here writes them to disk or logs."""


class InputError(ValueError):
    """Input the user can fix; the message is French and shown as is (page, CLI exit 2)."""
