"""Streamlit glue of « Adresse en QPV ? »: single check (text, coordinates, map click) and batch
check (upload, preview, column mapping, progress + cancel, summary, downloads, map). The work is
done by sse_dash.qpvcheck; this module only shows it. Uploaded files stay in memory."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from sse_dash import config, fmt, i18n
from sse_dash.export.tables import to_csv_bytes, to_xlsx_bytes
from sse_dash.qpvcheck import InputError, engine, reader, say
from sse_dash.qpvcheck import mapping as mp
from sse_dash.qpvcheck import maps as qmaps
from sse_dash.qpvcheck import precision as pr
from sse_dash.qpvcheck.geocoder import make_geocoder
from sse_dash.ui import state as S
from sse_dash.ui.folium import show_map
from sse_dash.ui.markdown import md, md_frame

log = logging.getLogger(__name__)

GEOCODERS = {
    "ban": "Géoplateforme IGN (service en ligne, adresses envoyées à l'IGN)",
    "none": "Aucun (coordonnées uniquement)",
}
ROLE_LABELS = {
    "address": "Adresse complète",
    "number": "Numéro",
    "street": "Voie",
    "postcode": "Code postal",
    "city": "Commune",
    "lon": "Longitude",
    "lat": "Latitude",
    "x": "X (Lambert-93)",
    "y": "Y (Lambert-93)",
}
MODE_ROLES = {
    "address": ("address", "postcode", "city"),
    "parts": ("number", "street", "postcode", "city"),
    "lonlat": ("lon", "lat"),
    "xy": ("x", "y"),
}
OPTIONAL = {"postcode", "city", "number"}
NONE_CHOICE = "— aucune —"
XLSX_DIRECT_ROWS = 20_000


def _t(ctx):
    """The page's translator (French texts of this module looked up in the catalogues)."""
    lang = getattr(ctx, "lang", "fr")
    return lambda text: i18n.t(text, lang)


def reference(lang: str = "fr") -> engine.Reference | None:
    try:
        with st.spinner(i18n.t("Chargement des contours des QPV…", lang)):
            return engine.get_reference(config.warehouse_path())
    except InputError as exc:
        st.error(exc.text(lang))
        return None


def render(ctx) -> None:
    t = _t(ctx)
    st.caption(
        t(
            "Indique si une adresse (ou chaque ligne d'un fichier) se trouve dans un quartier "
            "prioritaire de la politique de la ville (géographie 2024), à quelle distance du QPV "
            "le plus proche, et le statut dans la géographie 2015 lorsqu'elle est chargée. "
            "L'appartenance est calculée sur le contour du quartier, jamais sur le code commune."
        )
    )
    ref = reference(getattr(ctx, "lang", "fr"))
    if ref is None:
        return
    single_tab, batch_tab = st.tabs([t("Une adresse"), t("Un fichier d'adresses")])
    with single_tab:
        single(ctx, ref)
    with batch_tab:
        batch(ctx, ref)


# ------------------------------------------------------------------------ single check
def single(ctx, ref: engine.Reference) -> None:
    t = _t(ctx)
    lang = getattr(ctx, "lang", "fr")
    geocoder = st.radio(
        t("Géocodeur"),
        list(GEOCODERS),
        format_func=lambda code: t(GEOCODERS[code]),
        key=S.W_QC_GEOCODER + "_1",
        horizontal=True,
    )
    with st.form("qc_single_form", border=False):
        text = st.text_input(
            t("Adresse ou coordonnées"),
            key=S.W_QC_TEXT,
            max_chars=200,
            placeholder=t("ex. : 12 rue de la République 93200 Saint-Denis — ou 2,3601 ; 48,9362"),
            help=t(
                "Coordonnées : longitude puis latitude en degrés (WGS84), ou X puis Y en mètres "
                "(Lambert-93). L'ordre inversé est détecté."
            ),
        )
        submitted = st.form_submit_button(t("Vérifier"), type="primary")
    if submitted:
        try:
            result = engine.check_text(ref, text, make_geocoder(geocoder))
        except InputError as exc:
            st.session_state.pop(S.SESSION_QC_SINGLE, None)
            st.error(exc.text(lang))
        except Exception as exc:
            log_failure("single check failed", exc)
            st.session_state.pop(S.SESSION_QC_SINGLE, None)
            st.error(t("Vérification impossible pour le moment. Réessayez avec des coordonnées."))
        else:
            st.session_state[S.SESSION_QC_SINGLE] = result
    result = st.session_state.get(S.SESSION_QC_SINGLE)
    left, right = st.columns([2, 3])
    with right:
        st.caption(t("Cliquez sur la carte pour vérifier un point."))
        out = show_map(
            qmaps.single_map(ctx.con, result, lang),
            key="qc_single_map",
            height=460,
            returned_objects=["last_clicked"],
        )
        clicked = (out or {}).get("last_clicked") if isinstance(out, dict) else None
        if clicked and st.session_state.get(S.SESSION_QC_CLICK) != clicked:
            st.session_state[S.SESSION_QC_CLICK] = clicked
            try:
                new = engine.check_coordinates(ref, clicked["lng"], clicked["lat"], "clic")
            except (InputError, KeyError, TypeError) as exc:
                st.error(
                    exc.text(lang) if isinstance(exc, InputError) else t("Clic non exploitable.")
                )
            else:
                st.session_state[S.SESSION_QC_SINGLE] = new
                st.rerun()
    with left:
        if result is not None:
            show_single(result, getattr(ctx, "lang", "fr"))


