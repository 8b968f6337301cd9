"""« Poids de l'ESS » section (Territoire page): the SSE among all establishments of the
territory, its parent and France, the SSE share of each sector, the evolution since 2010 against
all establishments, the perimeter switch, and INSEE's published share in a separate box.
Figures come from sse_dash.dashboard.indicators (the same as `export indicateurs|evolution`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sse_dash import charts, fmt, i18n, style
from sse_dash.dashboard import indicators as ind
from sse_dash.dashboard import territory as terr
from sse_dash.dashboard.territory import Territory
from sse_dash.i18n import N_, _
from sse_dash.ui import cache, downloads, widgets
from sse_dash.ui import state as S

MEASURE_LABELS = {
    "etablissements": N_("Établissements"),
    "employeurs": N_("Établissements employeurs"),
    "emplois_estimes": N_("Emplois estimés"),
}
SHARE_OF = dict(ind.MEASURES)


def perimeter_choice(key: str) -> str:
    """The perimeter radio, mirrored in the URL (?perimetre=statut)."""
    ignored: list[str] = []
    chosen = widgets.url_choice(
        st.radio,
        _("Périmètre de l'ESS"),
        {code: _(label) for code, label in ind.PERIMETER_LABELS.items()},
        param=S.QP_PERIMETER,
        default=ind.DEFAULT_PERIMETER,
        key=key,
        ignored=ignored,
    )
    widgets.ignored_params(ignored, i18n.current())
    return chosen


def weights_of(territories: list[Territory], perimeter: str) -> pd.DataFrame:
    """ind.weights from each territory's cached weight: after a change of territory only the
    new one is queried (its parent and France are already known)."""
    return ind.weights_frame([cache.call(ind.weight, t, perimeter) for t in territories])


def weight_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The weight columns formatted for reading, with French (or English) headers."""
    out = pd.DataFrame({_("Territoire"): frame.get("territoire", frame.get("nom"))})
    ess, every, part = _("ESS"), _("tous"), _("part de l'ESS")
    for stem, share in ind.MEASURES:
        label = _(MEASURE_LABELS[stem])
        out[f"{label} — {ess}"] = [fmt.number(v, lang=lang) for v in frame[f"{stem}_ess"]]
        out[f"{label} — {every}"] = [fmt.number(v, lang=lang) for v in frame[f"{stem}_tous"]]
        out[f"{label} — {part}"] = [fmt.percent(v, lang=lang) for v in frame[share]]
    return out


def _kpis(w: ind.Weight, lang: str) -> None:
    items = []
    for stem, _share in ind.MEASURES:
        v = w.values
        items.append(
            (
                _("Part de l'ESS : {what}").format(what=_(MEASURE_LABELS[stem]).lower()),
                fmt.percent(w.share(stem), lang=lang),
                _("{ess} dans l'ESS sur {all}").format(
                    ess=fmt.number(v[f"{stem}_ess"], lang=lang),
                    all=fmt.number(v[f"{stem}_tous"], lang=lang),
                ),
            )
        )
    widgets.kpis(items)


def _published_box(territory: Territory, lang: str) -> None:
    """INSEE's published figure, apart from the SIRENE estimates."""
    values = cache.call(ind.published_values, territory)  # the source is asked once
    pub = None if values is None else {**values, **cache.call(ind.published_source)}
    with st.container(border=True):
        st.markdown("**" + _("Statistique publiée") + "**")
        if pub is None:
            st.caption(
                _(
                    "Part de l'ESS dans l'emploi salarié publiée par l'INSEE (ITDD, 2008 et "
                    "2014) : disponible pour les régions et les départements seulement."
                )
            )
            return
        c1, c2 = st.columns(2)
        c1.metric(
            _("Part de l'ESS dans l'emploi salarié, 2008"),
            fmt.percent(pub["share_2008"], lang=lang),
        )
        c2.metric(
            _("Part de l'ESS dans l'emploi salarié, 2014"),
            fmt.percent(pub["share_2014"], lang=lang),
        )
        st.caption(
            _(
                "Source : INSEE, indicateurs territoriaux de développement durable (ITDD), "
                "millésimes 2008 et 2014. Statistique publiée (emploi salarié au lieu de "
                "travail), à ne pas comparer directement aux estimations SIRENE ci-dessus."
            )
        )


