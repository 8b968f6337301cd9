"""Weight of the SSE among all establishments and its evolution (sse_dash.sirene.weight,
sse_dash.dashboard.indicators, `export indicateurs` / `export evolution`) on the small
deterministic SIRENE stock of weight_fixture: levels add up to France, the evolution identities
hold and match a direct count, the perimeters differ as the legal categories say, the CLI
writes the contract's columns and refuses bad input in French."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
import ui_warehouse
import weight_fixture

from sse_dash import cli, db
from sse_dash.dashboard import indicators as ind
from sse_dash.dashboard import territory as terr
from sse_dash.sirene import weight

LAST = weight_fixture.LAST_YEAR


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weight")
    return ui_warehouse.build(folder / "sse.duckdb")


@pytest.fixture
def con(wh):
    c = db.connect(wh, read_only=True)
    yield c
    c.close()


def _expected() -> pd.DataFrame:
    """The fixture's establishments with the rules written out plainly (not through SQL)."""
    units, ets, _geo = weight_fixture.frames()
    df = ets.merge(units, on="siren")
    df["active"] = df["etatAdministratifEtablissement"] == "A"
    df["sse_insee"] = df["economieSocialeSolidaireUniteLegale"] == "O"
    df["sse_statut"] = df["categorieJuridiqueUniteLegale"].isin(["9220", "5458"])
    df["dep"] = (
        df["codeCommuneEtablissement"].str[:2].where(df["codeCommuneEtablissement"] != "99999")
    )
    return df


def _active_on(df: pd.DataFrame, year: int) -> pd.Series:
    """Active on 1 January `year`: created before, and still active or closed on/after it
    (no creation date = before; a closure never before the creation)."""
    jan1 = dt.date(year, 1, 1)

    def day(d):
        return dt.date(1900, 1, 1) if d is None or pd.isna(d) else d

    created = df["dateCreationEtablissement"].map(day)
    closed = [
        max(day(c), cr) if not a else None
        for c, cr, a in zip(df["dateDebut"], created, df["active"], strict=True)
    ]
    return (created < jan1) & pd.Series([c is None or c >= jan1 for c in closed], index=df.index)


def test_sector_groups_by_naf_division():
    assert weight.sector_group("87.10A", "NAFRev2") == "action_sociale_heb"
    assert weight.sector_group("88.99B", "NAFRev2") == "action_sociale_sans_heb"
    assert weight.sector_group("43.21A", "NAFRev2") == "industrie_construction"
    assert weight.sector_group("70.22Z", "NAFRev2") == "soutien_entreprises"
    assert weight.sector_group("94.99Z", "NAFRev2") == "autres"
    assert weight.sector_group("85.3A", "NAFRev1") == "autres"  # older nomenclature
    assert weight.is_statutory("9220") and weight.is_statutory("9300")
    assert weight.is_statutory("8210") and weight.is_statutory("5458")
    assert not weight.is_statutory("5710") and not weight.is_statutory(None)


def test_build_is_consistent(con):
    assert weight.check_consistency(con) == []


def test_departements_add_up_to_france(con):
    france = ind.weight(con, terr.france(con))
    deps = ind.level_table(con, "departement")
    regs = ind.level_table(con, "region")
    df = _expected()
    unknown = df[df["active"] & df["dep"].isna()]
    assert len(unknown) >= 1  # an unknown commune is counted in France only
    for col in ("etablissements_ess", "etablissements_tous", "employeurs_tous"):
        if col.startswith("employeurs"):
            assert deps[col].sum() == ind.level_table(con, "commune")[col].sum()
            continue
        extra = len(unknown[unknown["sse_insee"]]) if col.endswith("_ess") else len(unknown)
        assert deps[col].sum() + extra == france.values[col]
        assert regs[col].sum() == deps[col].sum()
    assert deps["emplois_estimes_tous"].sum() == pytest.approx(
        ind.level_table(con, "commune")["emplois_estimes_tous"].sum()
    )
    # direct count of the fixture
    active = df[df["active"]]
    assert france.values["etablissements_tous"] == len(active)
    assert france.values["etablissements_ess"] == int(active["sse_insee"].sum())
    share = 100 * active["sse_insee"].sum() / len(active)
    assert france.share("etablissements") == pytest.approx(share)


def test_perimeters_differ_by_legal_category(con):
    fr = terr.france(con)
    got = ind.perimeters(con, fr)
    active = _expected().query("active")
    assert got["statut_only"] == int((active["sse_statut"] & ~active["sse_insee"]).sum()) > 0
    assert got["insee_only"] == int((active["sse_insee"] & ~active["sse_statut"]).sum()) > 0
    statut = ind.weight(con, fr, "statut").values["etablissements_ess"]
    assert statut == got["both"] + got["statut_only"]


@pytest.mark.parametrize("key", ["fr", "dep:93", "reg:11", "epci:200057867", "com:93066"])
@pytest.mark.parametrize("perimeter", ["insee", "statut"])
def test_evolution_identities(con, key, perimeter):
    t = terr.resolve(con, key, levels=terr.LEVELS)
    evo = ind.evolution(con, t, perimeter)
    assert evo["annee"].tolist() == list(range(weight.FIRST_YEAR, LAST + 1))
    for stem in ("ess", "tous"):
        actives = evo[f"etablissements_{stem}_actifs_1er_janvier"].to_numpy()
        flows = (evo[f"creations_{stem}"] - evo[f"fermetures_{stem}"]).to_numpy()
        assert (actives[1:] == actives[:-1] + flows[:-1]).all()
        # the last year, plus this year's creations and closures = today's count
        today = ind.weight(con, t, perimeter).values[f"etablissements_{stem}"]
        assert actives[-1] + flows[-1] == today
    assert evo["indice_tous"].iloc[0] == 100


