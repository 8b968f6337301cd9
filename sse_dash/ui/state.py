"""Every st.session_state and st.query_params key of the app, in one place, so that two pages
never use the same name for different things (and so that a view can be rebuilt from its URL)."""

from __future__ import annotations

# ---------------------------------------------------------------- query parameters (URL)
QP_LANG = "lang"  # fr | en
QP_TERRITORY = "territoire"  # fr, reg:11, dep:93, epci:200054781, com:93066
QP_QPV = "qpv"  # QPV code, e.g. QN09301M
QP_INDICATOR = "indicateur"  # count | per10k | share_qpv
QP_MAP_LEVEL = "maille"  # region | departement | commune
QP_MAP_ZONE = "zone"  # part of France the national map shows: metropole | antilles | …
QP_FAMILY = "famille"  # ref_families.code
QP_SECTOR = "secteur"  # NAF section letter
QP_SIZE = "taille"  # size_class
QP_QPV_FILTER = "qpv_filtre"  # all | in | near
QP_EMPLOYER = "employeur"  # 1 = employer establishments only
QP_LAYERS = "couches"  # comma-separated layer ids (ets, qpv, tl, ptce, adr)
QP_COMPARE = "comparer"  # comma-separated territory keys
QP_REFERENCE = "reference"  # parent | france
QP_DISTANCE = "distance"  # metres for the proximity questions
QP_QUESTION = "question"  # proximity question id
QP_GEOGRAPHY = "geographie"  # 2024 | 2015
QP_PERIMETER = "perimetre"  # insee | statut (perimeter of the SSE in the weight indicators)
QP_WEIGHT_MEASURE = "mesure"  # etablissements | employeurs | emplois_estimes

# ---------------------------------------------------------------- session state
SESSION_LANG = "sse_lang"
SESSION_TERRITORY = "sse_territory"  # territory key ("dep:93"), source of truth across pages
SESSION_URL_TERRITORY = "sse_url_territory"  # last URL value applied (detects a typed URL)
SESSION_POINT_LAYER = "sse_point_layer"  # DataFrame lon, lat, tooltip from « Adresse en QPV ? »

# Widget keys (prefixed w_ so they never collide with the values above).
W_LANG = "w_lang"
W_LEVEL = "w_level"
W_TERRITORY = "w_territory"
W_SEARCH = "w_search"

# « Adresse en QPV ? » (pages/5_Adresse_en_QPV.py, sse_dash/ui/address_check.py)
SESSION_QC_SINGLE = "sse_qc_single"  # last SingleResult
SESSION_QC_CLICK = "sse_qc_click"  # last map click handled (lat, lon)
SESSION_QC_TABLE = "sse_qc_table"  # (file id, reader.Table) of the uploaded file
SESSION_QC_JOB = "sse_qc_job"  # running / finished batch job
W_QC_TEXT = "w_qc_text"
W_QC_GEOCODER = "w_qc_geocoder"
W_QC_FILE = "w_qc_file"
W_QC_MODE = "w_qc_mode"
W_QC_COLUMN = "w_qc_col_"  # + role (address, number, street, postcode, city, lon, lat, x, y)