def _sectors(territory: Territory, perimeter: str, lang: str) -> None:
    ignored: list[str] = []
    measure = widgets.url_choice(
        st.selectbox,
        _("Mesure"),
        {k: _(v) for k, v in MEASURE_LABELS.items()},
        param=S.QP_WEIGHT_MEASURE,
        default="employeurs",
        key="weight_measure",
        ignored=ignored,
    )
    widgets.ignored_params(ignored, lang)
    sec = cache.call(ind.sectors, territory, perimeter)
    sec = sec.assign(label=[_(ind.SECTOR_LABELS.get(c, c)) for c in sec["secteur"]])
    share = SHARE_OF[measure]
    shown = sec[sec[f"{measure}_tous"] > 0]
    fig = charts.hbar(
        shown,
        label="label",
        value=share,
        title=_("Part de l'ESS par secteur : {what}").format(
            what=_(MEASURE_LABELS[measure]).lower()
        ),
        lang=lang,
        percent=True,
        color=style.SECTOR_COLOUR,
    )
    table = pd.DataFrame(
        {
            _("Secteur"): sec["label"],
            _("ESS"): [fmt.number(v, lang=lang) for v in sec[f"{measure}_ess"]],
            _("Tous"): [fmt.number(v, lang=lang) for v in sec[f"{measure}_tous"]],
            _("Part de l'ESS"): [fmt.percent(v, lang=lang) for v in sec[share]],
        }
    )
    meta = {"title": fig.layout.title.text, "territory": territory.label}
    widgets.chart(fig, f"weight_sectors_{measure}", table, lang=lang, meta=meta)
    st.caption(
        _(
            "Regroupement des observatoires de l'ESS à partir des divisions NAF (page Données et sources)."
        )
    )


def _evolution(territory: Territory, perimeter: str, lang: str) -> None:
    evo = cache.call(ind.evolution, territory, perimeter)
    if evo.empty:
        st.info(_("Évolution non disponible pour ce territoire."))
        return
    first = int(evo["annee"].iloc[0])
    fig = charts.lines(
        evo,
        x="annee",
        series=[("indice_ess", _("ESS")), ("indice_tous", _("Tous établissements"))],
        title=_("Établissements actifs au 1er janvier, indice 100 en {year}").format(year=first),
        y_label=_("Indice"),
        lang=lang,
        colors=[style.BAR_COLOUR, "#888888"],
        decimals=1,
    )
    table = pd.DataFrame(
        {
            _("Année"): evo["annee"].astype(str),
            _("ESS actifs au 1er janvier"): [
                fmt.number(v, lang=lang) for v in evo["etablissements_ess_actifs_1er_janvier"]
            ],
            _("Créations ESS"): [fmt.number(v, lang=lang) for v in evo["creations_ess"]],
            _("Fermetures ESS"): [fmt.number(v, lang=lang) for v in evo["fermetures_ess"]],
            _("Tous actifs au 1er janvier"): [
                fmt.number(v, lang=lang) for v in evo["etablissements_tous_actifs_1er_janvier"]
            ],
            _("Créations (tous)"): [fmt.number(v, lang=lang) for v in evo["creations_tous"]],
            _("Fermetures (tous)"): [fmt.number(v, lang=lang) for v in evo["fermetures_tous"]],
            _("Indice ESS"): [fmt.number(v, 1, lang) for v in evo["indice_ess"]],
            _("Indice tous"): [fmt.number(v, 1, lang) for v in evo["indice_tous"]],
            _("Croissance annuelle ESS"): [
                fmt.percent(v, lang=lang) for v in evo["croissance_ess"]
            ],
            _("Croissance annuelle (tous)"): [
                fmt.percent(v, lang=lang) for v in evo["croissance_tous"]
            ],
        }
    )
    meta = {"title": fig.layout.title.text, "territory": territory.label}
    widgets.chart(fig, "weight_evolution", table, lang=lang, meta=meta)
    st.caption(
        _(
            "Reconstitution à partir des dates de création et de fermeture du fichier stock "
            "SIRENE : voir ses limites sur la page Données et sources."
        )
    )


def section(territory: Territory, lang: str) -> None:
    """The whole « Poids de l'ESS » section for `territory` (nothing when the warehouse
    predates the weight tables, with a word saying so)."""
    st.subheader(_("Poids de l'ESS"))
    if not cache.call(ind.available):
        st.info(
            _(
                "Les agrégats de tous les établissements ne sont pas dans cette base : "
                "reconstruisez-la (python -m sse_dash data build)."
            )
        )
        return
    perimeter = perimeter_choice("weight_perimeter")
    diff = cache.call(ind.perimeters, territory)
    st.caption(
        _(
            "{n} établissements actifs diffèrent entre les deux périmètres : {a} seulement avec "
            "l'indicateur de l'INSEE, {b} seulement par leur statut."
        ).format(
            n=fmt.number(diff["insee_only"] + diff["statut_only"], lang=lang),
            a=fmt.number(diff["insee_only"], lang=lang),
            b=fmt.number(diff["statut_only"], lang=lang),
        )
    )
    w = cache.call(ind.weight, territory, perimeter)
    _kpis(w, lang)
    day, synthetic = cache.call(ind.sirene_vintage)
    st.caption(
        (
            _("Source : SIRENE synthétique (données fictives), générée le {date}")
            if synthetic
            else _("Source : SIRENE (INSEE), fichiers du {date}")
        ).format(date=fmt.date(day, lang) if day else "–")
        + " — "
        + _("emplois : estimation à partir des tranches d'effectifs")
        + "."
    )
    refs = [territory, *cache.call(terr.references, territory)]
    frame = weights_of(refs, perimeter)
    st.dataframe(weight_display(frame, lang), hide_index=True)
    downloads.table_downloads(
        frame,
        "weight_refs",
        {"title": _("Poids de l'ESS"), "territory": territory.label},
        lang=lang,
    )
    _published_box(territory, lang)
    c1, c2 = st.columns(2)
    with c1:
        _sectors(territory, perimeter, lang)
    with c2:
        _evolution(territory, perimeter, lang)