def test_evolution_matches_a_direct_count(con):
    df = _expected()
    d93 = df[df["dep"] == "93"]
    evo = ind.evolution(con, terr.resolve(con, "dep:93")).set_index("annee")
    for year in (2010, 2015, 2020, LAST):
        assert (
            evo.loc[year, "etablissements_tous_actifs_1er_janvier"] == _active_on(d93, year).sum()
        )
        ess = d93[d93["sse_insee"]]
        assert evo.loc[year, "etablissements_ess_actifs_1er_janvier"] == _active_on(ess, year).sum()
    created = d93["dateCreationEtablissement"].map(lambda d: None if pd.isna(d) else d.year)
    assert evo.loc[2015, "creations_tous"] == int((created == 2015).sum())


def test_sectors_share(con):
    fr = terr.france(con)
    sec = ind.sectors(con, fr)
    assert sec["secteur"].tolist() == list(weight.SECTOR_GROUP_CODES)
    assert sec["etablissements_tous"].sum() == ind.weight(con, fr).values["etablissements_tous"]
    row = sec.set_index("secteur").loc["action_sociale_sans_heb"]
    assert row["part_ess_etablissements"] == pytest.approx(
        100 * row["etablissements_ess"] / row["etablissements_tous"]
    )


def test_level_table_inside_parents(con):
    communes = ind.level_table(con, "commune", ind.resolve_parent(con, "commune", "200057867"))
    assert sorted(communes["code"]) == ["93031", "93066"]
    deps = ind.level_table(con, "departement", ind.resolve_parent(con, "departement", "11"))
    assert sorted(deps["code"]) == ["75", "93"]
    with pytest.raises(terr.UnknownTerritory, match="impossible pour ce niveau"):
        ind.resolve_parent(con, "departement", "dep:93")
    with pytest.raises(terr.UnknownTerritory, match="niveau"):
        ind.parse_level("canton")


def _csv(path) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(path.read_bytes()),
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype={"code": str},
    )


def test_cli_indicateurs_and_evolution(wh, tmp_path, capsys):
    out = tmp_path / "ind.csv"
    assert (
        cli.main(
            ["export", "indicateurs", "--niveau", "dep", "--out", str(out), "--warehouse", str(wh)]
        )
        == 0
    )
    got = _csv(out)
    for col in (
        "code",
        "nom",
        "etablissements_ess",
        "etablissements_tous",
        "part_ess_etablissements",
        "employeurs_ess",
        "employeurs_tous",
        "part_ess_employeurs",
        "emplois_estimes_ess",
        "emplois_estimes_tous",
        "part_ess_emplois",
    ):
        assert col in got.columns
    row = got.set_index("code").loc["93"]
    assert row["part_ess_etablissements"] == pytest.approx(
        100 * row["etablissements_ess"] / row["etablissements_tous"], abs=0.01
    )
    assert "SIRENE" in row["source"]

    evo_out = tmp_path / "evo.csv"
    args = [
        "export",
        "evolution",
        "--territoire",
        "dep:93",
        "--out",
        str(evo_out),
        "--warehouse",
        str(wh),
    ]
    assert cli.main(args) == 0
    evo = _csv(evo_out)
    for col in (
        "annee",
        "etablissements_ess_actifs_1er_janvier",
        "creations_ess",
        "fermetures_ess",
        "etablissements_tous_actifs_1er_janvier",
        "creations_tous",
        "fermetures_tous",
    ):
        assert col in evo.columns
    a = evo["etablissements_ess_actifs_1er_janvier"].to_numpy()
    flow = (evo["creations_ess"] - evo["fermetures_ess"]).to_numpy()
    assert (a[1:] == a[:-1] + flow[:-1]).all()
    assert a[-1] + flow[-1] == row["etablissements_ess"]

    xlsx = tmp_path / "ind.xlsx"
    args = [
        "export",
        "indicateurs",
        "--niveau",
        "com",
        "--parent",
        "dep:93",
        "--out",
        str(xlsx),
        "--warehouse",
        str(wh),
    ]
    assert cli.main(args) == 0
    sheets = pd.read_excel(xlsx, sheet_name=None, dtype={"code": str})
    assert sorted(sheets["Poids de l'ESS"]["code"]) == ["93008", "93031", "93066"]
    assert "Sources" in sheets


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["indicateurs", "--niveau", "canton"], "niveau « canton » non reconnu"),
        (["indicateurs", "--niveau", "reg", "--parent", "93"], "impossible pour le niveau"),
        (["indicateurs", "--niveau", "com", "--parent", "dep:99"], "introuvable"),
        (["indicateurs", "--niveau", "dep", "--perimetre", "large"], "périmètre « large »"),
        (["evolution", "--territoire", "dep:9x3"], "invalide"),
        (["evolution", "--territoire", "qpv:QN09301M"], "non disponible pour un QPV"),
    ],
)
def test_cli_errors_in_french(wh, tmp_path, capsys, args, message):
    out = tmp_path / "x.csv"
    assert cli.main(["export", *args, "--out", str(out), "--warehouse", str(wh)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_briefing_pack_has_the_weight_and_evolution_slides(con):
    from sse_dash.export import brief

    data = brief.collect(con, "dep:93")
    titles = [s.title for s in brief.sections(data)]
    assert "Poids de l'ESS dans l'économie locale" in titles
    assert "Évolution des établissements de l'ESS depuis 2010" in titles
    table = next(s.table for s in brief.sections(data) if s.title.startswith("Poids"))
    assert list(table.columns) == [
        "Part de l'ESS dans les…",
        "Seine-Saint-Denis (93)",
        "Île-de-France",
        "France",
    ]