def precision_text(r: engine.SingleResult, lang: str = "fr") -> str:
    """« numéro, à 50 m près », « coordonnées (exactes) », « commune, précision inconnue »."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    if r.precision_m == 0:
        return t("coordonnées (exactes)")
    if not np.isfinite(r.precision_m):
        return i18n.tf("{level}, précision inconnue", lang, level=t(r.precision_label))
    return i18n.tf(
        "{level}, à {radius} près",
        lang,
        level=t(r.precision_label),
        radius=fmt.distance(r.precision_m, lang),
    )


def show_single(r: engine.SingleResult, lang: str = "fr") -> None:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    answers = {"oui": t("oui"), "non": t("non"), "incertain": t("incertain")}
    if r.in_qpv:
        st.success(
            i18n.tf(
                "**Dans un QPV 2024** : {name} ({code})", lang, name=md(r.name), code=md(r.code)
            ),
            icon=":material/check_circle:",
        )
    elif r.uncertain:
        st.warning(
            t("**Incertain** : l'adresse n'est pas localisée assez précisément pour répondre.")
            + "\n\n"
            + md(r.reason().text(lang)),
            icon=":material/help:",
        )
    else:
        st.info(t("**Hors QPV 2024**"), icon=":material/info:")
    for note in r.notes:
        st.info(say(note, lang))
    for warning in r.warnings:
        st.warning(say(warning, lang), icon=":material/warning:")
    rows = []
    if r.geocoded is not None:
        g = r.geocoded
        rows += [
            (t("Adresse trouvée"), g.label),
            (t("Score de géocodage"), fmt.number(g.score, 2, lang)),
        ]
    rows += [
        (t("Précision de la localisation"), precision_text(r, lang)),
        (
            t("Coordonnées (lon, lat)"),
            f"{fmt.number(r.lon, 5, lang)} ; {fmt.number(r.lat, 5, lang)}",
        ),
        (t("En QPV 2024"), answers.get(r.answer, r.answer)),
    ]
    if r.in_qpv:
        rows += [
            (t("Code du QPV"), r.code),
            (t("Nom du QPV"), r.name),
            (t("Commune(s) du QPV"), ", ".join(f"{n} ({c})" for c, n in r.communes)),
        ]
    elif r.uncertain and r.point_in:
        rows += [
            (t("QPV où tombe le point trouvé"), f"{r.nearest_name or '–'} ({r.nearest_code})"),
            (t("Distance à la limite du QPV"), fmt.distance(r.edge_m, lang)),
            (t("Commune du point"), ", ".join(f"{n} ({c})" for c, n in r.communes) or "–"),
        ]
    else:
        rows += [
            (t("QPV le plus proche"), f"{r.nearest_name or '–'} ({r.nearest_code or '–'})"),
            ("Distance", fmt.distance(r.distance_m, lang)),
            (t("Commune du point"), ", ".join(f"{n} ({c})" for c, n in r.communes) or "–"),
        ]
    rows += [
        (t("À moins de 300 m d'un QPV"), answers.get(r.near_answer, r.near_answer)),
        ("QPV 2015", i18n.t_known(r.qpv_2015, lang)),
    ]
    st.table(md_frame(pd.DataFrame(rows, columns=["", t("Résultat")]).set_index("")))
    if r.alternatives:
        with st.expander(t("Autres adresses proposées par le géocodeur")):
            st.table(
                md_frame(
                    pd.DataFrame(
                        [(a.label, fmt.number(a.score, 2, lang)) for a in r.alternatives],
                        columns=[t("Adresse"), "Score"],
                    )
                )
            )
    precision_help(lang)


def precision_help(lang: str = "fr") -> None:
    """How « incertain » is decided: the precision radius of each kind of location."""
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    with st.expander(t("Réponse « incertain » : comment la précision est prise en compte")):
        st.markdown(
            t(
                "La réponse est « incertain » quand l'adresse peut se trouver, compte tenu de la "
                "précision de sa localisation, d'un côté ou de l'autre de la limite d'un QPV "
                "(ou de la limite des 300 m). Un point sur la limite compte comme dans le QPV. "
                "Les coordonnées saisies ou cliquées sont prises comme exactes."
            )
        )
        rows = [
            (t("coordonnées"), "0 m"),
            (t("numéro"), fmt.distance(pr.RADIUS_M["housenumber"], lang)),
            (t("voie"), fmt.distance(pr.RADIUS_M["street"], lang)),
            (t("lieu-dit"), fmt.distance(pr.RADIUS_M["locality"], lang)),
            (t("commune"), t("toute la commune")),
            (
                i18n.tf("score < {score}", lang, score=fmt.number(pr.LOW_SCORE, 1, lang)),
                t("niveau suivant (numéro → voie → commune)"),
            ),
        ]
        st.table(
            pd.DataFrame(rows, columns=[t("Localisation"), t("Rayon de précision")]).set_index(
                t("Localisation")
            )
        )


# ------------------------------------------------------------------------ batch check
@dataclass
class Job:
    """A batch run in a background thread; the page polls it (the thread never calls st.*)."""

    cancel: threading.Event = field(default_factory=threading.Event)
    label: str = "Préparation"
    done: int = 0
    total: int = 0
    result: engine.BatchResult | None = None
    error: str | None = None  # a French message (engine Message or plain text)
    output_errors: list[str] = field(default_factory=list)  # downloads that could not be made
    thread: threading.Thread | None = None
    csv: bytes | None = None
    xlsx: bytes | None = None

    def progress(self, label: str, done: int, total: int) -> None:
        self.label, self.done, self.total = label, done, total

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


def log_failure(what: str, exc: BaseException) -> None:
    """Log a failure by its type and where it happened, never its message nor its values:
    parsing and writing errors quote the cell that caused them, and the page promises that
    addresses are neither stored nor logged."""
    frames = traceback.extract_tb(exc.__traceback__)[-8:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    log.error("%s: %s at %s", what, type(exc).__name__, where)


def _run(job: Job, ref, df, mapping, geocoder_name) -> None:
    try:
        job.result = engine.run_batch(
            ref, df, mapping, make_geocoder(geocoder_name), job.progress, job.cancel
        )
    except InputError as exc:
        job.error = exc.message
        return
    except Exception as exc:  # never a traceback on the page; the details go to the server log
        log_failure("batch check failed", exc)
        job.error = "Erreur inattendue pendant la vérification. Réessayez ou découpez le fichier."
        return
    # each download on its own: one failing never takes the results or the other file away
    try:
        job.csv = to_csv_bytes(job.result.df)
    except Exception as exc:
        log_failure("batch CSV output failed", exc)
        job.output_errors.append("csv")
    if len(job.result.df) <= XLSX_DIRECT_ROWS:
        _write_xlsx(job)


def _write_xlsx(job: Job) -> None:
    try:
        job.xlsx = to_xlsx_bytes(job.result.df)
    except Exception as exc:
        log_failure("batch XLSX output failed", exc)
        job.output_errors.append("xlsx")


def _load(upload, lang: str = "fr") -> reader.Table | None:
    file_id = (upload.name, upload.size, getattr(upload, "file_id", None))
    cached = st.session_state.get(S.SESSION_QC_TABLE)
    if cached and cached[0] == file_id:
        return cached[1]
    try:
        reader.check_size(upload.size)
        table = reader.read_table(upload.getvalue(), upload.name)
    except InputError as exc:
        st.error(exc.text(lang))
        return None
    except Exception as exc:  # never a traceback on the page; details (not the data) go to the log
        log_failure("reading an uploaded file failed", exc)
        st.error(
            i18n.t(
                "Fichier illisible : enregistrez-le en CSV (UTF-8, séparateur ;) ou en XLSX.", lang
            )
        )
        return None
    st.session_state[S.SESSION_QC_TABLE] = (file_id, table)
    st.session_state.pop(S.SESSION_QC_JOB, None)
    return table


def mapping_editor(df: pd.DataFrame, lang: str = "fr") -> mp.ColumnMapping:
    t = lambda text: i18n.t(text, lang)  # noqa: E731
    proposed = mp.propose(df)
    if proposed is None:
        st.warning(
            t(
                "Aucune colonne d'adresse ou de coordonnées n'a été reconnue : choisissez-les "
                "ci-dessous."
            )
        )
        proposed = mp.ColumnMapping(mode="address")
    modes = list(mp.MODES)
    mode = st.radio(
        t("Comment les lignes sont-elles localisées ?"),
        modes,
        index=modes.index(proposed.mode),
        format_func=lambda m: t(mp.MODES[m]),
        key=S.W_QC_MODE,
    )
    columns = [str(c) for c in df.columns]
    chosen = {}
    cols = st.columns(len(MODE_ROLES[mode]))
    for slot, role in zip(cols, MODE_ROLES[mode], strict=True):
        options = ([t(NONE_CHOICE)] if role in OPTIONAL else []) + columns
        default = getattr(proposed, role) if proposed.mode == mode else None
        if default not in options:
            default = options[0]
        with slot:
            value = st.selectbox(
                t(ROLE_LABELS[role]),
                options,
                index=options.index(default),
                key=f"{S.W_QC_COLUMN}{mode}_{role}",
            )
        chosen[role] = None if role in OPTIONAL and value == options[0] else value
    return mp.ColumnMapping(mode=mode, **chosen)


def _limits_text(lang: str) -> str:
    """reader.LIMITS_TEXT, rebuilt in English (the French text is the reader's own)."""
    if lang != "en":
        return reader.LIMITS_TEXT
    limits = reader.UPLOAD
    return i18n.tf(
        "{rows} lignes, {columns} colonnes et {size} Mo au plus (CSV ou XLSX).",
        lang,
        rows=fmt.number(limits.max_rows, lang=lang),
        columns=fmt.number(limits.max_columns, lang=lang),
        size=fmt.number(limits.max_bytes / 1024 / 1024, lang=lang),
    )


def _describe(table: reader.Table, lang: str) -> str:
    """table.describe() in `lang` (the reader's French sentence when French)."""
    if lang != "en":
        return table.describe()
    rows = fmt.number(len(table.df), lang=lang)
    if table.kind == "xlsx":
        return i18n.tf("Classeur Excel, {rows} lignes", lang, rows=rows)
    separator = reader.SEPARATOR_NAMES.get(table.separator or "")
    return i18n.tf(
        "CSV {encoding}, séparateur {separator}, {rows} lignes, {columns} colonnes",
        lang,
        encoding=table.encoding,
        separator=i18n.t(separator, lang) if separator else repr(table.separator),
        rows=rows,
        columns=len(table.df.columns),
    )


def batch(ctx, ref: engine.Reference) -> None:
    t = _t(ctx)
    lang = getattr(ctx, "lang", "fr")
    st.markdown(
        i18n.tf(
            "**Fichier CSV ou Excel (XLSX)** — limites : {limits}",
            lang,
            limits=_limits_text(lang),
        )
    )
    st.caption(
        t(
            "Le fichier reste en mémoire le temps de la session : il n'est ni enregistré ni "
            "journalisé. Avec le géocodeur de l'IGN, les colonnes d'adresse sont envoyées au "
            "service de la Géoplateforme."
        )
    )
    upload = st.file_uploader(
        t("Déposer le fichier"), type=["csv", "txt", "tsv", "xlsx"], key=S.W_QC_FILE
    )
    if upload is None:
        st.session_state.pop(S.SESSION_QC_JOB, None)
        return
    table = _load(upload, lang)
    if table is None:
        return
    st.caption(_describe(table, lang))
    for note in table.notes:
        st.info(say(note, lang))
    st.dataframe(table.df.head(20), hide_index=True)
    mapping = mapping_editor(table.df, lang)
    default_geo = 0 if mapping.mode in mp.ADDRESS_MODES else 1
    geocoder = st.radio(
        t("Géocodeur"),
        list(GEOCODERS),
        index=default_geo,
        format_func=lambda code: t(GEOCODERS[code]),
        key=S.W_QC_GEOCODER + f"_batch_{mapping.mode in mp.ADDRESS_MODES}",
        horizontal=True,
    )
    try:
        mp.validate(mapping, table.df.columns)
    except InputError as exc:
        st.error(exc.text(lang))
        return
    job: Job | None = st.session_state.get(S.SESSION_QC_JOB)
    if st.button(t("Lancer la vérification"), type="primary", disabled=bool(job and job.running)):
        job = Job()
        job.thread = threading.Thread(
            target=_run, args=(job, ref, table.df, mapping, geocoder), daemon=True
        )
        st.session_state[S.SESSION_QC_JOB] = job
        job.thread.start()
    if job is None:
        return
    if job.running:
        cancel_slot = st.empty()  # emptied when the work ends: no « Annuler » on a done job
        cancel_slot.button(t("Annuler"), on_click=job.cancel.set, key="qc_cancel")
        bar = st.progress(0.0, text=t("Vérification en cours…"))
        while job.running:
            share = job.done / job.total if job.total else 0.0
            bar.progress(
                min(share, 1.0),
                text=f"{i18n.t_known(job.label, lang)} : {fmt.number(job.done, lang=lang)} / "
                f"{fmt.number(job.total, lang=lang)}",
            )
            time.sleep(0.2)
        bar.empty()
        cancel_slot.empty()
    show_batch(ctx, job)


ANSWER_STYLES = {"oui": "background-color: #FBE3D6", "incertain": "background-color: #F5DCEB"}
FIRST_RESULTS = (
    "en_qpv_2024",
    "a_moins_de_300m",
    "precision_localisation",
    "rayon_precision_m",
    "code_qpv",
    "nom_qpv",
    "distance_m",
    "qpv_le_plus_proche",
    "statut",
)


def results_order(res: engine.BatchResult) -> list[str]:
    """On the page: the user's columns, then the answers first (the file keeps its order)."""
    names = dict(zip(engine.RESULT_COLUMNS, res.result_columns, strict=True))
    first = [names[c] for c in FIRST_RESULTS]
    original = [c for c in res.df.columns if c not in set(res.result_columns)]
    return original + first + [c for c in res.result_columns if c not in first]


def results_view(res: engine.BatchResult, rows: int = 200, lang: str = "fr"):
    """The first rows, « oui » and « incertain » answers shaded (colours of the map). The
    added numbers in the page's language (« 1 234 »), « — » for any added cell left empty
    (never « None »); the user's own columns exactly as read."""
    import pandas as pd

    names = dict(zip(engine.RESULT_COLUMNS, res.result_columns, strict=True))
    answers = [names["en_qpv_2024"], names["a_moins_de_300m"]]
    head = res.df.head(rows)
    coordinates = [names["lon"], names["lat"]]
    numbers = [
        c
        for c in res.result_columns
        if c in head.columns and c not in coordinates and pd.api.types.is_numeric_dtype(head[c])
    ]

    def shown(decimals: int):
        return lambda v: v if isinstance(v, str) else fmt.number(v, decimals, lang)

    # empty added cells hold the « — » text itself: the data grid draws a missing value as
    # « None » whatever the Styler says
    head = head.copy()
    added = [c for c in res.result_columns if c in head.columns]
    for c in added:
        head[c] = head[c].astype(object).where(head[c].notna(), fmt.TABLE_MISSING)
    formats = {c: shown(6) for c in coordinates} | {c: shown(0) for c in numbers}
    return head.style.map(lambda v: ANSWER_STYLES.get(v, ""), subset=answers).format(formats)


def show_batch(ctx, job: Job) -> None:
    t = _t(ctx)
    lang = getattr(ctx, "lang", "fr")
    if job.error:
        st.error(say(job.error, lang))
        return
    res = job.result
    if res is None:
        return
    if job.cancel.is_set():
        st.warning(
            t("Vérification annulée : les lignes non traitées portent le statut « annulé ».")
        )
    s = res.summary
    cols = st.columns(5)
    cols[0].metric(t("Lignes"), fmt.number(s["rows"], lang=lang))
    cols[1].metric(t("Localisées"), fmt.number(s["located"], lang=lang))
    cols[2].metric(t("En QPV 2024"), fmt.number(s["in_qpv"], lang=lang))
    cols[3].metric(
        t("Incertain"),
        fmt.number(s["uncertain"], lang=lang),
        help=t(
            "Lignes localisées moins précisément que leur distance à la limite d'un QPV "
            "(géocodage à la voie, à la commune, ou score faible) : ni dans ni hors QPV."
        ),
    )
    cols[4].metric(
        t("Hors QPV, à moins de 300 m"),
        fmt.number(s["near_300"], lang=lang),
        help=i18n.ngettext(
            "Sans compter {n} ligne pour laquelle les 300 m sont incertains.",
            "Sans compter {n} lignes pour lesquelles les 300 m sont incertains.",
            s["near_uncertain"],
            lang,
        ).format(n=fmt.number(s["near_uncertain"], lang=lang)),
    )
    if s["uncertain"]:
        st.warning(
            i18n.ngettext(
                "{n} ligne « incertain » : sa localisation n'est pas assez précise pour dire "
                "si elle est dans un QPV. Elle n'est comptée ni dans ni hors QPV (colonnes "
                "« precision_localisation » et « rayon_precision_m » du fichier).",
                "{n} lignes « incertain » : leur localisation n'est pas assez précise pour dire "
                "si elles sont dans un QPV. Elles ne sont comptées ni dans ni hors QPV (colonnes "
                "« precision_localisation » et « rayon_precision_m » du fichier).",
                s["uncertain"],
                lang,
            ).format(n=fmt.number(s["uncertain"], lang=lang)),
            icon=":material/help:",
        )
    for note in res.notes:
        st.info(say(note, lang))
    if s["located"] == 0:
        st.error(
            t(
                "Aucune ligne n'a pu être localisée : vérifiez les colonnes choisies et le "
                "géocodeur."
            )
        )
    precision_help(lang)
    left, right = st.columns(2)
    with left:
        st.markdown(t("**Lignes par QPV**"))
        st.dataframe(
            fmt.frame(
                s["by_qpv"].rename(
                    columns={"code_qpv": "Code", "nom_qpv": "QPV", "lignes": t("Lignes")}
                ),
                lang,
            ),
            hide_index=True,
        )
    with right:
        st.markdown(t("**Lignes par statut**"))
        st.dataframe(
            fmt.frame(
                s["by_status"]
                .assign(statut=[i18n.t_known(v, lang) for v in s["by_status"]["statut"]])
                .rename(columns={"statut": t("Statut"), "lignes": t("Lignes")}),
                lang,
            ),
            hide_index=True,
        )
    st.markdown(t("**Résultats** (colonnes d'origine inchangées, suivies des colonnes ajoutées)"))
    st.dataframe(results_view(res, lang=lang), hide_index=True, column_order=results_order(res))
    d1, d2 = st.columns(2)
    if job.csv is not None:
        d1.download_button(
            t("Télécharger (CSV)"), job.csv, "adresses_qpv.csv", "text/csv", key="qc_dl_csv"
        )
    for kind in job.output_errors:
        st.error(
            i18n.tf(
                "Le fichier {kind} n'a pas pu être écrit ; les résultats ci-dessus et l'autre "
                "format restent disponibles.",
                lang,
                kind=kind.upper(),
            )
        )
    with d2:
        if (
            job.xlsx is None
            and "xlsx" not in job.output_errors
            and st.button(t("Préparer le fichier Excel"), key="qc_xlsx")
        ):
            with st.spinner(t("Écriture du fichier Excel…")):
                _write_xlsx(job)
        if job.xlsx is not None:
            st.download_button(
                t("Télécharger (Excel)"),
                job.xlsx,
                "adresses_qpv.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key="qc_dl_xlsx",
            )
    if s["located"]:
        names = dict(zip(engine.RESULT_COLUMNS, res.result_columns, strict=True))
        m, drawn, located = qmaps.batch_map(ctx.con, res.df, names, lang=lang)
        if drawn < located:
            st.caption(
                i18n.tf(
                    "Carte : {drawn} points affichés sur {located}.",
                    lang,
                    drawn=fmt.number(drawn, lang=lang),
                    located=fmt.number(located, lang=lang),
                )
            )
        show_map(m, key="qc_batch_map", height=520)
        if st.button(t("Garder comme couche de carte"), key="qc_keep_layer"):
            st.session_state[S.SESSION_POINT_LAYER] = qmaps.layer_frame(res.df, names, lang)
            st.success(
                t(
                    "Points gardés : ils s'affichent comme couche sur la carte de la page "
                    "Écosystème."
                )
            )