def sources_section(lang: str) -> None:
    """« Données & sources »: how the weight and the evolution are computed, what the
    evolution cannot say, and the sector groups (docs/indicators.md)."""
    st.header(_("Poids et évolution de l'ESS"))
    st.markdown(
        _(
            "**Poids de l'ESS.** Établissements actifs, établissements employeurs et emplois "
            "estimés de l'ESS rapportés à ceux de **tous** les établissements SIRENE du "
            "territoire, agrégés à la construction de la base (aucun établissement hors ESS "
            "n'y est conservé). Les emplois sont une estimation à partir des tranches "
            "d'effectifs (milieu de chaque tranche), pas une statistique publiée."
        )
    )
    st.markdown(
        _(
            "**Évolution depuis 2010.** Reconstituée à partir du seul fichier stock SIRENE : "
            "date de création de chaque établissement et, pour un établissement fermé, date de "
            "début de sa dernière période (sa fermeture). Les actifs au 1er janvier de l'année "
            "N+1 égalent exactement ceux de l'année N, plus les créations, moins les "
            "fermetures de l'année N."
        )
    )
    st.markdown(
        _(
            "**Ce que cette reconstitution ne dit pas.** Le fichier stock ne garde que le "
            "dernier état de chaque établissement : son histoire avant ce dernier changement "
            "(fermeture puis réouverture, déménagement, changement de catégorie juridique ou "
            "d'indicateur ESS) n'y est pas. La commune, la catégorie juridique, l'indicateur "
            "ESS, l'activité et la tranche d'effectifs sont ceux d'aujourd'hui, appliqués au "
            "passé ; les établissements fermés absents du fichier ne sont pas comptés ; "
            "l'évolution compte des établissements, pas des emplois ; elle n'existe pas pour "
            "un QPV (le QPV d'un établissement fermé n'est pas connu)."
        )
    )
    st.markdown(
        _(
            "**Périmètre.** Par défaut, l'indicateur ESS de l'INSEE "
            "(economieSocialeSolidaireUniteLegale = O) ; au choix, le périmètre statutaire : "
            "associations, coopératives, mutuelles et fondations d'après leur catégorie "
            "juridique, quel que soit l'indicateur."
        )
    )
    from sse_dash.sirene.weight import SECTOR_GROUPS

    table = pd.DataFrame(
        {
            _("Secteur"): [_(label) for _code, label, _divs in SECTOR_GROUPS],
            _("Divisions NAF rév. 2"): [
                ", ".join(divs) if divs else _("toutes les autres")
                for _c, _l, divs in SECTOR_GROUPS
            ],
        }
    )
    with st.expander(_("Regroupement des secteurs (observatoires de l'ESS)")):
        widgets.table(table, "sector_groups", lang=lang)


def compare_section(territories: list[Territory], references: list[Territory], lang: str) -> None:
    """« Comparer »: the weight of the SSE in each compared territory, their references and
    France (INSEE perimeter unless the URL says otherwise)."""
    if not cache.call(ind.available) or not territories:
        return
    st.subheader(_("Poids de l'ESS"))
    perimeter = perimeter_choice("cmp_weight_perimeter")
    france = cache.call(terr.france)
    shown = list(dict.fromkeys([*territories, *references, france]))
    frame = weights_of(shown, perimeter)
    st.dataframe(weight_display(frame, lang), hide_index=True)
    downloads.table_downloads(frame, "cmp_weight", {"title": _("Poids de l'ESS")}, lang=lang)
    cols = st.columns(3)
    for col, (stem, share) in zip(cols, ind.MEASURES, strict=True):
        fig = charts.hbar(
            frame,
            label="territoire",
            value=share,
            title=_("Part de l'ESS : {what}").format(what=_(MEASURE_LABELS[stem]).lower()),
            lang=lang,
            percent=True,
        )
        table = pd.DataFrame(
            {
                _("Territoire"): frame["territoire"],
                _("ESS"): [fmt.number(v, lang=lang) for v in frame[f"{stem}_ess"]],
                _("Tous"): [fmt.number(v, lang=lang) for v in frame[f"{stem}_tous"]],
                _("Part de l'ESS"): [fmt.percent(v, lang=lang) for v in frame[share]],
            }
        )
        with col:
            widgets.chart(
                fig,
                f"cmp_weight_{stem}",
                table,
                meta={"territory": ", ".join(x.label for x in territories)},
                lang=lang,
            )
    st.caption(
        _("Emplois : estimation à partir des tranches d'effectifs. Détail sur la page Territoire.")
    )
